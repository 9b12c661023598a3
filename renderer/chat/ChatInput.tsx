// The question field: Enter sends, Shift+Enter adds a line; Stop replaces Send
// while an answer is on its way. A question the host refuses comes back into
// the field, so nothing typed is lost.
import { forwardRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { MAX_PROMPT_CHARS } from '../../functions/_shared/chat-constants.ts';

interface ChatInputProps {
  /** False while the chat cannot take a question (connecting, a turn in flight). */
  canSend: boolean;
  /** Set while an answer can be stopped. */
  onStop: (() => void) | null;
  /** Resolves once the host took the question; rejects when it refused it. */
  onSend(prompt: string): Promise<void>;
}

export const ChatInput = forwardRef<HTMLTextAreaElement, ChatInputProps>(function ChatInput({ canSend, onStop, onSend }, ref) {
  const [draft, setDraft] = useState('');
  const question = draft.trim();

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSend || !question) return;
    setDraft('');
    onSend(question).catch(() => setDraft((current) => current || draft));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    submit();
  };

  return (
    <form className="chat-input" onSubmit={submit}>
      <label htmlFor="chat-question" className="visually-hidden">
        Ask about this trace
      </label>
      <textarea
        id="chat-question"
        ref={ref}
        rows={1}
        value={draft}
        maxLength={MAX_PROMPT_CHARS}
        placeholder="Ask about this trace…"
        aria-describedby="chat-input-hint"
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        data-testid="chat-input"
      />
      <span id="chat-input-hint" className="visually-hidden">
        Enter sends, Shift+Enter adds a line, Escape closes the chat.
      </span>
      {onStop ? (
        <button type="button" onClick={onStop} data-testid="chat-stop">
          Stop
        </button>
      ) : (
        <button type="submit" className="primary" disabled={!canSend || !question} data-testid="chat-send">
          Send
        </button>
      )}
    </form>
  );
});
