// "What the model received" for one answer, in a modal dialog: the trace
// summary text and every tool call of the turn with its arguments and its
// result, verbatim, in monospace, scrolling inside the dialog. Escape (the
// native dialog's cancel) closes it; the opener takes the focus back. Copy
// puts the same text on the clipboard.
import { useEffect, useMemo, useRef } from 'react';
import type { ChatMessage } from '../../electron/ipc-contract.ts';
import { CopyButton } from './ChatMessageItem.tsx';
import { modelInput, modelInputText, type ModelInputPart } from './model-input.ts';

interface ModelInputDialogProps {
  message: ChatMessage;
  summaryText: string | null;
  onClose(): void;
}

export function ModelInputDialog({ message, summaryText, onClose }: ModelInputDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  // The answer keeps updating while its turn runs: results fill in as they arrive.
  const input = useMemo(() => modelInput(summaryText, message.steps), [summaryText, message.steps]);
  // The dialog re-renders with every chat update; the copy text (up to the summary and ten steps of results) only when its parts change.
  const copyText = useMemo(() => modelInputText(input), [input]);
  // No close() on unmount: it would fire onClose, and React's development re-run of effects would close the dialog it opened.
  useEffect(() => {
    if (!dialog.current!.open) dialog.current!.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="model-input-dialog" aria-labelledby="model-input-title" onClose={onClose} data-testid="model-input-dialog">
      <header className="settings-head">
        <h2 id="model-input-title">What the model received</h2>
        <div className="model-input-actions">
          <CopyButton text={copyText} label="Copy all" testId="model-input-copy" />
          <button type="button" onClick={() => dialog.current?.close()} aria-label="Close" title="Close (Escape)" data-testid="model-input-close">
            ✕
          </button>
        </div>
      </header>
      <div className="model-input-body" tabIndex={0} aria-label="What the model received for this answer">
        <p className="muted model-input-intro">
          The model never reads the trace itself: for this answer it had the summary below, the conversation so far
          {input.calls.length > 0 ? `, and the results of the ${input.calls.length} trace tool call${input.calls.length === 1 ? '' : 's'} it made` : ''}.
        </p>
        <Part part={input.summary} level="h3" />
        {input.calls.map((call) => (
          <section key={call.callId} className="model-input-call" aria-label={call.heading} data-testid="model-input-call" data-call-id={call.callId}>
            <h3>{call.heading}</h3>
            <Part part={call.arguments} level="h4" />
            <Part part={call.result} level="h4" />
          </section>
        ))}
      </div>
    </dialog>
  );
}

function Part({ part, level: Heading }: { part: ModelInputPart; level: 'h3' | 'h4' }) {
  return (
    <>
      <Heading>{part.heading}</Heading>
      <pre className="model-input-text" data-testid="model-input-part" data-part={part.key}>
        {part.text}
      </pre>
    </>
  );
}
