// One message: the user's question as plain text, or an answer as sanitised
// Markdown with what the user can do with it (copy; retry when it failed or
// was cut off) and what happened to it (streaming, stopped, failed, a part
// lost). Memoised: while one answer streams, the others do not re-render.
import { memo, useLayoutEffect, useRef, useState } from 'react';
import type { ChatMessage } from '../../electron/ipc-contract.ts';
import { recordFirstCharacterCommitted } from '../debug/chat-latency.ts';
import { ChatMarkdown } from './ChatMarkdown.tsx';
import { copyText } from './copy-text.ts';

interface ChatMessageItemProps {
  message: ChatMessage;
  /** Retry is offered on the last answer only, when it failed or was cut off. */
  onRetry: ((turnId: string) => void) | null;
  /** Some of this answer's stream was lost on the way. */
  gapped: boolean;
}

export const ChatMessageItem = memo(function ChatMessageItem({ message, onRetry, gapped }: ChatMessageItemProps) {
  if (message.role === 'user') {
    return (
      <div className="chat-message user" data-testid="chat-message" data-role="user">
        <span className="visually-hidden">You asked:</span>
        <p className="chat-question">{message.content}</p>
      </div>
    );
  }
  return <AnswerItem message={message} onRetry={onRetry} gapped={gapped} />;
});

function AnswerItem({ message, onRetry, gapped }: ChatMessageItemProps) {
  useFirstCharacterProbe(message);
  const streaming = message.status === 'streaming';
  const failed = message.status === 'error' || message.status === 'interrupted';
  return (
    <div className={`chat-message assistant ${message.status}`} data-testid="chat-message" data-role="assistant" data-status={message.status} aria-busy={streaming}>
      <span className="visually-hidden">Assistant:</span>
      {message.content ? (
        <div className="chat-answer" data-testid="chat-answer">
          <ChatMarkdown text={message.content} />
        </div>
      ) : (
        streaming && (
          <span role="status" aria-label="The assistant is writing">
            <TypingDots />
          </span>
        )
      )}
      {gapped && <p className="chat-note">Part of this answer was lost on the way; it may read oddly. Ask again for a whole one.</p>}
      {message.status === 'stopped' && <p className="chat-note">Stopped.</p>}
      {failed && message.error && (
        <div className="chat-turn-error" role="alert" data-testid="chat-turn-error">
          <p>
            {message.error.message}
            {message.error.retryAfterSeconds !== undefined && ` Try again in ${Math.ceil(message.error.retryAfterSeconds)} s.`}
          </p>
          {onRetry && (
            <button type="button" onClick={() => onRetry(message.turnId)} data-testid="chat-retry">
              Retry
            </button>
          )}
        </div>
      )}
      {!streaming && message.content && <CopyButton text={message.content} />}
    </div>
  );
}

/** For the chat bench: a streaming answer's first text, once it is on screen (it may already have text when it first renders). */
function useFirstCharacterProbe(message: ChatMessage): void {
  const timed = useRef(false);
  const hasText = message.status === 'streaming' && message.content.length > 0;
  useLayoutEffect(() => {
    if (timed.current || !hasText) return;
    timed.current = true;
    recordFirstCharacterCommitted(message.turnId);
  }, [hasText, message.turnId]);
}

export function TypingDots() {
  return (
    <span className="chat-typing" aria-hidden="true">
      <span />
      <span />
      <span />
    </span>
  );
}

function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () =>
    copyText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  return (
    <div className="chat-message-actions">
      <button type="button" className="link" onClick={copy} onBlur={() => setState('idle')} data-testid="chat-copy">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy' : 'Copy'}
      </button>
    </div>
  );
}
