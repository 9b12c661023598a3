// Builds the TraceAnalyserApi from a transport, so the Electron preload and
// the browser bridge expose exactly the same object and differ only in how
// requests and events travel. No Electron or Node imports.
import {
  API_EVENT_METHODS,
  type EventChannel,
  type ImportStarted,
  type MainEvents,
  type RequestChannel,
  type RequestPayload,
  type RequestResults,
  type TraceAnalyserApi,
  type Unsubscribe,
} from '../electron/ipc-contract.ts';

export interface ApiTransport {
  invoke<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<RequestResults[C]>;
  subscribe<C extends EventChannel>(channel: C, listener: (payload: MainEvents[C]) => void): Unsubscribe;
  /** Starts importing a File the renderer holds (drop, file input). */
  importFile(file: File): Promise<ImportStarted>;
  /** Overrides for hosts without a native dialog (the browser host shows a file picker). */
  openTraceDialog?(): Promise<ImportStarted | null>;
}

export function createTraceAnalyserApi(transport: ApiTransport): TraceAnalyserApi {
  const on =
    <C extends EventChannel>(channel: C) =>
    (callback: (payload: MainEvents[C]) => void): Unsubscribe => {
      if (typeof callback !== 'function') throw new TypeError(`${channel} listener must be a function`);
      return transport.subscribe(channel, callback);
    };
  return {
    openTraceDialog: () => (transport.openTraceDialog ? transport.openTraceDialog() : transport.invoke('trace:open-dialog', undefined)),
    openRecent: (path) => transport.invoke('trace:open-path', { path }),
    getRecentFiles: () => transport.invoke('recent:list', undefined),
    clearRecentFiles: () => transport.invoke('recent:clear', undefined),
    importDroppedFile: (file) => transport.importFile(file),
    cancelImport: () => transport.invoke('trace:cancel-import', undefined),
    getTraceState: () => transport.invoke('trace:get-state', undefined),
    traceShown: (traceId) => transport.invoke('trace:shown', { traceId }),
    getAppInfo: () => transport.invoke('app:info', undefined),
    openExternal: (url) => transport.invoke('shell:open-external', { url }),
    onImportProgress: on(API_EVENT_METHODS.onImportProgress),
    onTraceLoaded: on(API_EVENT_METHODS.onTraceLoaded),
    onTraceProfile: on(API_EVENT_METHODS.onTraceProfile),
    onTraceSummary: on(API_EVENT_METHODS.onTraceSummary),
    onImportFailed: on(API_EVENT_METHODS.onImportFailed),
    onRecentFilesChanged: on(API_EVENT_METHODS.onRecentFilesChanged),
    onMenuCommand: on(API_EVENT_METHODS.onMenuCommand),
    getSettings: () => transport.invoke('settings:get', undefined),
    saveSettings: (settings) => transport.invoke('settings:save', settings),
    getAccount: () => transport.invoke('account:get', undefined),
    signUp: (email, password) => transport.invoke('account:sign-up', { email, password }),
    signIn: (email, password) => transport.invoke('account:sign-in', { email, password }),
    sendSignInCode: (email) => transport.invoke('account:send-code', { email }),
    verifySignInCode: (email, code) => transport.invoke('account:verify-code', { email, code }),
    signOut: () => transport.invoke('account:sign-out', undefined),
    retrySync: (traceId) => transport.invoke('sync:retry', { traceId }),
    cancelSync: (traceId) => transport.invoke('sync:cancel', { traceId }),
    openChat: (traceId) => transport.invoke('chat:open', { traceId }),
    closeChat: () => transport.invoke('chat:close', undefined),
    sendChatMessage: (traceId, prompt) => transport.invoke('chat:send', { traceId, prompt }),
    stopChatTurn: (turnId) => transport.invoke('chat:stop', { turnId }),
    retryChatTurn: (turnId) => transport.invoke('chat:retry', { turnId }),
    newConversation: (traceId) => transport.invoke('chat:new-conversation', { traceId }),
    onSettingsChanged: on(API_EVENT_METHODS.onSettingsChanged),
    onAccountChanged: on(API_EVENT_METHODS.onAccountChanged),
    onSyncProgress: on(API_EVENT_METHODS.onSyncProgress),
    onChatConnection: on(API_EVENT_METHODS.onChatConnection),
    onChatEvent: on(API_EVENT_METHODS.onChatEvent),
    getUpdateState: () => transport.invoke('update:get-state', undefined),
    restartToUpdate: () => transport.invoke('update:restart', undefined),
    onUpdateState: on(API_EVENT_METHODS.onUpdateState),
  };
}
