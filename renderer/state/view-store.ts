// How the open trace is being looked at: thread, view, zoom window of each
// chart, the selected function (and call), the search, the hovered block and
// the side panels. Zoom changes arrive at input rate, so charts subscribe to
// this store outside React and redraw on the next animation frame.
import { create } from 'zustand';
import type { Viewport } from '../flame-chart/viewport.ts';

export type ViewMode = 'time-order' | 'left-heavy' | 'sandwich';
export const VIEW_MODES: readonly { mode: ViewMode; label: string; key: string }[] = [
  { mode: 'time-order', label: 'Time order', key: '1' },
  { mode: 'left-heavy', label: 'Left heavy', key: '2' },
  { mode: 'sandwich', label: 'Sandwich', key: '3' },
];

/** A block in a chart: which chart, and its slot in that chart's layout. */
export interface ChartSlot {
  chartId: string;
  slot: number;
}

export type SandwichSortKey = 'self' | 'total' | 'name';

interface ViewState {
  threadId: string | null;
  mode: ViewMode;
  /** Zoom window per chart id; a chart without one shows everything. */
  viewports: Record<string, Viewport>;
  /** Selected function (frame index), -1 for none. */
  selectedFrame: number;
  /** The selected block, when the selection came from a chart or a long task. */
  selectedSlot: ChartSlot | null;
  hovered: (ChartSlot & { clientX: number; clientY: number }) | null;
  search: string;
  /** Summary id of the page item selected (a request, shift, interaction...), or null. */
  selectedPageItem: string | null;
  /** The page track shows its bands and waterfall (else only its header). */
  pageTrackOpen: boolean;
  summaryOpen: boolean;
  sandwichSort: { key: SandwichSortKey; descending: boolean };

  /** Fresh state for a newly loaded trace. */
  traceOpened(threadId: string | null): void;
  threadChosen(threadId: string): void;
  modeChosen(mode: ViewMode): void;
  viewportChanged(chartId: string, viewport: Viewport): void;
  viewportReset(chartId: string): void;
  functionSelected(frame: number): void;
  slotSelected(frame: number, slot: ChartSlot | null): void;
  selectionCleared(): void;
  hoverChanged(hovered: ViewState['hovered']): void;
  searchChanged(search: string): void;
  pageItemSelected(id: string | null): void;
  pageTrackToggled(open?: boolean): void;
  /** Shows a page item: time order view of a thread, zoomed to it, selected, the track open. */
  pageItemFocused(id: string, threadId: string, chartId: string, viewport: Viewport): void;
  summaryToggled(open?: boolean): void;
  sandwichSorted(key: SandwichSortKey): void;
  /** Shows one block of a chart (an interval in time order, a call-tree node in left heavy): thread, view, zoom and selection in one step. */
  blockFocused(threadId: string, mode: 'time-order' | 'left-heavy', frame: number, slot: ChartSlot, viewport: Viewport): void;
}

export const useViewStore = create<ViewState>()((set, get) => ({
  threadId: null,
  mode: 'time-order',
  viewports: {},
  selectedFrame: -1,
  selectedSlot: null,
  hovered: null,
  search: '',
  selectedPageItem: null,
  pageTrackOpen: true,
  summaryOpen: true,
  sandwichSort: { key: 'self', descending: true },

  traceOpened(threadId) {
    set({ threadId, viewports: {}, selectedFrame: -1, selectedSlot: null, hovered: null, search: '', selectedPageItem: null });
  },
  threadChosen(threadId) {
    if (threadId === get().threadId) return;
    set({ threadId, selectedSlot: null, hovered: null });
  },
  modeChosen(mode) {
    set({ mode, hovered: null });
  },
  viewportChanged(chartId, viewport) {
    set({ viewports: { ...get().viewports, [chartId]: viewport } });
  },
  viewportReset(chartId) {
    const { [chartId]: _removed, ...rest } = get().viewports;
    set({ viewports: rest });
  },
  functionSelected(frame) {
    set({ selectedFrame: frame, selectedSlot: null });
  },
  slotSelected(frame, slot) {
    set({ selectedFrame: frame, selectedSlot: slot });
  },
  selectionCleared() {
    set({ selectedFrame: -1, selectedSlot: null, selectedPageItem: null });
  },
  hoverChanged(hovered) {
    const current = get().hovered;
    if (current === hovered) return;
    if (
      current &&
      hovered &&
      current.chartId === hovered.chartId &&
      current.slot === hovered.slot &&
      current.clientX === hovered.clientX &&
      current.clientY === hovered.clientY
    ) {
      return;
    }
    set({ hovered });
  },
  searchChanged(search) {
    set({ search });
  },
  pageItemSelected(id) {
    set({ selectedPageItem: id });
  },
  pageTrackToggled(open) {
    set({ pageTrackOpen: open ?? !get().pageTrackOpen });
  },
  pageItemFocused(id, threadId, chartId, viewport) {
    set({ threadId, mode: 'time-order', selectedPageItem: id, pageTrackOpen: true, viewports: { ...get().viewports, [chartId]: viewport } });
  },
  summaryToggled(open) {
    set({ summaryOpen: open ?? !get().summaryOpen });
  },
  sandwichSorted(key) {
    const current = get().sandwichSort;
    set({
      sandwichSort: {
        key,
        descending: current.key === key ? !current.descending : key !== 'name',
      },
    });
  },
  blockFocused(threadId, mode, frame, slot, viewport) {
    set({
      threadId,
      mode,
      selectedFrame: frame,
      selectedSlot: slot,
      viewports: { ...get().viewports, [slot.chartId]: viewport },
    });
  },
}));
