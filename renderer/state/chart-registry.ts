// Charts on screen register their zoom controls here so menu commands and
// global shortcuts ("zoom in", "reset zoom") reach the chart the user is using.
export interface ChartControls {
  zoom(factor: number): void;
  reset(): void;
  focus(): void;
}

const charts = new Map<string, ChartControls>();
let active: string | null = null;

export function registerChart(chartId: string, controls: ChartControls): () => void {
  charts.set(chartId, controls);
  active = chartId;
  return () => {
    if (charts.get(chartId) === controls) charts.delete(chartId);
    if (active === chartId) active = charts.keys().next().value ?? null;
  };
}

export function chartActivated(chartId: string): void {
  if (charts.has(chartId)) active = chartId;
}

export function activeChart(): ChartControls | null {
  return active ? (charts.get(active) ?? null) : null;
}
