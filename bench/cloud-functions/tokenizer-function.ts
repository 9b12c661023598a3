// An edge function that loads the tokenizer the functions use (whatever
// shared-importer's token-count.ts wraps) and counts one string before it
// serves: its cost over the bare function is the tokenizer's share of a turn.
import { countTokens } from '../../shared-importer/src/summary/token-count.ts';

declare const Deno: { serve(handler: () => Response): unknown };

const tokens = await countTokens('Where does the main thread spend its time?');
Deno.serve(() => new Response(String(tokens)));
