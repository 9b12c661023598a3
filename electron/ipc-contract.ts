// The one IPC contract between the main process (electron/), the preload
// (preload/), the browser host (electron/browser-host/) and the renderer
// (renderer/). It imports nothing from Electron or Node, so every side can
// import it.
//
// Shape (after GitHub Desktop's ipc-shared.ts):
// - request channels: renderer asks, main answers; every answer is a Promise.
//   Payloads cross the trust line, so main validates them with the zod schema
//   here before any handler runs.
// - event channels: main tells the renderer something happened.
// - TraceAnalyserApi: the friendly object the preload (or, outside Electron,
//   preload/browser-bridge.ts) installs as `window.traceAnalyser`.
import { z } from 'zod';
import type { TraceImportErrorCode } from '../shared-importer/src/errors.ts';
import type { TraceFormat } from '../shared-importer/src/model/profile.ts';
import type { TraceSummary } from '../shared-importer/src/summary/summary-types.ts';
import { MAX_PROMPT_CHARS } from '../functions/_shared/chat-constants.ts';

// ---------------------------------------------------------------- payloads

/** Answer to a request that starts an import. Results arrive as events carrying the same importId. */
export interface ImportStarted {
  importId: string;
  fileName: string;
  /** Input size when known (always for files on disk). */
  totalBytes: number | null;
}

/**
 * 'reading' covers reading and parsing (they stream together); 'building' puts
 * the profile together once every byte is read; 'sending' hands it over. The
 * summary is not part of the import: it follows the loaded trace as its own
 * event (TraceSummaryEvent).
 */
export type ImportPhase = 'reading' | 'building' | 'sending';

export interface ImportProgressEvent {
  importId: string;
  fileName: string;
  phase: ImportPhase;
  bytesRead: number;
  totalBytes: number | null;
  /** 0..100 of the bytes read, null when the size is unknown. */
  percent: number | null;
  /** Events or samples parsed so far. */
  events: number;
}

/**
 * A trace is imported: what its first frame needs. The rest of the profile
 * (when `complete` is false) and the summary follow once a window has drawn
 * it, as a TraceProfileEvent and a TraceSummaryEvent.
 */
export interface TraceLoadedEvent {
  importId: string;
  /** New for every load; the chat and the summary panel key on it. */
  traceId: string;
  fileName: string;
  /** Absolute path when the trace came from disk (not for streamed/dropped bytes in the browser host). */
  path: string | null;
  sizeBytes: number;
  format: TraceFormat;
  /** The profile encoded by shared-importer/src/model/profile-codec.ts: decode with decodeProfile(). */
  profile: Uint8Array;
  /**
   * False when `profile` holds only the thread drawn first (the main thread,
   * with the whole frame table and the trace's span); the whole profile
   * follows as a TraceProfileEvent.
   */
  complete: boolean;
  /** Wall time from the request to the loaded event being sent, in ms. */
  importMs: number;
}

/** The whole profile of a trace that was first sent in part (TraceLoadedEvent.complete false). */
export interface TraceProfileEvent {
  traceId: string;
  /** Encoded as TraceLoadedEvent.profile; its threads include the one sent first, unchanged. */
  profile: Uint8Array;
}

/**
 * The summary of a loaded trace, computed once a window has drawn the trace
 * (the chart neither waits for it nor shares the CPU with it). It names the
 * trace it belongs to: a window must ignore one whose traceId is not the
 * trace it shows. A summary that could not be computed says why; the trace
 * stays open without it.
 */
export type TraceSummaryEvent =
  | {
      traceId: string;
      status: 'ready';
      summary: TraceSummary;
      /** The summary as budgeted text, what the cloud model reads. */
      summaryText: string;
      /** Tokens of summaryText (o200k_base). */
      tokens: number;
    }
  | { traceId: string; status: 'failed'; message: string };

/** Importer codes plus the ones the host adds: the file could not be read, or something unexpected broke. */
export type ImportFailureCode = TraceImportErrorCode | 'io-error' | 'internal';

export interface ImportFailedEvent {
  importId: string;
  fileName: string;
  code: ImportFailureCode;
  /** Meant for the user, as the importer wrote it. The previously loaded trace stays open. */
  message: string;
}

/**
 * What the host has open, for a window that connects (or reloads) after it
 * happened: a trace named on the command line may have loaded, or failed,
 * before the window could hear the event.
 */
export interface HostTraceState {
  /** The trace open now (with its whole profile once that has followed), or null. */
  loaded: TraceLoadedEvent | null;
  /** The open trace's summary; null while it is being computed. */
  summary: TraceSummaryEvent | null;
  /** The last import's failure, until another import starts (never a cancel). */
  failure: ImportFailedEvent | null;
  /** The open trace's upload to Storage as last reported (sync:progress), so a reloaded window shows it; null when none started. */
  sync: SyncState | null;
}

export interface RecentFile {
  path: string;
  fileName: string;
  /** ISO 8601 time the file was last opened. */
  openedAt: string;
  format?: TraceFormat;
  sizeBytes?: number;
}

export interface AppInfo {
  name: string;
  version: string;
  /** Which host runs the main-process services. */
  host: 'electron' | 'browser';
  platform: string;
  versions: { node: string; electron?: string; chrome?: string };
}

/** Menu items the renderer acts on (File > Open and Quit are handled in main). */
export const MENU_COMMANDS = [
  'view:time-order',
  'view:left-heavy',
  'view:sandwich',
  'view:toggle-summary',
  'view:zoom-in',
  'view:zoom-out',
  'view:reset-zoom',
  'edit:find',
  /** Opens Settings (the chat's gear opens the same dialog): the assistant, the account, updates. */
  'app:settings',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

// ------------------------------------------------ account, settings, sync, chat

/**
 * Where answers come from: the Supabase project's edge functions ('cloud'),
 * or an OpenAI-compatible endpoint called from this machine ('local': OpenAI,
 * Ollama, LM Studio...). Both produce the same chat events.
 */
export type ChatMode = 'cloud' | 'local';

/** Settings the user sees and edits. Secrets (the API key, the session) never cross to the renderer. */
export interface ChatSettings {
  mode: ChatMode;
  /** Supabase project URL, '' when unset. */
  supabaseUrl: string;
  /** The project's anon (publishable) key: public by design, never the service role key. */
  supabaseAnonKey: string;
  /** OpenAI-compatible base URL for local mode, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1. */
  modelBaseUrl: string;
  model: string;
}

export interface SettingsState extends ChatSettings {
  /** Whether an API key for local mode is stored (its value is write-only). */
  apiKeySet: boolean;
  /** Settings whose value comes from the environment (SUPABASE_URL, ...); one saved in the app wins. */
  fromEnvironment: (keyof ChatSettings | 'apiKey')[];
  /** The mode chats use now: 'local' when no Supabase project is configured; null when neither is usable. */
  effectiveMode: ChatMode | null;
  /** "Check for updates automatically" (default on): off means no checks and no downloads. */
  autoUpdate: boolean;
}

export type AccountState =
  | { status: 'unconfigured' }
  | { status: 'signed-out'; supabaseUrl: string }
  | { status: 'signed-in'; supabaseUrl: string; userId: string; email: string | null };

/** Upload of the open trace to Storage (cloud mode only). Failures never block local analysis. */
export interface SyncState {
  /** The desktop trace (TraceLoadedEvent.traceId). */
  traceId: string;
  status: 'waiting' | 'compressing' | 'uploading' | 'synced' | 'failed' | 'cancelled';
  /** Compressed bytes sent and to send; bytes already stored count as sent. */
  bytesSent: number;
  totalBytes: number | null;
  /** For 'failed': what went wrong, for the user; they can retry. */
  message?: string;
}

/**
 * What `chat:send` with no prompt asks, once per conversation. The
 * conversation keeps it as the user's question, so the chat shows it as one,
 * live and when the conversation is opened again.
 */
export const INITIAL_ANALYSIS_PROMPT = 'Analyse this trace: where does the time go, what stands out, and what would you look at first to make it faster?';

/** One trace-tool call of a turn: what the model asked, in words, and the text it received back. */
export interface ChatToolCall {
  /** The model's id for the call. */
  callId: string;
  /** The tool (functions/_shared/trace-tools.ts), e.g. 'call_tree'. */
  name: string;
  /** The arguments as the model wrote them (JSON text). */
  arguments: string;
  /** What the call does, for the user: "Looking at the call tree of task 3.2 s". */
  label: string;
  /** Exactly what the model received; absent while the call runs. */
  result?: string;
  /** False when the call could not run (bad arguments, trace closed): `result` says why, and the model read that. */
  ok?: boolean;
}

/** One model round that asked for tools (1..MAX_TOOL_STEPS), with its calls in the model's order. */
export interface ChatToolStep {
  step: number;
  calls: ChatToolCall[];
}

/** One message of a conversation, as the chat shows it. */
export interface ChatMessage {
  /** The turn's id (both the question and its answer carry it). */
  turnId: string;
  role: 'user' | 'assistant';
  content: string;
  /** Assistant messages: streaming until the end event; interrupted by a drop; stopped by the user. */
  status: 'complete' | 'streaming' | 'interrupted' | 'stopped' | 'error';
  /** For 'error' and 'interrupted': the sentence to show, with a retry. */
  error?: { code: string; message: string; retryAfterSeconds?: number };
  /** Assistant messages: the tool rounds the model ran before (and while) answering, in order. */
  steps?: ChatToolStep[];
  /** ISO 8601. */
  createdAt: string;
}

/** The chat of one trace: its persisted conversation (by content hash) and the connection. */
export interface ChatSnapshot {
  traceId: string;
  mode: ChatMode | null;
  messages: ChatMessage[];
  /** True once the initial analysis was asked for (it is asked once per conversation). */
  initialAnalysisRequested: boolean;
  connection: ChatConnectionEvent;
}

/**
 * The socket's state as useTraceAnalysisSocket exposes it. `close` is the
 * close event itself (code, reason, wasClean), so a 1006 drop is told apart
 * from a refusal (1008). Local mode reports 'open' while its endpoint is set.
 */
export interface ChatConnectionEvent {
  traceId: string | null;
  state: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';
  close?: { code: number; reason: string; wasClean: boolean };
  /** When reconnecting: the attempt number and the delay before it, in ms. */
  retry?: { attempt: number; delayMs: number };
}

/**
 * What happens to a turn, in order: the question is accepted, the model is
 * waited for, the answer streams (start, appends, end), or it fails. Cloud and
 * local mode emit the same events; `seq` numbers a turn's stream events (from
 * the Realtime payload in cloud mode) and duplicates are dropped in main.
 */
export type ChatTurnEvent =
  | { type: 'turn_accepted'; traceId: string; turnId: string }
  | { type: 'waiting_for_model'; turnId: string }
  | { type: 'model_chunk_start'; turnId: string; seq: number; model: string }
  | { type: 'model_chunk_append'; turnId: string; seq: number; text: string }
  /** The model asked for trace tools in round `step`; main runs them in the import worker and reports each result. */
  | { type: 'tool_request'; turnId: string; seq: number; step: number; calls: Array<Omit<ChatToolCall, 'result' | 'ok'>> }
  /** One call of a tool_request finished: `result` is exactly what goes back to the model. */
  | { type: 'tool_result'; turnId: string; step: number; callId: string; result: string; ok: boolean }
  | { type: 'model_response_end'; turnId: string; seq: number; finishReason: string | null }
  | { type: 'error'; turnId: string | null; code: string; message: string; retryAfterSeconds?: number }
  /** A drop cut the turn short (socket or Realtime): shown with a retry, never left spinning. */
  | { type: 'interrupted'; turnId: string; reason: string }
  /** Events of the turn were lost between seq values (a Realtime gap). */
  | { type: 'gap'; turnId: string; expectedSeq: number; receivedSeq: number };

// ----------------------------------------------------------------- updates

/**
 * Where the app's own update stands (electron/services/update-service.ts).
 * 'off' says why in words ("development build", "turned off in Settings").
 * 'ready': the new version is downloaded and verified; it installs when the
 * user restarts (update:restart). `restartWaitsFor` is set once the user asked
 * to restart while an answer streamed or an import ran: it restarts when that
 * finishes. 'failed' is quiet: the next scheduled check tries again.
 */
export type UpdateState =
  /** `bySetting`: the user turned them off (they can turn them on); else the host cannot update. */
  | { status: 'off'; reason: string; bySetting: boolean }
  | { status: 'idle'; checkedAt: string | null }
  | { status: 'checking' }
  | { status: 'downloading'; version: string; percent: number | null }
  | { status: 'ready'; version: string; releaseNotes: string | null; restartWaitsFor: 'answer' | 'import' | null }
  | { status: 'failed'; message: string; checkedAt: string };

// ---------------------------------------------------------------- requests

const MAX_PATH_LENGTH = 4096;
const MAX_ID_LENGTH = 128;
const MAX_SETTING_LENGTH = 4096;

/**
 * Renderer → main requests: payload schemas, validated in main before a handler runs.
 * (Marked pure so bundles that only need the contract's types and names, like
 * the preload, leave zod out.)
 */
export const requestSchemas = /* @__PURE__ */ (() => ({
  /** Shows the native open dialog; null when the user cancels it. */
  'trace:open-dialog': z.undefined(),
  /** Opens a trace by path (Open Recent, and dropped files in Electron via webUtils.getPathForFile). */
  'trace:open-path': z.strictObject({ path: z.string().min(1).max(MAX_PATH_LENGTH) }),
  'trace:cancel-import': z.undefined(),
  /** What the host has open (trace, summary, last failure), for a window that opens (or reloads) after it happened. */
  'trace:get-state': z.undefined(),
  /** A window has drawn this trace: the rest of its profile may be sent, and its summary computed, now. */
  'trace:shown': z.strictObject({ traceId: z.string().min(1).max(MAX_ID_LENGTH) }),
  'recent:list': z.undefined(),
  'recent:clear': z.undefined(),
  'app:info': z.undefined(),
  /** Opens an https link in the user's browser (after validation in main). */
  'shell:open-external': z.strictObject({ url: z.string().max(2048) }),
  'settings:get': z.undefined(),
  /** Saves the given settings; `apiKey` is write-only (null deletes it). */
  'settings:save': z.strictObject({
    mode: z.enum(['cloud', 'local']).optional(),
    supabaseUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).optional(),
    supabaseAnonKey: z.string().max(MAX_SETTING_LENGTH).optional(),
    modelBaseUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).optional(),
    model: z.string().max(200).optional(),
    apiKey: z.string().max(MAX_SETTING_LENGTH).nullable().optional(),
    autoUpdate: z.boolean().optional(),
  }),
  'account:get': z.undefined(),
  'account:sign-up': z.strictObject({ email: z.email().max(320), password: z.string().min(6).max(200) }),
  'account:sign-in': z.strictObject({ email: z.email().max(320), password: z.string().min(1).max(200) }),
  /** Emails a one-time code (and creates the account when it does not exist). */
  'account:send-code': z.strictObject({ email: z.email().max(320) }),
  'account:verify-code': z.strictObject({ email: z.email().max(320), code: z.string().regex(/^\d{6,10}$/) }),
  'account:sign-out': z.undefined(),
  'sync:retry': z.strictObject({ traceId: z.string().min(1).max(MAX_ID_LENGTH) }),
  'sync:cancel': z.strictObject({ traceId: z.string().min(1).max(MAX_ID_LENGTH) }),
  /** The chat opened for this trace: connect, subscribe, load its conversation. */
  'chat:open': z.strictObject({ traceId: z.string().min(1).max(MAX_ID_LENGTH) }),
  /** The chat closed: disconnect and unsubscribe (the conversation is kept). */
  'chat:close': z.undefined(),
  /** Asks the initial analysis (once per conversation) or a question; resolves with the new turn's id. */
  'chat:send': z.strictObject({
    traceId: z.string().min(1).max(MAX_ID_LENGTH),
    prompt: z.string().trim().min(1).max(MAX_PROMPT_CHARS).nullable(),
  }),
  /** Stop generating: the answer so far is kept, marked stopped. */
  'chat:stop': z.strictObject({ turnId: z.uuid() }),
  /** Asks a failed or interrupted turn's question again, as a new turn. */
  'chat:retry': z.strictObject({ turnId: z.uuid() }),
  'chat:new-conversation': z.strictObject({ traceId: z.string().min(1).max(MAX_ID_LENGTH) }),
  // Updates: where the update stands; restart into a downloaded one (waits while an answer or import runs).
  'update:get-state': z.undefined(),
  'update:restart': z.undefined(),
}))();

export type RequestChannel = keyof typeof requestSchemas;
export type RequestPayload<C extends RequestChannel> = z.infer<(typeof requestSchemas)[C]>;

/** What each request resolves to. */
export interface RequestResults {
  'trace:open-dialog': ImportStarted | null;
  'trace:open-path': ImportStarted;
  /** True when an import was running and is now cancelled. */
  'trace:cancel-import': boolean;
  'trace:get-state': HostTraceState;
  'trace:shown': void;
  'recent:list': RecentFile[];
  'recent:clear': void;
  'app:info': AppInfo;
  'shell:open-external': void;
  'settings:get': SettingsState;
  'settings:save': SettingsState;
  'account:get': AccountState;
  'account:sign-up': AccountState;
  'account:sign-in': AccountState;
  'account:send-code': void;
  'account:verify-code': AccountState;
  'account:sign-out': AccountState;
  'sync:retry': void;
  'sync:cancel': void;
  'chat:open': ChatSnapshot;
  'chat:close': void;
  'chat:send': { turnId: string };
  'chat:stop': void;
  'chat:retry': { turnId: string };
  'chat:new-conversation': ChatSnapshot;
  'update:get-state': UpdateState;
  'update:restart': UpdateState;
}

export const REQUEST_CHANNELS = /* @__PURE__ */ Object.keys(requestSchemas) as RequestChannel[];

export function isRequestChannel(channel: string): channel is RequestChannel {
  return Object.hasOwn(requestSchemas, channel);
}

/** Parses a request payload; throws an Error naming the channel when it does not fit the schema. */
export function parseRequestPayload<C extends RequestChannel>(channel: C, payload: unknown): RequestPayload<C> {
  const result = requestSchemas[channel].safeParse(payload);
  if (!result.success) {
    throw new Error(`Invalid payload for ${channel}: ${z.prettifyError(result.error)}`);
  }
  return result.data as RequestPayload<C>;
}

/** Handlers that implement every request; the Electron IPC manager and the browser host both route to one of these. */
export type RequestHandlers = {
  [C in RequestChannel]: (payload: RequestPayload<C>) => Promise<RequestResults[C]>;
};

// ------------------------------------------------------------------ events

/** Main → renderer events and their payloads. */
export interface MainEvents {
  'import:progress': ImportProgressEvent;
  'trace:loaded': TraceLoadedEvent;
  'trace:profile': TraceProfileEvent;
  'trace:summary': TraceSummaryEvent;
  'import:failed': ImportFailedEvent;
  'recent:changed': RecentFile[];
  'menu:command': MenuCommand;
  'settings:changed': SettingsState;
  'account:changed': AccountState;
  'sync:progress': SyncState;
  'chat:connection': ChatConnectionEvent;
  'chat:event': ChatTurnEvent;
  'update:state': UpdateState;
}

export type EventChannel = keyof MainEvents;

export const EVENT_CHANNELS: readonly EventChannel[] = [
  'import:progress',
  'trace:loaded',
  'trace:profile',
  'trace:summary',
  'import:failed',
  'recent:changed',
  'menu:command',
  'settings:changed',
  'account:changed',
  'sync:progress',
  'chat:connection',
  'chat:event',
  'update:state',
];

/** Something that delivers main events to a renderer (an Electron window, a WebSocket client). */
export type EventSink = <C extends EventChannel>(channel: C, payload: MainEvents[C]) => void;

// ------------------------------------------------------ the Electron wire

// Electron IPC carries every payload above as it is, except a trace's encoded
// profile: hundreds of MB would exceed Chromium's IPC message limit, so the
// event (and a HostTraceState) crosses without its bytes, naming instead a URL
// on our app:// origin that the preload fetches them from
// (electron/profile-transfer.ts). The browser host's WebSocket carries the
// bytes themselves (electron/browser-host/ws-protocol.ts).

/** An event that carries a trace's encoded profile. */
export type WithProfile = { traceId: string; profile: Uint8Array };

/** Such an event as it crosses Electron IPC: the bytes are fetched from `profileUrl`. */
export type ProfileOnIpc<E extends WithProfile> = Omit<E, 'profile'> & { profileUrl: string };

export type HostTraceStateOnIpc = Omit<HostTraceState, 'loaded'> & { loaded: ProfileOnIpc<TraceLoadedEvent> | null };

/** Main → renderer events as Electron IPC carries them. */
export type MainEventsOnIpc = Omit<MainEvents, 'trace:loaded' | 'trace:profile'> & {
  'trace:loaded': ProfileOnIpc<TraceLoadedEvent>;
  'trace:profile': ProfileOnIpc<TraceProfileEvent>;
};

/** What each request resolves to as Electron IPC carries it. */
export type RequestResultsOnIpc = Omit<RequestResults, 'trace:get-state'> & { 'trace:get-state': HostTraceStateOnIpc };

/** Handlers as the Electron IPC router serves them (main.ts turns the services' answers into their wire form). */
export type IpcRequestHandlers = {
  [C in RequestChannel]: (payload: RequestPayload<C>) => Promise<RequestResultsOnIpc[C]>;
};

// ------------------------------------------------------------- window API

export type Unsubscribe = () => void;

/** `window.traceAnalyser`: the only way the renderer talks to the host. */
export interface TraceAnalyserApi {
  /** Shows an open dialog (native in Electron, a file picker in the browser host). Null when cancelled. */
  openTraceDialog(): Promise<ImportStarted | null>;
  /** Opens a trace file by path (recent files, command line). */
  openRecent(path: string): Promise<ImportStarted>;
  getRecentFiles(): Promise<RecentFile[]>;
  clearRecentFiles(): Promise<void>;
  /** A file dropped on the window or chosen in a file input. */
  importDroppedFile(file: File): Promise<ImportStarted>;
  /** Cancels the running import; resolves false when none was running. */
  cancelImport(): Promise<boolean>;
  /** What happened before this page subscribed: the open trace and its summary, or why the last import failed (e.g. a file given on the command line). */
  getTraceState(): Promise<HostTraceState>;
  /**
   * Tells the host this window has drawn the trace. The host holds the rest of
   * the trace's profile and its summary back until a window says so (or a
   * while has passed), so neither slows the first frame down.
   */
  traceShown(traceId: string): Promise<void>;
  getAppInfo(): Promise<AppInfo>;
  /** Opens an https URL in the system browser. */
  openExternal(url: string): Promise<void>;
  onImportProgress(callback: (event: ImportProgressEvent) => void): Unsubscribe;
  onTraceLoaded(callback: (event: TraceLoadedEvent) => void): Unsubscribe;
  onTraceProfile(callback: (event: TraceProfileEvent) => void): Unsubscribe;
  onTraceSummary(callback: (event: TraceSummaryEvent) => void): Unsubscribe;
  onImportFailed(callback: (event: ImportFailedEvent) => void): Unsubscribe;
  onRecentFilesChanged(callback: (files: RecentFile[]) => void): Unsubscribe;
  onMenuCommand(callback: (command: MenuCommand) => void): Unsubscribe;
  getSettings(): Promise<SettingsState>;
  saveSettings(settings: RequestPayload<'settings:save'>): Promise<SettingsState>;
  getAccount(): Promise<AccountState>;
  signUp(email: string, password: string): Promise<AccountState>;
  signIn(email: string, password: string): Promise<AccountState>;
  sendSignInCode(email: string): Promise<void>;
  verifySignInCode(email: string, code: string): Promise<AccountState>;
  signOut(): Promise<AccountState>;
  retrySync(traceId: string): Promise<void>;
  cancelSync(traceId: string): Promise<void>;
  openChat(traceId: string): Promise<ChatSnapshot>;
  closeChat(): Promise<void>;
  /** `prompt` null asks the initial analysis. */
  sendChatMessage(traceId: string, prompt: string | null): Promise<{ turnId: string }>;
  stopChatTurn(turnId: string): Promise<void>;
  retryChatTurn(turnId: string): Promise<{ turnId: string }>;
  newConversation(traceId: string): Promise<ChatSnapshot>;
  onSettingsChanged(callback: (settings: SettingsState) => void): Unsubscribe;
  onAccountChanged(callback: (account: AccountState) => void): Unsubscribe;
  onSyncProgress(callback: (state: SyncState) => void): Unsubscribe;
  onChatConnection(callback: (event: ChatConnectionEvent) => void): Unsubscribe;
  onChatEvent(callback: (event: ChatTurnEvent) => void): Unsubscribe;
  getUpdateState(): Promise<UpdateState>;
  /** Restarts into the downloaded update, at once or when the running answer or import finishes. */
  restartToUpdate(): Promise<UpdateState>;
  onUpdateState(callback: (state: UpdateState) => void): Unsubscribe;
}

/** Where the preload's `on*` methods subscribe: one event channel each. */
export const API_EVENT_METHODS = {
  onImportProgress: 'import:progress',
  onTraceLoaded: 'trace:loaded',
  onTraceProfile: 'trace:profile',
  onTraceSummary: 'trace:summary',
  onImportFailed: 'import:failed',
  onRecentFilesChanged: 'recent:changed',
  onMenuCommand: 'menu:command',
  onSettingsChanged: 'settings:changed',
  onAccountChanged: 'account:changed',
  onSyncProgress: 'sync:progress',
  onChatConnection: 'chat:connection',
  onChatEvent: 'chat:event',
  onUpdateState: 'update:state',
} as const satisfies Record<string, EventChannel>;

/** Name of the global the API is installed as. */
export const API_GLOBAL_NAME = 'traceAnalyser';
