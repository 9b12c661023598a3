// Interactions from EventTiming begin/end pairs, as DevTools'
// UserInteractionsHandler reads them: only events with an interactionId and a
// duration of at least 1 ms; processing start and end are placed on the
// trace's clock from the event's own timeStamp; of the events of one input
// category (pointer, keyboard, other) that end together, the earliest stands
// for the interaction, its processing widened to cover the others. INP is the
// longest interaction, or past 50 interactions the 98th percentile (web.dev:
// the (count / 50)th longest of the per-interactionId maxima).
import type { Interaction } from './page-types.ts';
import { PageEventKind, type PageEvent } from './page-event-collector.ts';

const PH_ASYNC_BEGIN = 0x62; // b
const PH_ASYNC_END = 0x65; // e
const POINTER_TYPES = new Set(['pointerdown', 'touchstart', 'pointerup', 'touchend', 'mousedown', 'mouseup', 'click']);
const KEYBOARD_TYPES = new Set(['keydown', 'keypress', 'keyup']);
/** Past this many interactions INP is a high percentile rather than the worst (web.dev/articles/inp). */
const INTERACTIONS_PER_SKIPPED_WORST = 50;

/** An interaction with the numbers that pick INP. */
export interface InteractionRecord {
  interaction: Interaction;
  interactionId: number;
  pid: number;
  frame?: string;
  processingStart: number;
  processingEnd: number;
}

/** `events` in time order. Interactions in start order, ids "int1"…. */
export function buildInteractions(events: readonly PageEvent[]): InteractionRecord[] {
  const paired = pairBeginsWithEnds(events);
  const kept = withoutNestedEvents(paired);
  kept.forEach((r, i) => {
    r.interaction.id = `int${i + 1}`;
    writeParts(r);
  });
  return kept;
}

/** The interaction that sets INP among `records`, or undefined when there are none. */
export function inpInteraction(records: readonly InteractionRecord[]): InteractionRecord | undefined {
  const longestById = new Map<number, InteractionRecord>();
  for (const r of records) {
    const known = longestById.get(r.interactionId);
    if (!known || r.interaction.durationMs > known.interaction.durationMs) longestById.set(r.interactionId, r);
  }
  const byDuration = [...longestById.values()].sort((a, b) => b.interaction.durationMs - a.interaction.durationMs);
  if (byDuration.length === 0) return undefined;
  return byDuration[Math.min(byDuration.length - 1, Math.floor(longestById.size / INTERACTIONS_PER_SKIPPED_WORST))];
}

function pairBeginsWithEnds(events: readonly PageEvent[]): InteractionRecord[] {
  const openById = new Map<string, PageEvent[]>();
  const out: InteractionRecord[] = [];
  for (const e of events) {
    if (e.kind !== PageEventKind.EventTiming || e.id === undefined) continue;
    if (e.ph === PH_ASYNC_BEGIN) {
      const { duration, interactionId } = e.data;
      if (typeof duration !== 'number' || duration < 1 || typeof interactionId !== 'number' || interactionId === 0) continue;
      let open = openById.get(e.id);
      if (!open) openById.set(e.id, (open = []));
      open.push(e);
    } else if (e.ph === PH_ASYNC_END) {
      const begin = openById.get(e.id)?.pop();
      const record = begin && recordOf(begin, e);
      if (record) out.push(record);
    }
  }
  return out.sort((a, b) => a.interaction.start - b.interaction.start);
}

function recordOf(begin: PageEvent, end: PageEvent): InteractionRecord | undefined {
  const { type, interactionId, timeStamp, processingStart, processingEnd } = begin.data;
  if (typeof type !== 'string' || typeof interactionId !== 'number') return undefined;
  if (typeof timeStamp !== 'number' || typeof processingStart !== 'number' || typeof processingEnd !== 'number') return undefined;
  if (!timeStamp || !processingStart || !processingEnd) return undefined;
  const record: InteractionRecord = {
    interaction: {
      id: '',
      type,
      start: begin.ts,
      end: end.ts,
      durationMs: (end.ts - begin.ts) / 1000,
      inputDelayMs: 0,
      processingMs: 0,
      presentationDelayMs: 0,
    },
    interactionId,
    pid: begin.pid,
    processingStart: (processingStart - timeStamp) * 1000 + begin.ts,
    processingEnd: (processingEnd - timeStamp) * 1000 + begin.ts,
  };
  if (begin.frame !== undefined) record.frame = begin.frame;
  return record;
}

function categoryOf(type: string): string {
  return POINTER_TYPES.has(type) ? 'pointer' : KEYBOARD_TYPES.has(type) ? 'keyboard' : 'other';
}

/** One event per (category, end time): the earliest, covering the others' processing. */
function withoutNestedEvents(records: readonly InteractionRecord[]): InteractionRecord[] {
  const earliest = new Map<string, InteractionRecord>();
  for (const r of records) {
    const key = `${categoryOf(r.interaction.type)}\u0000${r.interaction.end}`;
    const known = earliest.get(key);
    if (!known) {
      earliest.set(key, r);
      continue;
    }
    if (r.interaction.start < known.interaction.start) earliest.set(key, r);
    else if (r.interaction.start === known.interaction.start && r.interactionId === known.interactionId) {
      if (r.processingEnd - r.processingStart > known.processingEnd - known.processingStart) earliest.set(key, r);
    }
    // As DevTools does, the one found first takes the widest processing span.
    known.processingStart = Math.min(known.processingStart, r.processingStart);
    known.processingEnd = Math.max(known.processingEnd, r.processingEnd);
  }
  return [...earliest.values()].sort((a, b) => a.interaction.start - b.interaction.start);
}

function writeParts(r: InteractionRecord): void {
  const i = r.interaction;
  i.inputDelayMs = (r.processingStart - i.start) / 1000;
  i.processingMs = (r.processingEnd - r.processingStart) / 1000;
  i.presentationDelayMs = (i.end - r.processingEnd) / 1000;
}
