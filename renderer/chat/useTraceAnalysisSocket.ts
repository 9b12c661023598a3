// The chat's connection as the design's hook gives it: connection state, the
// last message, and the close event itself (code, reason, wasClean), so a
// 1006 drop is told apart from a refusal (1008). The socket and the Realtime
// subscription live in the host (secrets never reach the page); this hook
// asks the host to connect while `enabled` and reads what it reports.
import { useCallback, useEffect } from 'react';
import type { ChatConnectionEvent, ChatTurnEvent } from '../../electron/ipc-contract.ts';
import { connectChat, reconnectChat } from '../api/chat-commands.ts';
import { useChatStore } from '../state/chat-store.ts';

export interface TraceAnalysisSocket {
  connectionState: ChatConnectionEvent['state'];
  /** The last turn event of this trace's chat. */
  lastMessage: ChatTurnEvent | null;
  /** How the connection last closed, while it is closed or reconnecting. */
  closeEvent: ChatConnectionEvent['close'] | null;
  /** While reconnecting: the attempt and its delay. */
  retry: ChatConnectionEvent['retry'] | null;
  /** Opens the connection again after the host gave up on it or was refused. */
  reconnect(): void;
}

export function useTraceAnalysisSocket(traceId: string, enabled: boolean): TraceAnalysisSocket {
  useEffect(() => (enabled ? connectChat(traceId) : undefined), [traceId, enabled]);
  const connection = useChatStore((s) => s.chats[traceId]?.connection);
  const lastMessage = useChatStore((s) => s.chats[traceId]?.lastEvent ?? null);
  const reconnect = useCallback(() => reconnectChat(traceId), [traceId]);
  const state = enabled ? (connection?.state ?? 'connecting') : 'idle';
  const closing = state === 'closed' || state === 'reconnecting';
  return {
    connectionState: state,
    lastMessage,
    closeEvent: closing ? (connection?.close ?? null) : null,
    retry: state === 'reconnecting' ? (connection?.retry ?? null) : null,
    reconnect,
  };
}
