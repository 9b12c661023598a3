// Local mode: the chat's turns answered from this machine by an
// OpenAI-compatible endpoint (OpenAI, a local Ollama or LM Studio), with the
// same turn logic the cloud runs (functions/_shared/answer-turn.ts: the same
// prompt, the same streaming, the same error sentences) and the same events,
// numbered as the cloud numbers them. The summary the model reads is the one
// the import worker made. The model's tool rounds run here in turn: its calls
// go to the import worker (the injected runner), their results into the next
// round, with the cloud's caps; Stop aborts the model call or the step.
import type OpenAI from 'openai';
import { answerRound, createModelClient, type AnswerSink, type AnswerTurnInput } from '../../functions/_shared/answer-turn.ts';
import type { ModelConfig } from '../../functions/_shared/model-config.ts';
import { answeredRound, type ToolRound } from '../../functions/_shared/tool-rounds.ts';
import type { ChatTrace, ChatTransport, TraceToolRunner, TransportListener, TransportTurnEvent, TurnRequest } from './chat-transport.ts';
import { DEFAULT_PROMPT_TOKEN_BUDGET } from '../../functions/_shared/limits.ts';
import { runToolStep } from './chat-tool-steps.ts';

export interface LocalChatOptions {
  model: ModelConfig;
  /** The summary text of a loaded trace, once the import worker has made it. */
  summaryText(traceId: string): Promise<string>;
  runTool: TraceToolRunner;
  promptTokenBudget?: number;
}

interface LocalTurn {
  abort: AbortController;
  nextSeq: number;
}

export class LocalChat implements ChatTransport {
  private readonly openai: OpenAI;
  private trace: ChatTrace | null = null;
  private listener: TransportListener | null = null;
  private readonly turns = new Map<string, LocalTurn>();

  constructor(private readonly options: LocalChatOptions) {
    this.openai = createModelClient(options.model);
  }

  async open(trace: ChatTrace, listener: TransportListener): Promise<void> {
    this.trace = trace;
    this.listener = listener;
    // Nothing to connect: the endpoint is called per turn.
    listener.onConnection({ state: 'open' });
  }

  async send(turn: TurnRequest): Promise<void> {
    const trace = this.trace;
    if (!trace) throw new Error('The chat is not open.');
    const local: LocalTurn = { abort: new AbortController(), nextSeq: 0 };
    this.turns.set(turn.turnId, local);
    this.emit(turn.turnId, { type: 'waiting_for_model', turnId: turn.turnId });
    void this.answer(trace, turn, local);
  }

  stop(turnId: string): void {
    const turn = this.turns.get(turnId);
    this.turns.delete(turnId);
    turn?.abort.abort();
  }

  async close(): Promise<void> {
    for (const turnId of [...this.turns.keys()]) {
      this.emit(turnId, { type: 'interrupted', turnId, reason: 'The chat was closed before the answer finished.' });
      this.stop(turnId);
    }
    this.listener = null;
  }

  private async answer(trace: ChatTrace, turn: TurnRequest, local: LocalTurn): Promise<void> {
    const sink = this.sinkFor(turn.turnId, local);
    let summaryText: string;
    try {
      summaryText = await this.options.summaryText(trace.traceId);
    } catch (error) {
      await sink.fail('summary_unavailable', `The trace has no summary to answer from: ${(error as Error).message}`);
      return;
    }
    const input: AnswerTurnInput = {
      traceId: trace.traceId,
      summaryText,
      traceName: trace.fileName,
      history: turn.history,
      prompt: turn.prompt,
      promptTokenBudget: this.options.promptTokenBudget ?? DEFAULT_PROMPT_TOKEN_BUDGET,
      model: this.options.model,
      openai: this.openai,
      configurationOwner: 'user',
      signal: local.abort.signal,
    };
    let round = 1;
    let toolRounds: ToolRound[] = [];
    for (;;) {
      const outcome = await answerRound({ ...input, round, toolRounds }, sink);
      if (outcome.kind === 'ended' || local.abort.signal.aborted) return;
      const results = await runToolStep(
        { traceId: trace.traceId, turnId: turn.turnId, seq: local.nextSeq++, step: outcome.round.step, calls: outcome.toRun },
        { runTool: this.options.runTool, emit: (event) => this.emit(turn.turnId, event), isCancelled: () => local.abort.signal.aborted },
      );
      if (!results) return;
      toolRounds = [...outcome.transcript, answeredRound(outcome.round, results)];
      round = outcome.round.step + 1;
    }
  }

  /** Numbers a turn's events as the cloud does (0 = start), and stops reporting once the turn is over or stopped. */
  private sinkFor(turnId: string, local: LocalTurn): AnswerSink {
    const seq = () => local.nextSeq++;
    const finish = (event: TransportTurnEvent) => {
      this.emit(turnId, event);
      this.turns.delete(turnId);
    };
    return {
      start: (_traceId, model) => this.emit(turnId, { type: 'model_chunk_start', turnId, seq: seq(), model }),
      append: (text) => this.emit(turnId, { type: 'model_chunk_append', turnId, seq: seq(), text }),
      // The loop in answer() runs the step and reports it.
      requestTools: async () => {},
      end: async (_usage, finishReason) => finish({ type: 'model_response_end', turnId, seq: seq(), finishReason }),
      fail: async (code, message, retryAfterSeconds) => finish({ type: 'error', turnId, code, message, retryAfterSeconds }),
    };
  }

  private emit(turnId: string, event: TransportTurnEvent): void {
    if (this.turns.has(turnId)) this.listener?.onTurnEvent(event);
  }
}
