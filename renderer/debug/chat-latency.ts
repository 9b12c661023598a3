// Chat latency for the chat benchmark: for each turn, when its question was
// sent (Enter, or Retry) and when its first streamed character was painted.
// Exposed read-only through window.__traceAnalyserDebug.chatTurns; records
// only, nothing reads it back to change behaviour.

const MAX_TURNS = 1000;

export interface ChatTurnTiming {
  turnId: string;
  /** performance.now() when the question left the page (the send request). */
  sentAt: number;
  /** performance.now() after the frame that first showed the answer's text. */
  firstCharacterPaintedAt: number;
}

const sent = new Map<string, number>();
const painted = new Map<string, number>();
const timings: ChatTurnTiming[] = [];

/** Keeps a half that never meets its other (a turn asked in another window) from piling up. */
function remember(halves: Map<string, number>, turnId: string, at: number): void {
  if (halves.size >= MAX_TURNS) halves.delete(halves.keys().next().value!);
  halves.set(turnId, at);
}

/** Events may name the turn before the send's answer does: the two halves meet in either order. */
function complete(turnId: string): void {
  const sentAt = sent.get(turnId);
  const paintedAt = painted.get(turnId);
  if (sentAt === undefined || paintedAt === undefined) return;
  sent.delete(turnId);
  painted.delete(turnId);
  if (timings.length >= MAX_TURNS) timings.shift();
  timings.push({ turnId, sentAt, firstCharacterPaintedAt: paintedAt });
}

export function recordChatQuestionSent(turnId: string, sentAt: number): void {
  remember(sent, turnId, sentAt);
  complete(turnId);
}

/** Called when the answer's first text is committed; records after the frame that paints it. */
export function recordFirstCharacterCommitted(turnId: string): void {
  if (painted.has(turnId)) return;
  requestAnimationFrame(() => {
    // The frame is painted after its animation-frame callbacks: a message posted from one runs after that paint.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      remember(painted, turnId, performance.now());
      complete(turnId);
    };
    channel.port2.postMessage(null);
  });
}

export function chatTurnTimings(): ChatTurnTiming[] {
  return timings.map((t) => ({ ...t }));
}
