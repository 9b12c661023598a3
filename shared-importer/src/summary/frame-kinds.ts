// What a frame means to the summary, decided once per frame (not per call) by
// its name and trace category: idle time, a synthetic root, or one of the
// costs a performance expert looks for first (GC, layout, style, paint).
import type { FrameTable } from '../model/frame-table.ts';

// Plain constants rather than enums: every TS runtime we use (tsx, Deno, Vite) strips them alike.
export const FrameRole = {
  Normal: 0,
  /** The thread waiting: excluded from busy time and from the hot lists. */
  Idle: 1,
  /**
   * A synthetic root ("(root)") or an event loop's run frame (Gecko's
   * XRE_InitChildProcess, Chromium's RunLoop::Run): tasks are its children
   * and its own time is the loop waiting.
   */
  Wrapper: 2,
} as const;

export const CostKind = { None: 0, Gc: 1, Layout: 2, Style: 3, Paint: 4 } as const;
export type CostKind = (typeof CostKind)[keyof typeof CostKind];

const IDLE_NAMES = new Set(['(idle)', '(program)', '[idle]', 'Idle', 'idle', '(Idle)']);
const WRAPPER_NAMES = new Set([
  '(root)',
  'ROOT',
  '[root]',
  '(Root)',
  'XRE_InitChildProcess',
  'XRE_main',
  'XREMain::XRE_main',
  'XREMain::XRE_mainRun',
  'nsAppShell::Run',
  'MessageLoop::Run',
  'MessageLoop::RunHandler',
  'base::RunLoop::Run',
]);

// V8/Blink trace events, V8 CPU profile pseudo-frames, Gecko markers and labels.
const GC_NAME =
  /^(\(garbage collector\)|MajorGC|MinorGC|MinorMS|GCEvent|GCMajor|GCMinor|GCSlice|Scavenge|MarkCompact|CppGC\..*|BlinkGC\..*|V8\.GC.*|V8\.ScavengeTask|ThreadState::\w*GC\w*|.*::CollectGarbage.*|js::gc::.*|GarbageCollect.*)$/;
const GC_CATEGORY = /(^|[.,\s])gc($|[,\s])|^GC \/ CC$/i;
const LAYOUT_NAME = /^(Layout|ForcedLayout|UpdateLayout|LocalFrameView::(layout|UpdateLayout)|PresShell::DoReflow.*|Reflow|ReflowAll|LayoutShift)$/;
const STYLE_NAME =
  /^(UpdateLayoutTree|RecalculateStyles|RecalcStyle|Document::(updateStyle|UpdateStyleAndLayoutTree).*|ParseAuthorStyleSheet|Styles.*|Style computation|ServoStyleSet::.*)$/;
const PAINT_NAME =
  /^(Paint|PrePaint|PaintImage|PaintSetup|Layerize|Commit|CompositeLayers|Composite.*|PresShell::Paint.*|UpdateLayer|UpdateLayerTree|RasterTask|Rasterize|DecodeImage|Decode Image|ImageDecodeTask|DisplayList|DisplayList building|PaintArtifactCompositor::Update)$/;

export function costKindOfName(name: string, category?: string): CostKind {
  if (GC_NAME.test(name) || (category !== undefined && GC_CATEGORY.test(category))) return CostKind.Gc;
  if (STYLE_NAME.test(name)) return CostKind.Style;
  if (LAYOUT_NAME.test(name)) return CostKind.Layout;
  if (PAINT_NAME.test(name)) return CostKind.Paint;
  return CostKind.None;
}

export interface FrameKinds {
  role: Uint8Array;
  cost: Uint8Array;
  /** False when no frame has a cost kind, so the cost pass can be skipped. */
  anyCost: boolean;
}

export function classifyFrames(frames: FrameTable): FrameKinds {
  const role = new Uint8Array(frames.length);
  const cost = new Uint8Array(frames.length);
  let anyCost = false;
  for (let f = 0; f < frames.length; f++) {
    const name = frames.names[f];
    if (IDLE_NAMES.has(name)) role[f] = FrameRole.Idle;
    else if (WRAPPER_NAMES.has(name)) role[f] = FrameRole.Wrapper;
    const kind = costKindOfName(name, frames.categories[f]);
    cost[f] = kind;
    if (kind !== CostKind.None) anyCost = true;
  }
  return { role, cost, anyCost };
}
