// HTTP entry of process-ai-turn: only the socket function may call it (it
// holds the server credential). Answers 202 at once and runs the turn in the
// background, so the caller never waits for the model.
import { describeValidationError } from '../_shared/chat-messages.ts';
import { parseAiTurnRequest } from '../_shared/ai-turn-request.ts';
import type { TurnConfig } from '../_shared/config.ts';
import { waitUntil } from '../_shared/edge-runtime.ts';
import { restBroadcastTransport } from '../_shared/realtime-broadcast.ts';
import { hasServerCredential } from '../_shared/server-credential.ts';
import { createAdminClient } from '../_shared/supabase-clients.ts';
import { createModelClient } from '../_shared/answer-turn.ts';
import { runAiTurn } from './ai-turn.ts';

export function createProcessTurnHandler(config: TurnConfig): (request: Request) => Promise<Response> {
  const admin = createAdminClient(config);
  const transport = restBroadcastTransport(config);
  const openai = createModelClient(config.model);
  return async (request) => {
    if (!hasServerCredential(request, config.aiTurnCredential)) {
      return Response.json({ error: 'Unauthorized: this function is called only by the chat socket.' }, { status: 401 });
    }
    if (request.method !== 'POST') return Response.json({ error: 'Use POST.' }, { status: 405 });
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return Response.json({ error: 'Body is not JSON.' }, { status: 400 });
    }
    const parsed = parseAiTurnRequest(body);
    if (!parsed.success) return Response.json({ error: describeValidationError(parsed.error) }, { status: 400 });
    waitUntil(runAiTurn(parsed.data, { config, admin, transport, openai }));
    return Response.json({ accepted: true, turnId: parsed.data.turnId }, { status: 202 });
  };
}
