// Edge Function entry: runs one AI turn. Called only by trace-analysis-socket
// with the server credential (AI_TURN_SECRET, else the service role key).
import { readTurnConfig } from '../_shared/config.ts';
import { createProcessTurnHandler } from './request-handler.ts';

Deno.serve(createProcessTurnHandler(readTurnConfig()));
