// Body of the server-to-server call trace-analysis-socket -> process-ai-turn.
// Same fields as the user's prompt plus the user id, which the socket took
// from the verified token (never from the client).
import { z } from 'zod';
import { UserPromptSchema } from './chat-messages.ts';

export const AiTurnRequestSchema = UserPromptSchema.omit({ type: true }).extend({ userId: z.uuid() });
export type AiTurnRequest = z.infer<typeof AiTurnRequestSchema>;
