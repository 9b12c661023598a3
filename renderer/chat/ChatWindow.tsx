// The open chat: header (what it is about, mode, connection, actions), the
// conversation, and the question field. It owns scrolling: the view follows
// a streaming answer unless the user has scrolled up, then offers "Jump to
// latest"; scrollToBottom(true) (sending) always goes down. Escape closes.
import { forwardRef, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ChatMessage } from '../../electron/ipc-contract.ts';
import { ChatInput } from './ChatInput.tsx';
import { ChatMessageItem, TypingDots } from './ChatMessageItem.tsx';

export interface ChatWindowHandle {
  /** Scrolls to the latest message; unless forced, only when the user has not scrolled up. */
  scrollToBottom(force?: boolean): void;
}

interface ChatWindowProps {
  fileName: string;
  /** Mode and connection, shown in the header. */
  status: ReactNode;
  /** Shown above the conversation: connection and chat problems. */
  notices: ReactNode;
  /** Shown instead of the conversation while the chat cannot be used (set-up, sign-in). */
  setup: ReactNode | null;
  messages: ChatMessage[];
  /** The question is sent and no answer text has come yet. */
  waiting: boolean;
  gappedTurns: string[];
  /** The last answer's turn when it can be retried. */
  retryableTurnId: string | null;
  canSend: boolean;
  onSend(prompt: string): Promise<void>;
  onStop: (() => void) | null;
  onRetry(turnId: string): void;
  /** Opens what the model received for an answer. */
  onInspect(turnId: string): void;
  onNewConversation: (() => void) | null;
  onOpenSettings(): void;
  onClose(): void;
}

/** How close to the end (px) still counts as "at the latest message". */
const BOTTOM_SLACK_PX = 24;

export const ChatWindow = forwardRef<ChatWindowHandle, ChatWindowProps>(function ChatWindow(props, ref) {
  const { messages, waiting, setup } = props;
  const ready = setup === null;
  const scroller = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const windowElement = useRef<HTMLElement>(null);
  const following = useRef(true);
  const [behind, setBehind] = useState(false);

  const scrollToBottom = useCallback((force = false) => {
    const element = scroller.current;
    if (!element || (!force && !following.current)) return;
    following.current = true;
    element.scrollTop = element.scrollHeight;
    setBehind(false);
  }, []);
  useImperativeHandle(ref, () => ({ scrollToBottom }), [scrollToBottom]);

  const onScroll = () => {
    const element = scroller.current!;
    following.current = element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
    if (following.current) setBehind(false);
  };

  // New text: follow it, or say there is more below.
  useLayoutEffect(() => {
    if (following.current) scrollToBottom();
    else setBehind(true);
  }, [messages, waiting, scrollToBottom]);

  // Opening the chat puts the keyboard in it: the question field, or the set-up step's first field or button.
  useEffect(() => {
    const setupControl = windowElement.current?.querySelector<HTMLElement>('.chat-setup :is(input, button)');
    (input.current ?? setupControl ?? windowElement.current)?.focus();
  }, [ready]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    props.onClose();
  };

  const { onSend, canSend } = props;
  const send = useCallback(
    (prompt: string) => {
      const sent = onSend(prompt);
      scrollToBottom(true);
      return sent;
    },
    [onSend, scrollToBottom],
  );
  // A chip sends its question as typing it would; a refusal shows as the chat's problem notice.
  const followUps = useMemo(() => ({ ask: canSend ? (question: string) => void send(question).catch(() => {}) : null }), [canSend, send]);
  const last = messages.at(-1);

  return (
    <aside
      className="chat-window"
      aria-label={`Chat about ${props.fileName}`}
      tabIndex={-1}
      ref={windowElement}
      onKeyDown={onKeyDown}
      data-testid="chat-window"
    >
      <header className="chat-header">
        <div className="chat-title">
          <h2>Assistant</h2>
          <div className="chat-status muted">{props.status}</div>
        </div>
        <div className="chat-actions">
          {props.onNewConversation && (
            <button type="button" onClick={props.onNewConversation} title="Start a new conversation about this trace" data-testid="chat-new-conversation">
              New
            </button>
          )}
          <button type="button" onClick={props.onOpenSettings} aria-label="Chat settings" title="Chat settings" data-testid="chat-settings">
            <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
              <path
                fill="currentColor"
                fillRule="evenodd"
                d="M10.3 2h3.4l.5 2.6a8 8 0 0 1 1.9 1.1l2.5-.9 1.7 3-2 1.7a8 8 0 0 1 0 2.2l2 1.7-1.7 3-2.5-.9a8 8 0 0 1-1.9 1.1l-.5 2.6h-3.4l-.5-2.6a8 8 0 0 1-1.9-1.1l-2.5.9-1.7-3 2-1.7a8 8 0 0 1 0-2.2l-2-1.7 1.7-3 2.5.9a8 8 0 0 1 1.9-1.1L10.3 2ZM12 15.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Z"
              />
            </svg>
          </button>
          <button type="button" onClick={props.onClose} aria-label="Close chat" title="Close chat (Escape)" data-testid="chat-close">
            ✕
          </button>
        </div>
      </header>
      {setup ?? (
        <>
          {/* Above the scrolled conversation, so they show however far it is scrolled. */}
          <div className="chat-notices">{props.notices}</div>
          <div className="chat-scroller" ref={scroller} onScroll={onScroll}>
            <div className="chat-log" role="log" aria-label="Conversation" aria-live="polite" data-testid="chat-log">
              {messages.map((message) => (
                <ChatMessageItem
                  key={`${message.role}:${message.turnId}`}
                  message={message}
                  gapped={props.gappedTurns.includes(message.turnId)}
                  onRetry={message.turnId === props.retryableTurnId && message.role === 'assistant' ? props.onRetry : null}
                  onInspect={props.onInspect}
                  followUps={message === last && message.role === 'assistant' ? followUps : null}
                />
              ))}
              {waiting && (
                <div className="chat-message assistant waiting" role="status" data-testid="chat-waiting">
                  <TypingDots />
                  <span className="muted">Thinking…</span>
                </div>
              )}
            </div>
          </div>
          {behind && (
            <button type="button" className="chat-jump" onClick={() => scrollToBottom(true)} data-testid="chat-jump-latest">
              Jump to latest ↓
            </button>
          )}
          <ChatInput ref={input} canSend={props.canSend} onStop={props.onStop} onSend={send} />
        </>
      )}
    </aside>
  );
});
