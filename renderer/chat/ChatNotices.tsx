// What the chat says about itself above the conversation: the connection when
// it is not simply open (a drop and a refusal read differently), and a
// problem not tied to one answer.
import { CLOSE_POLICY_VIOLATION } from '../../functions/_shared/chat-constants.ts';
import type { ChatProblem } from '../state/chat-store.ts';
import type { TraceAnalysisSocket } from './useTraceAnalysisSocket.ts';

export function ConnectionNotice({ socket }: { socket: TraceAnalysisSocket }) {
  const { connectionState, closeEvent, retry } = socket;
  if (connectionState === 'reconnecting') {
    return (
      <div className="chat-notice" role="status" data-testid="chat-connection-notice">
        Connection lost{closeEvent ? ` (${closeEvent.code})` : ''}. Reconnecting
        {retry ? ` in ${Math.ceil(retry.delayMs / 1000)} s (attempt ${retry.attempt})` : ''}…
      </div>
    );
  }
  if (connectionState !== 'closed') return null;
  return (
    <div className="chat-notice problem" role="alert" data-testid="chat-connection-notice">
      <p>{closedSentence(closeEvent)}</p>
      <button type="button" onClick={socket.reconnect} data-testid="chat-reconnect">
        Reconnect
      </button>
    </div>
  );
}

function closedSentence(close: TraceAnalysisSocket['closeEvent']): string {
  if (!close) return 'Not connected to the assistant.';
  if (close.code === CLOSE_POLICY_VIOLATION) return `The assistant refused the connection${close.reason ? `: ${close.reason}` : '.'}`;
  if (!close.wasClean) return `The connection to the assistant was lost (${close.code}${close.reason ? `: ${close.reason}` : ''}).`;
  return `The assistant closed the connection${close.reason ? `: ${close.reason}` : '.'}`;
}

export function ChatProblemNotice({ problem, actionLabel, onAction }: { problem: ChatProblem; actionLabel: string; onAction(): void }) {
  return (
    <div className="chat-notice problem" role="alert" data-testid="chat-error">
      <p>
        {problem.message}
        {problem.retryAfterSeconds !== undefined && ` Try again in ${Math.ceil(problem.retryAfterSeconds)} s.`}
      </p>
      <button type="button" onClick={onAction} data-testid="chat-error-action">
        {actionLabel}
      </button>
    </div>
  );
}
