// Edge Function entry: runs one AI turn. Called only by trace-analysis-socket
// with the server credential (AI_TURN_SECRET, else the service role key).
import { loadTokenizer } from '../../shared-importer/src/summary/token-count.ts';
import { readTurnConfig } from '../_shared/config.ts';
import { createProcessTurnHandler } from './request-handler.ts';

// The token rank table takes a moment to load: start now, not on the first turn.
void loadTokenizer();
Deno.serve(createProcessTurnHandler(readTurnConfig()));
