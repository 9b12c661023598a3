// What the user can ask of the chat, each updating the chat store at once (the
// question shows as it is sent) and again with the host's answer. Opening and
// closing are reconciled one request at a time, so a chat toggled quickly (or
// React's development double effects) leaves the host with the last wish only.
import { recordChatQuestionSent } from '../debug/chat-latency.ts';
import { useChatStore } from '../state/chat-store.ts';
import { failureMessage, host } from './host-api.ts';

/** The trace whose chat the window wants open, and the one the host was last asked to open. */
let wanted: string | null = null;
let opened: string | null = null;
let requests: Promise<void> = Promise.resolve();

function reconcile(): void {
  requests = requests.then(async () => {
    const target = wanted;
    if (target === opened) return;
    opened = target;
    if (target === null) {
      useChatStore.getState().chatClosed();
      await host()
        .closeChat()
        .catch(() => {});
      return;
    }
    useChatStore.getState().chatOpening(target);
    try {
      useChatStore.getState().snapshotReceived(await host().openChat(target));
    } catch (error) {
      useChatStore.getState().openFailed(target, failureMessage(error));
    }
  });
}

/** Connects this trace's chat (socket and results channel in the host); the function returned disconnects it. */
export function connectChat(traceId: string): () => void {
  wanted = traceId;
  reconcile();
  return () => {
    if (wanted !== traceId) return;
    wanted = null;
    reconcile();
  };
}

/** Opens the chat again after the host closed it (a refusal, or reconnecting gave up). */
export function reconnectChat(traceId: string): void {
  if (wanted !== traceId) return;
  opened = null;
  reconcile();
}

/** Asks a question (null: the initial analysis). Rejects with the sentence to show when the host refuses it. */
export async function sendQuestion(traceId: string, prompt: string | null): Promise<void> {
  const sentAt = performance.now();
  useChatStore.getState().questionSent(traceId, prompt);
  try {
    const { turnId } = await host().sendChatMessage(traceId, prompt);
    recordChatQuestionSent(turnId, sentAt);
    useChatStore.getState().questionNamed(traceId, turnId);
  } catch (error) {
    useChatStore.getState().questionFailed(traceId, failureMessage(error));
    throw error;
  }
}

/** Asks the initial analysis unless it was asked already (the store knows at once, whoever called first). */
export function askInitialAnalysis(traceId: string): void {
  const chat = useChatStore.getState().chats[traceId];
  if (!chat || chat.initialAnalysisRequested || chat.inFlight) return;
  sendQuestion(traceId, null).catch(() => {});
}

export async function retryTurn(traceId: string, failedTurnId: string): Promise<void> {
  const sentAt = performance.now();
  useChatStore.getState().retrySent(traceId, failedTurnId);
  try {
    const { turnId } = await host().retryChatTurn(failedTurnId);
    recordChatQuestionSent(turnId, sentAt);
    useChatStore.getState().questionNamed(traceId, turnId);
  } catch (error) {
    useChatStore.getState().questionFailed(traceId, failureMessage(error));
  }
}

/**
 * Stops the answer where the host stops it: text the host sent before it
 * stopped still arrives ahead of its answer and is shown, so the answer
 * kept (and shown again later) is the one on screen.
 */
export async function stopTurn(turnId: string): Promise<void> {
  useChatStore.getState().stopRequested(turnId);
  await host()
    .stopChatTurn(turnId)
    .catch(() => {});
  useChatStore.getState().turnStopped(turnId);
}

export async function startNewConversation(traceId: string): Promise<void> {
  try {
    useChatStore.getState().snapshotReceived(await host().newConversation(traceId));
  } catch (error) {
    useChatStore.getState().requestFailed(traceId, failureMessage(error));
  }
}
