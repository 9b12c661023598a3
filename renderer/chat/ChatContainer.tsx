// The chat's orchestrator: whether it is open, the trace's conversation (its
// messages, the turn waiting or streaming, errors), and asking the initial
// analysis once the conversation is loaded and connected, once per
// conversation. Closed, it is the floating button; open, the chat window,
// which takes the side column next to the chart (never over its controls).
// Items an answer cites show in the chart; what the model received for an
// answer opens in a dialog over everything.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { askInitialAnalysis, retryTurn, sendQuestion, startNewConversation, stopTurn } from '../api/chat-commands.ts';
import { OPEN_FAILED, useChatStore, type TraceChat } from '../state/chat-store.ts';
import { isCitableId, showSummaryItem } from '../state/navigation.ts';
import { useSettingsStore } from '../state/settings-store.ts';
import type { LoadedTrace } from '../state/trace-store.ts';
import { useViewStore } from '../state/view-store.ts';
import { SettingsDialog } from '../settings/SettingsDialog.tsx';
import { CitedItems, type CitedItemLinks } from './ChatMarkdown.tsx';
import { ChatProblemNotice, ConnectionNotice } from './ChatNotices.tsx';
import { ChatSetup, chatSetupStep } from './ChatSetup.tsx';
import { ChatWindow, type ChatWindowHandle } from './ChatWindow.tsx';
import { FloatingChatButton } from './FloatingChatButton.tsx';
import { ModelInputDialog } from './ModelInputDialog.tsx';
import { useTraceAnalysisSocket, type TraceAnalysisSocket } from './useTraceAnalysisSocket.ts';

export function ChatContainer({ trace }: { trace: LoadedTrace }) {
  const { traceId } = trace;
  const open = useChatStore((s) => s.open);
  const chat = useChatStore((s) => s.chats[traceId]) as TraceChat | undefined;
  const settings = useSettingsStore((s) => s.settings);
  const account = useSettingsStore((s) => s.account);
  const setupStep = chatSetupStep(settings, account);
  const socket = useTraceAnalysisSocket(traceId, open && setupStep === null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const chatWindow = useRef<ChatWindowHandle>(null);
  const returnFocus = useRef(false);

  useInitialAnalysis(traceId, open, chat, socket);

  const close = useCallback(() => {
    returnFocus.current = true;
    useChatStore.getState().openChanged(false);
  }, []);
  // Closing the chat gives the keyboard back to the button that opened it.
  useEffect(() => {
    if (open || !returnFocus.current) return;
    returnFocus.current = false;
    button.current?.focus();
  }, [open]);

  const send = useCallback((prompt: string) => sendQuestion(traceId, prompt), [traceId]);
  const citedItems = useMemo<CitedItemLinks>(
    () => ({
      isKnown: (id) => isCitableId(trace.profile, id),
      show: (id) => showSummaryItem(trace.profile, trace.summary?.status === 'ready' ? trace.summary.summary : null, id, useViewStore.getState().threadId),
    }),
    [trace.profile, trace.summary],
  );
  // The answer whose model input is open (a modal <dialog>: closing it gives the focus back to what opened it).
  const [inspectedTurn, setInspectedTurn] = useState<string | null>(null);
  const inspected = inspectedTurn === null ? undefined : chat?.messages.find((m) => m.turnId === inspectedTurn && m.role === 'assistant');
  const retry = useCallback(
    (turnId: string) => {
      chatWindow.current?.scrollToBottom(true);
      void retryTurn(traceId, turnId);
    },
    [traceId],
  );

  const inFlight = chat?.inFlight ?? null;
  const stoppable = inFlight?.turnId && inFlight.phase !== 'sending' && !inFlight.stopping ? inFlight.turnId : null;
  const last = chat?.messages.at(-1);
  const retryable = !inFlight && last?.role === 'assistant' && (last.status === 'error' || last.status === 'interrupted') ? last.turnId : null;

  return (
    <>
      {open ? (
        <CitedItems.Provider value={citedItems}>
          <ChatWindow
            ref={chatWindow}
            fileName={trace.fileName}
            status={<ChatStatus chat={chat} socket={socket} model={settings?.model ?? ''} />}
            notices={<ChatNotices traceId={traceId} chat={chat} socket={socket} />}
            setup={setupStep === null ? null : <ChatSetup settings={settings} account={account} onOpenSettings={() => setSettingsOpen(true)} />}
            messages={chat?.messages ?? []}
            waiting={inFlight !== null && inFlight.phase !== 'streaming'}
            gappedTurns={chat?.gappedTurns ?? []}
            retryableTurnId={retryable}
            canSend={socket.connectionState === 'open' && chat?.loaded === true && inFlight === null}
            onSend={send}
            onStop={stoppable ? () => void stopTurn(stoppable) : null}
            onRetry={retry}
            onInspect={setInspectedTurn}
            onNewConversation={chat?.loaded && chat.messages.length > 0 && !inFlight ? () => void startNewConversation(traceId) : null}
            onOpenSettings={() => setSettingsOpen(true)}
            onClose={close}
          />
        </CitedItems.Provider>
      ) : (
        <FloatingChatButton ref={button} onOpen={() => useChatStore.getState().openChanged(true)} />
      )}
      {settingsOpen && <SettingsDialog onClose={() => setSettingsOpen(false)} />}
      {inspected && (
        <ModelInputDialog
          message={inspected}
          summaryText={trace.summary?.status === 'ready' ? trace.summary.summaryText : null}
          onClose={() => setInspectedTurn(null)}
        />
      )}
    </>
  );
}

function ChatNotices({ traceId, chat, socket }: { traceId: string; chat: TraceChat | undefined; socket: TraceAnalysisSocket }) {
  const problem = chat?.error ?? null;
  if (problem?.code === OPEN_FAILED) {
    const reconnect = () => {
      useChatStore.getState().errorDismissed(traceId);
      socket.reconnect();
    };
    return <ChatProblemNotice problem={problem} actionLabel="Reconnect" onAction={reconnect} />;
  }
  return (
    <>
      <ConnectionNotice socket={socket} />
      {problem && (
        <ChatProblemNotice
          problem={problem}
          // Dismissing a failed initial analysis asks it again.
          actionLabel={chat?.initialAnalysisRequested ? 'Dismiss' : 'Try again'}
          onAction={() => useChatStore.getState().errorDismissed(traceId)}
        />
      )}
    </>
  );
}

/** Asks the initial analysis when the chat is open, its conversation loaded and connected, and it was never asked (or its failure was dismissed). */
function useInitialAnalysis(traceId: string, open: boolean, chat: TraceChat | undefined, socket: TraceAnalysisSocket): void {
  const due = open && socket.connectionState === 'open' && chat?.loaded === true && !chat.initialAnalysisRequested && !chat.inFlight && !chat.error;
  useEffect(() => {
    if (due) askInitialAnalysis(traceId);
  }, [due, traceId]);
}

function ChatStatus({ chat, socket, model }: { chat: TraceChat | undefined; socket: TraceAnalysisSocket; model: string }) {
  const mode = chat?.mode ?? null;
  const label = mode === 'local' ? `Local${model ? ` · ${model}` : ''}` : mode === 'cloud' ? 'Cloud' : null;
  const connection = { idle: 'Not connected', connecting: 'Connecting…', open: 'Connected', reconnecting: 'Reconnecting…', closed: 'Disconnected' }[
    socket.connectionState
  ];
  return (
    <>
      {label && (
        <span className="badge mode-badge" data-testid="chat-mode">
          {label}
        </span>
      )}
      <span className={`connection-dot ${socket.connectionState}`} aria-hidden="true" />
      <span data-testid="chat-connection">{connection}</span>
    </>
  );
}
