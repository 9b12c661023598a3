// Edge Function entry: runs one AI turn. Called only by trace-analysis-socket
// with the server credential (AI_TURN_SECRET, else the service role key).
// Nothing heavy loads at start: the tokenizer and the trace importer are
// imported by the turns that need them (see prompt.ts, trace-summary-source.ts).
import { readTurnConfig } from '../_shared/config.ts';
import { createProcessTurnHandler } from './request-handler.ts';

Deno.serve(createProcessTurnHandler(readTurnConfig()));
