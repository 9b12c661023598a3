// The chat of the open trace: its conversation (persisted per content hash),
// the turns asked in it, and the transport that answers them (the cloud
// bridge, or local mode), chosen from settings and the account and replaced
// when either changes. Windows see it through the contract's chat requests
// and the chat:event / chat:connection events; whatever the mode, the events
// are the same.
import { randomUUID } from 'node:crypto';
import { MAX_HISTORY_MESSAGE_CHARS, MAX_HISTORY_MESSAGES, type HistoryMessage } from '../../functions/_shared/chat-messages.ts';
import {
  INITIAL_ANALYSIS_PROMPT,
  type ChatConnectionEvent,
  type ChatMessage,
  type ChatMode,
  type ChatSnapshot,
  type EventSink,
  type Unsubscribe,
} from '../ipc-contract.ts';
import type { AccountService } from './account-service.ts';
import type { AppSettings, ResolvedSettings } from './app-settings.ts';
import type { ChatTrace, ChatTransport, TraceToolRunner, TransportTurnEvent } from './chat-transport.ts';
import { CloudChat } from './cloud-chat.ts';
import type { Conversation, ConversationStore } from './conversations.ts';
import { LocalChat } from './local-chat.ts';
import type { BackoffOptions } from './reconnect-backoff.ts';
import type { TraceStorage } from './trace-storage.ts';

export { INITIAL_ANALYSIS_PROMPT };

/** How often a streaming answer is written to disk at most (every end is written at once). */
const STREAMING_SAVE_INTERVAL_MS = 500;
/** Local mode's model call: as process-ai-turn's defaults (AI_MAX_RETRIES, AI_TIMEOUT_MS). */
const LOCAL_MODEL_RETRIES = 2;
const LOCAL_MODEL_TIMEOUT_MS = 120_000;

export interface ChatServiceOptions {
  emit: EventSink;
  settings: AppSettings;
  account: AccountService;
  traceStorage: TraceStorage;
  conversations: ConversationStore;
  /** The open trace, its summary once made (local mode answers from it), and the trace tools the model may call on it. */
  traces: {
    open(traceId: string): ChatTrace | null;
    summaryText(traceId: string): Promise<string>;
    runTool: TraceToolRunner;
  };
  /** Cloud bridge knobs (tests make them short). */
  cloud?: { backoff?: BackoffOptions; stallTimeoutMs?: number };
}

interface OpenChat {
  trace: ChatTrace;
  conversation: Conversation;
  mode: ChatMode | null;
  transport: ChatTransport | null;
  /** Identifies the transport's configuration: a change of it replaces the transport. */
  transportKey: string;
  connection: ChatConnectionEvent;
}

export class ChatService {
  private chat: OpenChat | null = null;
  private saveTimer?: NodeJS.Timeout;
  private readonly stopWatching: Unsubscribe[];
  /** Opening, closing and transport swaps happen one after another. */
  private changing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ChatServiceOptions) {
    const follow = () => void this.serially(() => this.followConfiguration());
    this.stopWatching = [options.settings.onChange(follow), options.account.onChange(follow)];
  }

  open(traceId: string): Promise<ChatSnapshot> {
    return this.serially(async () => {
      if (this.chat?.trace.traceId === traceId) return this.snapshot(this.chat);
      await this.closeChat();
      const trace = this.options.traces.open(traceId);
      if (!trace) throw new Error('That trace is no longer open.');
      const contentHash = await this.options.traceStorage.contentHash(traceId);
      const conversation = (await this.options.conversations.latest(contentHash)) ?? this.options.conversations.create(contentHash);
      interruptUnfinished(conversation, 'The app closed before this answer finished.');
      const chat: OpenChat = { trace, conversation, mode: null, transport: null, transportKey: '', connection: { traceId, state: 'idle' } };
      this.chat = chat;
      await this.connect(chat);
      return this.snapshot(chat);
    });
  }

  close(): Promise<void> {
    return this.serially(() => this.closeChat());
  }

  /** True while an answer streams in the open chat (the updater waits for it before restarting). */
  get isAnswering(): boolean {
    return this.chat?.conversation.messages.some((m) => m.role === 'assistant' && m.status === 'streaming') ?? false;
  }

  /** Asks a question (or, with `prompt` null, the initial analysis) in the open chat. */
  async send(traceId: string, prompt: string | null): Promise<{ turnId: string }> {
    const chat = this.openChatOf(traceId);
    if (prompt === null) {
      if (chat.conversation.initialAnalysisRequested) throw new Error('The initial analysis was already asked for in this conversation.');
      chat.conversation.initialAnalysisRequested = true;
    }
    return this.ask(chat, prompt ?? INITIAL_ANALYSIS_PROMPT);
  }

  /** Stops generating: the answer so far is kept, marked stopped. */
  async stop(turnId: string): Promise<void> {
    const chat = this.chat;
    const answer = chat && answerOf(chat.conversation, turnId);
    if (!chat || !answer || answer.status !== 'streaming') return;
    chat.transport?.stop(turnId);
    answer.status = 'stopped';
    await this.save(chat);
  }

  /** Asks a failed, interrupted or stopped turn's question again, as a new turn. */
  async retry(turnId: string): Promise<{ turnId: string }> {
    const chat = this.chat;
    const question = chat?.conversation.messages.find((m) => m.turnId === turnId && m.role === 'user');
    const answer = chat && answerOf(chat.conversation, turnId);
    if (!chat || !question) throw new Error('That question is not in the open conversation.');
    if (answer?.status === 'streaming' || answer?.status === 'complete') throw new Error('That question has an answer or is being answered.');
    return this.ask(chat, question.content);
  }

  newConversation(traceId: string): Promise<ChatSnapshot> {
    return this.serially(async () => {
      const chat = this.openChatOf(traceId);
      for (const message of chat.conversation.messages) {
        if (message.role === 'assistant' && message.status === 'streaming') {
          chat.transport?.stop(message.turnId);
          message.status = 'stopped';
        }
      }
      await this.save(chat);
      chat.conversation = this.options.conversations.create(chat.conversation.contentHash);
      // Saved now, empty: it is the one the trace opens with from now on, even after a restart.
      await this.save(chat);
      return this.snapshot(chat);
    });
  }

  async dispose(): Promise<void> {
    for (const stop of this.stopWatching) stop();
    await this.close();
  }

  // ---- turns

  private async ask(chat: OpenChat, prompt: string): Promise<{ turnId: string }> {
    if (!chat.transport) throw new Error(unavailableReason(chat.mode, this.options.account));
    const history = historyOf(chat.conversation.messages);
    const turnId = randomUUID();
    const createdAt = new Date().toISOString();
    chat.conversation.messages.push(
      { turnId, role: 'user', content: prompt, status: 'complete', createdAt },
      { turnId, role: 'assistant', content: '', status: 'streaming', createdAt },
    );
    await this.save(chat);
    this.options.emit('chat:event', { type: 'turn_accepted', traceId: chat.trace.traceId, turnId });
    try {
      await chat.transport.send({ turnId, prompt, history });
    } catch (error) {
      this.onTurnEvent(chat, { type: 'error', turnId, code: 'not_sent', message: (error as Error).message });
    }
    return { turnId };
  }

  private onTurnEvent(chat: OpenChat, event: TransportTurnEvent): void {
    if (this.chat !== chat) return;
    if (event.turnId !== null) {
      const answer = answerOf(chat.conversation, event.turnId);
      // A turn of a conversation since replaced, or one the user stopped.
      if (!answer || answer.status !== 'streaming') return;
      applyTurnEvent(answer, event);
      if (answer.status === 'streaming') this.saveSoon(chat);
      else void this.save(chat);
    }
    this.options.emit('chat:event', event);
  }

  // ---- transports

  private async connect(chat: OpenChat): Promise<void> {
    const resolved = this.options.settings.resolved();
    chat.mode = resolved.effectiveMode;
    chat.transportKey = transportKeyOf(resolved, this.options.account.userId());
    chat.transport = this.createTransport(resolved);
    if (!chat.transport) {
      this.setConnection(chat, { state: 'closed', close: { code: 1008, reason: unavailableReason(chat.mode, this.options.account), wasClean: true } });
      return;
    }
    this.setConnection(chat, { state: 'connecting' });
    await chat.transport.open(chat.trace, {
      onTurnEvent: (event) => this.onTurnEvent(chat, event),
      onConnection: (event) => {
        if (this.chat === chat) this.setConnection(chat, event);
      },
    });
  }

  private createTransport(resolved: ResolvedSettings): ChatTransport | null {
    const { account, traceStorage, traces } = this.options;
    if (resolved.effectiveMode === 'cloud') {
      if (!account.client()) return null;
      return new CloudChat({ account, traceStorage, projectUrl: resolved.supabaseUrl, runTool: traces.runTool, ...this.options.cloud });
    }
    if (resolved.effectiveMode === 'local') {
      return new LocalChat({
        model: {
          // Local endpoints (Ollama, LM Studio) take no key, but the client must send one.
          apiKey: resolved.apiKey ?? 'no-key',
          baseURL: resolved.modelBaseUrl,
          model: resolved.model,
          maxRetries: LOCAL_MODEL_RETRIES,
          timeoutMs: LOCAL_MODEL_TIMEOUT_MS,
        },
        summaryText: (traceId) => traces.summaryText(traceId),
        runTool: traces.runTool,
      });
    }
    return null;
  }

  /** Settings or the account changed: a chat whose transport no longer fits gets a new one. */
  private async followConfiguration(): Promise<void> {
    const chat = this.chat;
    if (!chat) return;
    const key = transportKeyOf(this.options.settings.resolved(), this.options.account.userId());
    if (key === chat.transportKey) return;
    await chat.transport?.close();
    await this.connect(chat);
  }

  private async closeChat(): Promise<void> {
    const chat = this.chat;
    if (!chat) return;
    await chat.transport?.close();
    this.chat = null;
    clearTimeout(this.saveTimer);
    await this.options.conversations.save(chat.conversation);
    this.options.emit('chat:connection', { traceId: null, state: 'idle' });
  }

  private setConnection(chat: OpenChat, event: Omit<ChatConnectionEvent, 'traceId'>): void {
    chat.connection = { traceId: chat.trace.traceId, ...event };
    this.options.emit('chat:connection', chat.connection);
  }

  // ---- helpers

  private openChatOf(traceId: string): OpenChat {
    if (this.chat?.trace.traceId !== traceId) throw new Error('Open the chat of this trace first.');
    return this.chat;
  }

  private snapshot(chat: OpenChat): ChatSnapshot {
    return {
      traceId: chat.trace.traceId,
      mode: chat.mode,
      messages: chat.conversation.messages.map((m) => ({ ...m })),
      initialAnalysisRequested: chat.conversation.initialAnalysisRequested,
      connection: chat.connection,
    };
  }

  private saveSoon(chat: OpenChat): void {
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      void this.save(chat);
    }, STREAMING_SAVE_INTERVAL_MS);
  }

  private save(chat: OpenChat): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    return this.options.conversations.save(chat.conversation).catch((error: Error) => {
      console.warn(`The conversation could not be saved: ${error.message}`);
    });
  }

  private serially<T>(step: () => Promise<T>): Promise<T> {
    const next = this.changing.catch(() => {}).then(step);
    this.changing = next;
    return next;
  }
}

function answerOf(conversation: Conversation, turnId: string): ChatMessage | undefined {
  return conversation.messages.find((m) => m.turnId === turnId && m.role === 'assistant');
}

/** Folds one event into the answer it belongs to. */
function applyTurnEvent(answer: ChatMessage, event: TransportTurnEvent): void {
  switch (event.type) {
    case 'model_chunk_append':
      answer.content += event.text;
      return;
    case 'tool_request':
      answer.steps = [...(answer.steps ?? []), { step: event.step, calls: event.calls.map((call) => ({ ...call })) }];
      return;
    case 'tool_result': {
      const call = answer.steps?.findLast((s) => s.step === event.step)?.calls.find((c) => c.callId === event.callId);
      if (call) Object.assign(call, { result: event.result, ok: event.ok });
      return;
    }
    case 'model_response_end':
      answer.status = 'complete';
      return;
    case 'error':
      answer.status = 'error';
      answer.error = {
        code: event.code,
        message: event.message,
        ...(event.retryAfterSeconds !== undefined ? { retryAfterSeconds: event.retryAfterSeconds } : {}),
      };
      return;
    case 'interrupted':
      answer.status = 'interrupted';
      answer.error = { code: 'interrupted', message: event.reason };
      return;
    default:
      return;
  }
}

/** Answers left streaming by a crash or a quit cannot resume: say so, with a retry. */
function interruptUnfinished(conversation: Conversation, reason: string): void {
  for (const message of conversation.messages) {
    if (message.role === 'assistant' && message.status === 'streaming') {
      message.status = 'interrupted';
      message.error = { code: 'interrupted', message: reason };
    }
  }
}

/**
 * The earlier turns the model sees: questions with the answer the user got
 * (complete, or stopped part-way); failed turns are left out (their retry
 * asks again). Within the protocol's limits, newest kept.
 */
export function historyOf(messages: readonly ChatMessage[]): HistoryMessage[] {
  const answered = new Set(
    messages.filter((m) => m.role === 'assistant' && (m.status === 'complete' || (m.status === 'stopped' && m.content !== ''))).map((m) => m.turnId),
  );
  return messages
    .filter((m) => answered.has(m.turnId))
    .map((m) => ({ role: m.role, content: m.content.slice(0, MAX_HISTORY_MESSAGE_CHARS) }))
    .slice(-MAX_HISTORY_MESSAGES);
}

function transportKeyOf(resolved: ResolvedSettings, userId: string | null): string {
  switch (resolved.effectiveMode) {
    case 'cloud':
      return JSON.stringify(['cloud', resolved.supabaseUrl, userId]);
    case 'local':
      return JSON.stringify(['local', resolved.modelBaseUrl, resolved.model, resolved.apiKey]);
    default:
      return 'none';
  }
}

function unavailableReason(mode: ChatMode | null, account: AccountService): string {
  if (mode === 'cloud' && !account.client()) return 'Sign in to chat about this trace.';
  return 'Set up a Supabase project, or a model endpoint for local mode, in Settings.';
}
