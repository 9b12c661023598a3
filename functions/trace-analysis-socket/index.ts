// Edge Function entry: the chat socket. Deploy with verify_jwt = false (a
// WebSocket client cannot send an Authorization header); the handler verifies
// the token itself before anything else.
import { readSocketConfig } from '../_shared/config.ts';
import { createSocketHandler } from './socket-handler.ts';

Deno.serve(createSocketHandler(readSocketConfig()));
