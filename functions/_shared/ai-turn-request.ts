// Body of the server-to-server call trace-analysis-socket -> process-ai-turn.
// Same fields as the user's prompt plus the user id, which the socket took
// from the verified token (never from the client), and the model round to run:
// 1 for a new question, n + 1 after the socket accepted the tool results of
// round n (process-ai-turn reads the earlier rounds' calls and results from the
// database, where the socket stored them; never from this body).
import { z } from 'zod';
import { MAX_TOOL_STEPS } from './chat-constants.ts';
import { UserPromptSchema } from './chat-messages.ts';

export const AiTurnRequestSchema = UserPromptSchema.omit({ type: true }).extend({
  userId: z.uuid(),
  round: z
    .number()
    .int()
    .min(1)
    .max(MAX_TOOL_STEPS + 1)
    .default(1),
});
export type AiTurnRequest = z.infer<typeof AiTurnRequestSchema>;
