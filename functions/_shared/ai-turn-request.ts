// Body of the server-to-server call trace-analysis-socket -> process-ai-turn:
// which model round of which turn to run, for the user id the socket took
// from the verified token (never from the client). Round 1 carries the
// question (the user's prompt, its history and trace); rounds 2.. run after
// the socket accepted round n - 1's tool results, and carry nothing else:
// process-ai-turn reads the question, the earlier rounds' calls and results
// from the turn's row, so any socket of the user may continue a turn.
import { z } from 'zod';
import { MAX_TOOL_STEPS } from './chat-constants.ts';
import { UserPromptSchema } from './chat-messages.ts';

/** What a turn asks: kept on its row once it calls tools. */
export const TurnQuestionSchema = UserPromptSchema.pick({ traceId: true, prompt: true, history: true });
export type TurnQuestion = z.infer<typeof TurnQuestionSchema>;

const FirstRoundSchema = UserPromptSchema.omit({ type: true }).extend({
  userId: z.uuid(),
  round: z.literal(1).default(1),
});

const LaterRoundSchema = z.strictObject({
  userId: z.uuid(),
  turnId: UserPromptSchema.shape.turnId,
  round: z
    .number()
    .int()
    .min(2)
    .max(MAX_TOOL_STEPS + 1),
});

export type AiTurnRequest = z.infer<typeof FirstRoundSchema> | z.infer<typeof LaterRoundSchema>;

/** Validates a body as the round it names asks for (round 1 when it names none), so errors name what that round's body lacks. */
export function parseAiTurnRequest(body: unknown): z.ZodSafeParseResult<AiTurnRequest> {
  const round = typeof body === 'object' && body !== null ? (body as { round?: unknown }).round : undefined;
  return typeof round === 'number' && round > 1 ? LaterRoundSchema.safeParse(body) : FirstRoundSchema.safeParse(body);
}
