// page(navigation?): a recorded web page's load and responsiveness with the
// summary's ids: per navigation its milestones with ratings, the LCP element
// and its four-part breakdown, the requests that blocked the first paint;
// then every layout shift session window with its largest shifts, and every
// interaction with its three parts and the long task behind it. With a
// navigation, only what happened during it.
import type { Profile } from '../model/profile.ts';
import type { Interaction, PageInsights, PageNavigation } from '../page/page-types.ts';
import { requestDuration } from '../page/page-rankings.ts';
import { shiftClusters, type LayoutShiftCluster } from '../page/shift-clusters.ts';
import { rate } from '../page/metric-rating.ts';
import { longTaskDuring } from '../summary/summarize-page.ts';
import type { ToolContext } from './run-tool.ts';
import { requirePage, resolveNavigation } from './tool-input.ts';
import { countText, decimal, quoted, timeText } from './tool-text.ts';

export interface PageArgs {
  navigation?: string;
}

/** Largest shifts named per session window. */
const SHIFTS_PER_CLUSTER = 5;

export function pageTool(profile: Profile, args: PageArgs, context: ToolContext): string {
  const page = requirePage(profile);
  const navigation = args.navigation !== undefined ? resolveNavigation(page, args.navigation) : undefined;
  const navigations = navigation ? [navigation] : page.navigations;
  const during = (at: number) => !navigation || (at >= navigation.start && at < navigation.end);
  const clusters = shiftClusters(page).filter((c) => during(c.start));
  const interactions = page.interactions.filter((i) => during(i.start));
  const out = [headline(page, navigation, clusters, interactions)];
  for (const nav of navigations) out.push(...navigationLines(profile, page, nav));
  out.push(...clusterLines(profile, page, clusters));
  out.push(...interactionLines(profile, page, interactions, navigation, context));
  if (!navigation && page.missing.length > 0) out.push(`Not in the trace: ${page.missing.map((m) => m.replace(/\.$/, '')).join('; ')}.`);
  return out.join('\n');
}

function headline(page: PageInsights, navigation: PageNavigation | undefined, clusters: LayoutShiftCluster[], interactions: Interaction[]): string {
  const scope = navigation ? `Navigation ${navigation.id}:` : `The page: ${countText(page.navigations.length, 'navigation')},`;
  const requests = navigation ? page.requests.filter((r) => r.navigationId === navigation.id).length : page.requests.length;
  return `${scope} ${countText(requests, 'request')}, ${countText(clusters.length, 'layout shift window')}, ${countText(interactions.length, 'interaction')} (milestones in ms after their navigation started; "at" times in ms from the trace start; network_requests lists the requests).`;
}

function navigationLines(profile: Profile, page: PageInsights, nav: PageNavigation): string[] {
  const metric = (name: string, m: { ms: number; rating?: string } | undefined, rated?: 'fcpMs' | 'lcpMs') => {
    if (!m) return `${name} unknown`;
    const rating = m.rating ?? (rated ? rate(rated, m.ms) : undefined);
    return `${name} ${decimal(m.ms)} ms${rating ? ` (${rating})` : ''}`;
  };
  const metrics = [metric('FCP', nav.fcp, 'fcpMs'), metric('LCP', nav.lcp, 'lcpMs'), metric('DOMContentLoaded', nav.dcl), metric('load', nav.load)];
  if (nav.cls) metrics.push(`CLS ${decimal(nav.cls.score)} (${nav.cls.rating})`);
  if (nav.inp) metrics.push(`INP ${decimal(nav.inp.durationMs)} ms (${nav.inp.rating}) [${nav.inp.interactionId}]`);
  const lines = [`## [${nav.id}] ${quoted(nav.url)} at ${timeText(profile, nav.start)}, until ${timeText(profile, nav.end)}`, metrics.join(' · ')];
  if (nav.lcp) lines.push(lcpLine(nav));
  lines.push(renderBlockingLine(page, nav));
  return lines;
}

function lcpLine(nav: PageNavigation): string {
  const lcp = nav.lcp!;
  const what = [
    lcp.element !== undefined ? `${quoted(lcp.element)} element` : 'element',
    lcp.url !== undefined ? quoted(lcp.url) : '',
    lcp.requestId ? `loaded by [${lcp.requestId}]` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const b = lcp.breakdown;
  if (!b) return `LCP ${what} (no breakdown: the trace lacks the document response timing).`;
  return `LCP ${what}: time to first byte ${decimal(b.ttfbMs)} ms + resource load delay ${decimal(b.loadDelayMs)} ms + resource load duration ${decimal(b.loadDurationMs)} ms + element render delay ${decimal(b.renderDelayMs)} ms = ${decimal(lcp.ms)} ms.`;
}

function renderBlockingLine(page: PageInsights, nav: PageNavigation): string {
  if (nav.renderBlockingRequestIds.length === 0) return 'Render-blocking requests before the first paint: none.';
  const byId = new Map(page.requests.map((r) => [r.id, r]));
  const requests = nav.renderBlockingRequestIds.flatMap((id) => byId.get(id) ?? []);
  const listed = requests.map((r) => `[${r.id}] ${quoted(r.url)} ${decimal(requestDuration(r) / 1000)} ms`);
  return `Render-blocking requests before the first paint (longest first): ${listed.join(', ')}.`;
}

function clusterLines(profile: Profile, page: PageInsights, clusters: LayoutShiftCluster[]): string[] {
  if (clusters.length === 0) return [];
  const excluded = page.layoutShifts.filter((s) => s.hadRecentInput).length;
  const lines = [`Layout shift windows (CLS is the largest; ${excluded} shifts after recent input excluded), largest first:`];
  const ordered = clusters.slice().sort((a, b) => b.score - a.score || a.start - b.start);
  for (const c of ordered) {
    const worst = page.cls?.clusterId === c.id ? ', the CLS window' : '';
    const largest = c.shifts
      .slice()
      .sort((a, b) => b.score - a.score || a.at - b.at)
      .slice(0, SHIFTS_PER_CLUSTER);
    const shifts = largest.map((s) => `[${s.id}] ${decimal(s.score)} at ${timeText(profile, s.at)}`).join(', ');
    const more = c.shifts.length > largest.length ? `, … ${c.shifts.length - largest.length} more` : '';
    lines.push(
      `- [${c.id}] score ${decimal(c.score)} (${rate('cls', c.score)}${worst}), ${c.shifts.length} shifts ${timeText(profile, c.start)}–${timeText(profile, c.end)}: ${shifts}${more}`,
    );
  }
  return lines;
}

function interactionLines(
  profile: Profile,
  page: PageInsights,
  interactions: Interaction[],
  navigation: PageNavigation | undefined,
  context: ToolContext,
): string[] {
  if (interactions.length === 0) return [];
  const inp = navigation ? navigation.inp : page.inp;
  const inpText = inp ? `INP ${decimal(inp.durationMs)} ms (${inp.rating}) set by [${inp.interactionId}]; ` : '';
  const lines = [`Interactions: ${inpText}longest first (duration = input delay + processing + presentation delay):`];
  const ordered = interactions.slice().sort((a, b) => b.durationMs - a.durationMs || a.start - b.start);
  const threads = context.summary?.threads ?? [];
  for (const i of ordered) {
    const startMs = (i.start - profile.startTime) / 1000;
    const task = longTaskDuring(startMs, startMs + i.durationMs, threads);
    lines.push(
      `- [${i.id}] ${quoted(i.type)} at ${timeText(profile, i.start)}: ${decimal(i.durationMs)} ms (${rate('inpMs', i.durationMs)}) = ${decimal(i.inputDelayMs)} + ${decimal(i.processingMs)} + ${decimal(i.presentationDelayMs)} ms${task ? `; long task behind it [${task}]` : ''}`,
    );
  }
  return lines;
}
