// The chat of each trace, fed by the host's chat events: the conversation, the
// turn in flight (sent, waiting for the model, streaming), problems, whether
// the initial analysis was asked for, and the connection. Stream events name
// only their turn, so the store remembers which trace each turn belongs to.
// An answer also carries the trace-tool steps the model ran on the way
// (tool_request adds a round with its calls running, tool_result fills one
// call in). Whether the chat is open is this window's own state.
import { create } from 'zustand';
import {
  INITIAL_ANALYSIS_PROMPT,
  type ChatConnectionEvent,
  type ChatMessage,
  type ChatMode,
  type ChatSnapshot,
  type ChatToolStep,
  type ChatTurnEvent,
} from '../../electron/ipc-contract.ts';

export type ChatProblem = NonNullable<ChatMessage['error']>;

/** The code of the problem shown when the host could not open the chat. */
export const OPEN_FAILED = 'open_failed';

/** The question's turnId until the host has named the turn (one turn is in flight at a time). */
export const UNNAMED_TURN = '';

/** The one turn in flight: sent (not yet named by the host), waiting for the model, or streaming. */
export interface TurnInFlight {
  turnId: string | null;
  phase: 'sending' | 'waiting' | 'streaming';
  /** It asks the initial analysis (asked again when refused before it had a turn). */
  initialAnalysis?: true;
  /** The user asked to stop it; the host has not confirmed yet. */
  stopping?: true;
}

export interface TraceChat {
  traceId: string;
  mode: ChatMode | null;
  /** False until the host's snapshot (the persisted conversation) has arrived. */
  loaded: boolean;
  messages: ChatMessage[];
  inFlight: TurnInFlight | null;
  initialAnalysisRequested: boolean;
  /** A problem of the chat rather than of one turn: a request that failed, an error the host sent without a turn. */
  error: ChatProblem | null;
  connection: ChatConnectionEvent;
  /** The last turn event of this trace's chat. */
  lastEvent: ChatTurnEvent | null;
  /** Turns whose stream lost events between seq values (the answer shown may miss a part). */
  gappedTurns: string[];
}

interface ChatState {
  open: boolean;
  chats: Record<string, TraceChat>;
  /** The trace whose chat is connected: events that name no known turn go to it. */
  activeTraceId: string | null;
  /** Which trace each turn belongs to. */
  turnTraces: Record<string, string>;

  openChanged(open: boolean): void;
  /** The window asked the host to open this trace's chat. */
  chatOpening(traceId: string): void;
  /** The window asked the host to close the chat. */
  chatClosed(): void;
  /** The persisted conversation (on open, and for a new conversation): it replaces what was shown. */
  snapshotReceived(snapshot: ChatSnapshot): void;
  /** Opening the chat failed: it is closed, and shows why. */
  openFailed(traceId: string, message: string): void;
  /** A request about this chat failed (a new conversation): the chat shows why. */
  requestFailed(traceId: string, message: string): void;
  connectionChanged(event: ChatConnectionEvent): void;
  turnEventReceived(event: ChatTurnEvent): void;
  /** A question (null: the initial analysis) is on its way to the host. */
  questionSent(traceId: string, prompt: string | null): void;
  /** A failed turn is asked again: its question shows again as the new turn's. */
  retrySent(traceId: string, failedTurnId: string): void;
  /** The host answered a send or retry with the new turn's id. */
  questionNamed(traceId: string, turnId: string): void;
  /** The host refused the question in flight; it is taken back (the window puts it back in the input). */
  questionFailed(traceId: string, message: string): void;
  /** The user asked to stop the turn. */
  stopRequested(turnId: string): void;
  /** The host stopped the turn: the answer so far stays, marked stopped; later chunks are ignored. */
  turnStopped(turnId: string): void;
  errorDismissed(traceId: string): void;
}

const IDLE: ChatConnectionEvent = { traceId: null, state: 'idle' };

function emptyChat(traceId: string): TraceChat {
  return {
    traceId,
    mode: null,
    loaded: false,
    messages: [],
    inFlight: null,
    initialAnalysisRequested: false,
    error: null,
    connection: { ...IDLE, traceId },
    lastEvent: null,
    gappedTurns: [],
  };
}

export const useChatStore = create<ChatState>()((set, get) => {
  const chatOf = (traceId: string) => get().chats[traceId] ?? emptyChat(traceId);
  const update = (traceId: string, change: (chat: TraceChat) => Partial<TraceChat>, turnTraces?: Record<string, string>) => {
    const chat = chatOf(traceId);
    set({ chats: { ...get().chats, [traceId]: { ...chat, ...change(chat) } }, ...(turnTraces && { turnTraces: { ...get().turnTraces, ...turnTraces } }) });
  };

  /** The trace an event belongs to: its own, its turn's, or (a turn not known yet) the connected chat's. */
  const traceOfEvent = (event: ChatTurnEvent): string | null => {
    if (event.type === 'turn_accepted') return event.traceId;
    return (event.turnId !== null && get().turnTraces[event.turnId]) || get().activeTraceId;
  };

  return {
    open: false,
    chats: {},
    activeTraceId: null,
    turnTraces: {},

    openChanged(open) {
      set({ open });
    },
    chatOpening(traceId) {
      set({ activeTraceId: traceId });
      update(traceId, (chat) => ({
        error: null,
        connection: chat.connection.state === 'open' ? chat.connection : { traceId, state: 'connecting' },
      }));
    },
    chatClosed() {
      set({ activeTraceId: null });
    },
    snapshotReceived(snapshot) {
      const streaming = snapshot.messages.findLast((m) => m.role === 'assistant' && m.status === 'streaming');
      const turnTraces = Object.fromEntries(snapshot.messages.map((m) => [m.turnId, snapshot.traceId]));
      update(
        snapshot.traceId,
        () => ({
          mode: snapshot.mode,
          loaded: true,
          messages: snapshot.messages,
          inFlight: streaming ? { turnId: streaming.turnId, phase: 'streaming' } : null,
          initialAnalysisRequested: snapshot.initialAnalysisRequested,
          error: null,
          connection: snapshot.connection,
          gappedTurns: [],
        }),
        turnTraces,
      );
    },
    openFailed(traceId, message) {
      update(traceId, () => ({ error: { code: OPEN_FAILED, message }, connection: { traceId, state: 'closed' } }));
    },
    requestFailed(traceId, message) {
      update(traceId, () => ({ error: { code: 'request_failed', message } }));
    },
    connectionChanged(event) {
      const traceId = event.traceId ?? get().activeTraceId;
      if (traceId === null) return;
      update(traceId, () => ({ connection: { ...event, traceId } }));
    },
    turnEventReceived(event) {
      const traceId = traceOfEvent(event);
      if (traceId === null) return;
      const { turnId } = event;
      // A turn this window has not heard of is the question it has in flight: the host's events may come before its answer to the send.
      const known = turnId === null || Object.hasOwn(get().turnTraces, turnId);
      update(
        traceId,
        (chat) => {
          const current = known ? chat : named(chat, turnId);
          return { ...current, ...applyTurnEvent(current, event), lastEvent: event };
        },
        turnId === null ? undefined : { [turnId]: traceId },
      );
    },
    questionSent(traceId, prompt) {
      // The host keeps the initial analysis's prompt as the question: shown now as it will be when the conversation is opened again.
      update(traceId, (chat) => ({
        messages: [...chat.messages, userMessage(UNNAMED_TURN, prompt ?? INITIAL_ANALYSIS_PROMPT)],
        inFlight: prompt === null ? { turnId: null, phase: 'sending', initialAnalysis: true } : { turnId: null, phase: 'sending' },
        initialAnalysisRequested: chat.initialAnalysisRequested || prompt === null,
        error: null,
      }));
    },
    retrySent(traceId, failedTurnId) {
      update(traceId, (chat) => {
        const question = chat.messages.find((m) => m.turnId === failedTurnId && m.role === 'user');
        return {
          messages: question ? [...chat.messages, userMessage(UNNAMED_TURN, question.content)] : chat.messages,
          inFlight: { turnId: null, phase: 'sending' },
          error: null,
        };
      });
    },
    questionNamed(traceId, turnId) {
      update(traceId, (chat) => named(chat, turnId), { [turnId]: traceId });
    },
    questionFailed(traceId, message) {
      update(traceId, (chat) => unnamedQuestionFailed(chat, { code: 'request_failed', message }));
    },
    stopRequested(turnId) {
      const traceId = get().turnTraces[turnId];
      if (!traceId) return;
      update(traceId, (chat) => ({ inFlight: chat.inFlight?.turnId === turnId ? { ...chat.inFlight, stopping: true } : chat.inFlight }));
    },
    turnStopped(turnId) {
      const traceId = get().turnTraces[turnId];
      if (!traceId) return;
      update(traceId, (chat) => {
        const answer = chat.messages.find((m) => m.turnId === turnId && m.role === 'assistant');
        const messages = answer
          ? chat.messages.map((m) => (m === answer && m.status === 'streaming' ? { ...m, status: 'stopped' as const } : m))
          : [...chat.messages, assistantMessage(turnId, 'stopped')];
        return { messages, inFlight: chat.inFlight?.turnId === turnId ? null : chat.inFlight };
      });
    },
    errorDismissed(traceId) {
      update(traceId, () => ({ error: null }));
    },
  };
});

/** The chat with its unnamed question (message and turn in flight) given the host's turn id. */
function named(chat: TraceChat, turnId: string): TraceChat {
  if (!chat.inFlight || chat.inFlight.turnId !== null) return chat;
  return {
    ...chat,
    messages: chat.messages.map((m) => (m.turnId === UNNAMED_TURN ? { ...m, turnId } : m)),
    inFlight: { turnId, phase: chat.inFlight.phase === 'sending' ? 'waiting' : chat.inFlight.phase },
  };
}

/**
 * The question in flight, not yet named, failed: it is taken back (the window
 * puts a question back in the input) and the chat shows why. The initial
 * analysis is asked again once the user has dismissed that (errorDismissed).
 */
function unnamedQuestionFailed(chat: TraceChat, problem: ChatProblem): Partial<TraceChat> {
  return {
    messages: chat.messages.filter((m) => m.turnId !== UNNAMED_TURN),
    inFlight: null,
    initialAnalysisRequested: chat.inFlight?.initialAnalysis ? false : chat.initialAnalysisRequested,
    error: problem,
  };
}

/** What one turn event changes in a chat. */
function applyTurnEvent(chat: TraceChat, event: ChatTurnEvent): Partial<TraceChat> {
  switch (event.type) {
    case 'turn_accepted':
    case 'waiting_for_model':
      return { inFlight: inFlightAfter(chat, event.turnId, 'waiting') };
    case 'model_chunk_start':
      return withAnswer(chat, event.turnId, (answer) => (answer ? answer : assistantMessage(event.turnId, 'streaming')), 'streaming');
    case 'model_chunk_append':
      return withAnswer(
        chat,
        event.turnId,
        (answer) =>
          answer
            ? answer.status === 'streaming'
              ? { ...answer, content: answer.content + event.text }
              : answer
            : { ...assistantMessage(event.turnId, 'streaming'), content: event.text },
        'streaming',
      );
    case 'tool_request':
      return withAnswer(chat, event.turnId, (answer) => withToolRequest(answer ?? assistantMessage(event.turnId, 'streaming'), event), 'streaming');
    case 'tool_result': {
      const answer = chat.messages.find((m) => m.turnId === event.turnId && m.role === 'assistant');
      // A result names a call of a step already shown; one that does not (or a repeat) changes nothing.
      if (!answer || !awaitsResult(answer, event)) return {};
      return withAnswer(chat, event.turnId, (shown) => withToolResult(shown!, event), 'streaming');
    }
    case 'model_response_end':
      return withAnswer(
        chat,
        event.turnId,
        (answer) => (answer ? (answer.status === 'streaming' ? { ...answer, status: 'complete' } : answer) : assistantMessage(event.turnId, 'complete')),
        null,
      );
    case 'error': {
      const problem: ChatProblem = {
        code: event.code,
        message: event.message,
        ...(event.retryAfterSeconds !== undefined && { retryAfterSeconds: event.retryAfterSeconds }),
      };
      const { turnId } = event;
      if (turnId !== null) return withAnswer(chat, turnId, (answer) => failed(answer ?? assistantMessage(turnId, 'error'), 'error', problem), null);
      // Without a turn: the socket refused what was sent before it had a turn (start_analysis names only the trace), or a problem of the chat itself.
      if (chat.inFlight?.turnId === null) return unnamedQuestionFailed(chat, problem);
      return { error: problem };
    }
    case 'interrupted':
      return withAnswer(
        chat,
        event.turnId,
        (answer) => failed(answer ?? assistantMessage(event.turnId, 'interrupted'), 'interrupted', { code: 'interrupted', message: event.reason }),
        null,
      );
    case 'gap':
      return { gappedTurns: chat.gappedTurns.includes(event.turnId) ? chat.gappedTurns : [...chat.gappedTurns, event.turnId] };
  }
}

/**
 * The chat with the turn's answer replaced by what `change` makes of it
 * (undefined: none yet), and the turn in flight moved to `phase` (null: the
 * turn is over). An answer already over (complete, stopped, failed) stays as
 * it is: late or repeated events do not reopen it.
 */
function withAnswer(chat: TraceChat, turnId: string, change: (answer: ChatMessage | undefined) => ChatMessage, phase: 'streaming' | null): Partial<TraceChat> {
  const index = chat.messages.findIndex((m) => m.turnId === turnId && m.role === 'assistant');
  const answer = index >= 0 ? chat.messages[index] : undefined;
  if (answer && answer.status !== 'streaming') return {};
  const next = change(answer);
  const messages = index >= 0 ? chat.messages.with(index, next) : [...chat.messages, next];
  return { messages, inFlight: phase === null ? endedTurn(chat, turnId) : inFlightAfter(chat, turnId, phase) };
}

function inFlightAfter(chat: TraceChat, turnId: string, phase: TurnInFlight['phase']): TurnInFlight | null {
  const current = chat.inFlight;
  // Another turn of this window is in flight: the event belongs to a turn asked elsewhere, which does not replace it.
  if (current && current.turnId !== turnId) return current;
  if (current?.phase === 'streaming' && phase === 'waiting') return current;
  return { ...current, turnId, phase };
}

function endedTurn(chat: TraceChat, turnId: string): TurnInFlight | null {
  return chat.inFlight?.turnId === turnId ? null : chat.inFlight;
}

type ToolRequestEvent = Extract<ChatTurnEvent, { type: 'tool_request' }>;
type ToolResultEvent = Extract<ChatTurnEvent, { type: 'tool_result' }>;

/** The answer with the request's step (its calls running), steps in order; calls of a step already shown are not added twice. */
function withToolRequest(answer: ChatMessage, event: ToolRequestEvent): ChatMessage {
  const steps = answer.steps ?? [];
  const shown = steps.find((s) => s.step === event.step);
  const known = new Set(shown?.calls.map((c) => c.callId));
  const added = event.calls.filter((c) => !known.has(c.callId)).map((c) => ({ callId: c.callId, name: c.name, arguments: c.arguments, label: c.label }));
  if (added.length === 0) return answer;
  const step: ChatToolStep = { step: event.step, calls: [...(shown?.calls ?? []), ...added] };
  const others = steps.filter((s) => s !== shown);
  return { ...answer, steps: [...others, step].sort((a, b) => a.step - b.step) };
}

function awaitsResult(answer: ChatMessage, event: ToolResultEvent): boolean {
  const call = answer.steps?.find((s) => s.step === event.step)?.calls.find((c) => c.callId === event.callId);
  return call !== undefined && call.result === undefined;
}

function withToolResult(answer: ChatMessage, event: ToolResultEvent): ChatMessage {
  const steps = answer.steps!.map((s) =>
    s.step !== event.step ? s : { ...s, calls: s.calls.map((c) => (c.callId === event.callId ? { ...c, result: event.result, ok: event.ok } : c)) },
  );
  return { ...answer, steps };
}

function failed(answer: ChatMessage, status: 'error' | 'interrupted', error: ChatProblem): ChatMessage {
  return { ...answer, status, error };
}

function userMessage(turnId: string, content: string): ChatMessage {
  return { turnId, role: 'user', content, status: 'complete', createdAt: new Date().toISOString() };
}

function assistantMessage(turnId: string, status: ChatMessage['status']): ChatMessage {
  return { turnId, role: 'assistant', content: '', status, createdAt: new Date().toISOString() };
}
