// The bottom-right toggle that opens the chat about the open trace. It sits
// in a corner the panels keep clear (see .chat-fab in app.css), so it never
// covers the chart's controls.
import { forwardRef } from 'react';

export const FloatingChatButton = forwardRef<HTMLButtonElement, { onOpen(): void }>(function FloatingChatButton({ onOpen }, ref) {
  return (
    <button
      ref={ref}
      type="button"
      className="chat-fab primary"
      onClick={onOpen}
      aria-label="Ask the assistant about this trace"
      aria-expanded={false}
      title="Ask the assistant about this trace"
      data-testid="chat-button"
    >
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          fillRule="evenodd"
          d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-4.5 3.6A.9.9 0 0 1 3 20.9V6a2 2 0 0 1 1-2Zm3 6.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3Zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3Zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3Z"
        />
      </svg>
    </button>
  );
});
