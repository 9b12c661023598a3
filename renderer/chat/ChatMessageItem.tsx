// One message: the user's question as plain text, or an answer as sanitised
// Markdown with the trace tools the model ran for it, what the user can do
// with it (copy; see what the model received; retry when it failed or was cut
// off; ask a suggested follow-up) and what happened to it (streaming, stopped,
// failed, a part lost). Memoised: while one answer streams, the others do not
// re-render.
import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ChatMessage } from '../../electron/ipc-contract.ts';
import { splitFollowUps } from '../../functions/_shared/follow-ups.ts';
import { recordFirstCharacterCommitted } from '../debug/chat-latency.ts';
import { ChatMarkdown } from './ChatMarkdown.tsx';
import { copyText } from './copy-text.ts';
import { ToolSteps } from './ToolSteps.tsx';

interface ChatMessageItemProps {
  message: ChatMessage;
  /** Retry is offered on the last answer only, when it failed or was cut off. */
  onRetry: ((turnId: string) => void) | null;
  /** Some of this answer's stream was lost on the way. */
  gapped: boolean;
  /** Opens what the model received for an answer. */
  onInspect(turnId: string): void;
  /**
   * The last answer's suggested follow-ups show as chips: set on that answer
   * only. `ask` is null while no question can be sent (the chips show, disabled).
   */
  followUps: { ask: ((question: string) => void) | null } | null;
}

export const ChatMessageItem = memo(function ChatMessageItem({ message, onRetry, gapped, onInspect, followUps }: ChatMessageItemProps) {
  if (message.role === 'user') {
    return (
      <div className="chat-message user" data-testid="chat-message" data-role="user">
        <span className="visually-hidden">You asked:</span>
        <p className="chat-question">{message.content}</p>
      </div>
    );
  }
  return <AnswerItem message={message} onRetry={onRetry} gapped={gapped} onInspect={onInspect} followUps={followUps} />;
});

function AnswerItem({ message, onRetry, gapped, onInspect, followUps }: ChatMessageItemProps) {
  useFirstCharacterProbe(message);
  const streaming = message.status === 'streaming';
  const failed = message.status === 'error' || message.status === 'interrupted';
  // The follow-up block is never shown as text, even as it streams in; its questions become chips once the answer is complete.
  const { body, followUps: questions } = useMemo(() => splitFollowUps(message.content), [message.content]);
  const steps = message.steps ?? [];
  const toolRunning = streaming && steps.some((s) => s.calls.some((c) => c.result === undefined));
  return (
    <div
      className={`chat-message assistant ${message.status}`}
      data-testid="chat-message"
      data-role="assistant"
      data-status={message.status}
      aria-busy={streaming}
    >
      <span className="visually-hidden">Assistant:</span>
      {steps.length > 0 && <ToolSteps steps={steps} running={streaming} />}
      {body ? (
        <div className="chat-answer" data-testid="chat-answer">
          <ChatMarkdown text={body} />
        </div>
      ) : (
        streaming &&
        !toolRunning && (
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
      {followUps && message.status === 'complete' && questions.length > 0 && <FollowUpChips questions={questions} ask={followUps.ask} />}
      {!streaming && (body || steps.length > 0) && (
        <div className="chat-message-actions">
          {body && <CopyButton text={body} />}
          <button type="button" className="link" onClick={() => onInspect(message.turnId)} data-testid="chat-inspect">
            What the model received
          </button>
        </div>
      )}
    </div>
  );
}

function FollowUpChips({ questions, ask }: { questions: string[]; ask: ((question: string) => void) | null }) {
  return (
    <div className="chat-follow-ups" role="group" aria-label="Suggested follow-up questions" data-testid="chat-follow-ups">
      {questions.map((question) => (
        <button type="button" key={question} className="chat-chip" disabled={!ask} onClick={() => ask?.(question)} data-testid="chat-follow-up">
          {question}
        </button>
      ))}
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

export function CopyButton({ text, label = 'Copy', testId = 'chat-copy' }: { text: string; label?: string; testId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () =>
    void copyText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  return (
    <button type="button" className="link" onClick={copy} onBlur={() => setState('idle')} data-testid={testId}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy' : label}
    </button>
  );
}
