// The trace tools the model ran for one answer. While the turn runs, each
// call shows as it happens: its label with a spinner, then done or failed.
// Once the answer is over the calls fold into one line ("Used 3 trace tools")
// that expands (a native <details>: keyboard and screen readers know it).
import type { ChatToolCall, ChatToolStep } from '../../electron/ipc-contract.ts';

type CallState = 'running' | 'done' | 'failed' | 'unfinished';

const STATE_WORDS: Record<CallState, string> = {
  running: 'running',
  done: 'done',
  failed: 'failed',
  unfinished: 'did not finish',
};

function stateOf(call: ChatToolCall, turnRunning: boolean): CallState {
  if (call.result === undefined) return turnRunning ? 'running' : 'unfinished';
  return call.ok === false ? 'failed' : 'done';
}

interface ToolStepsProps {
  steps: ChatToolStep[];
  /** The turn is still under way: calls without a result are running, and the list is open. */
  running: boolean;
}

export function ToolSteps({ steps, running }: ToolStepsProps) {
  const calls = steps.flatMap((s) => s.calls);
  if (calls.length === 0) return null;
  const list = (
    <ol className="tool-calls" aria-label="Trace tools the assistant used">
      {calls.map((call) => (
        <ToolCallItem key={call.callId} call={call} state={stateOf(call, running)} />
      ))}
    </ol>
  );
  if (running) {
    return (
      <div className="tool-steps running" data-testid="tool-steps" data-state="running">
        {list}
      </div>
    );
  }
  const failed = calls.filter((c) => c.ok === false).length;
  return (
    <details className="tool-steps" data-testid="tool-steps" data-state="collapsed">
      <summary data-testid="tool-steps-summary">
        Used {calls.length} trace tool{calls.length === 1 ? '' : 's'}
        {failed > 0 && <span className="muted"> ({failed} failed)</span>}
      </summary>
      {list}
    </details>
  );
}

function ToolCallItem({ call, state }: { call: ChatToolCall; state: CallState }) {
  // A failed call's result is the reason, one sentence the model read too.
  const reason = state === 'failed' ? call.result!.split('\n')[0] : null;
  return (
    <li className={`tool-call ${state}`} data-testid="tool-call" data-state={state} data-tool={call.name}>
      <span className="tool-call-icon" aria-hidden="true">
        {state === 'done' ? '✓' : state === 'failed' ? '✕' : state === 'unfinished' ? '–' : ''}
      </span>
      <span className="tool-call-label">
        {call.label}
        {state === 'running' && '…'}
        <span className="visually-hidden">: {STATE_WORDS[state]}</span>
        {reason && (
          <span className="tool-call-reason" title={reason}>
            {reason}
          </span>
        )}
      </span>
    </li>
  );
}
