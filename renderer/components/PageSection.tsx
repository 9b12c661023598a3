// The summary panel's "Page" section: per navigation its URL and metrics with
// their rating (in words and colour), the LCP breakdown and element, the
// render-blocking and slowest requests, the worst layout shift cluster and
// the slowest interaction; what the trace lacks as a note; and the item
// selected in the page track, described. Every item is a button that selects
// it in the page track and zooms the chart to it.
import type { ReactNode } from 'react';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { MetricRating, PageInsights, PageMilestone, PageNavigation } from '../../shared-importer/src/page/page-types.ts';
import { formatMilliseconds, formatWeight } from '../format/units.ts';
import { pageItem, requestEnd } from '../page-track/page-items.ts';
import { navigationHighlights, recordingHighlights, shortUrl, type NavigationHighlights } from '../page-track/page-highlights.ts';
import { showPageItem } from '../state/navigation.ts';
import { useViewStore } from '../state/view-store.ts';
import { PageItemDetails, Rating } from './PageItemDetails.tsx';
import { Section } from './SummarySection.tsx';

export function PageSection({ profile, page }: { profile: Profile; page: PageInsights }) {
  const selected = useViewStore((s) => s.selectedPageItem);
  return <PageSectionView profile={profile} page={page} selected={selected} />;
}

/** The section for a given selection (the page item selected, or null). */
export function PageSectionView({ profile, page, selected }: { profile: Profile; page: PageInsights; selected: string | null }) {
  const item = selected ? pageItem(page, selected) : null;
  return (
    <Section title="Page" count={page.navigations.length} testId="summary-page">
      {page.missing.length > 0 && (
        <ul className="trace-warnings page-missing" data-testid="page-missing">
          {page.missing.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      {page.navigations.map((nav) => (
        <NavigationView key={nav.id} profile={profile} page={page} nav={nav} selected={selected} />
      ))}
      {page.navigations.length === 0 && (
        <div className="page-navigation" data-testid="page-recording">
          <p className="muted">No navigation in this recording; over all of it:</p>
          <HighlightLists profile={profile} page={page} highlights={recordingHighlights(page)} selected={selected} />
        </div>
      )}
      {item && (
        <div className="page-selected" aria-live="polite" data-testid="page-selected">
          <h4>Selected in the page track</h4>
          <PageItemDetails page={page} unit={profile.unit} subject={item} origin={profile.startTime} />
        </div>
      )}
    </Section>
  );
}

function NavigationView({ profile, page, nav, selected }: { profile: Profile; page: PageInsights; nav: PageNavigation; selected: string | null }) {
  const highlights = navigationHighlights(page, nav);
  const show = (id: string) => showPageItem(profile, id, useViewStore.getState().threadId);
  const lcp = nav.lcp;
  return (
    <div className="page-navigation" data-testid="page-navigation" data-navigation-id={nav.id}>
      <ul className="summary-list">
        <ItemButton id={nav.id} selected={selected} onShow={show} title={nav.url} name={nav.url || nav.id} value={nav.id} />
      </ul>
      <dl className="summary-facts page-metrics" data-testid="page-metrics">
        <Metric label="FCP" milestone={nav.fcp} />
        <Metric label="LCP" milestone={lcp} />
        <Metric label="DCL" milestone={nav.dcl} />
        <Metric label="Load" milestone={nav.load} />
        {nav.cls && <MetricValue label="CLS" value={nav.cls.score.toFixed(3)} rating={nav.cls.rating} />}
        {nav.inp && <MetricValue label="INP" value={formatMilliseconds(nav.inp.durationMs)} rating={nav.inp.rating} />}
      </dl>
      {lcp?.breakdown && (
        <>
          <h4>LCP breakdown</h4>
          <dl className="summary-facts" data-testid="page-lcp-breakdown">
            <dt>Time to first byte</dt>
            <dd>{formatMilliseconds(lcp.breakdown.ttfbMs)}</dd>
            <dt>Resource load delay</dt>
            <dd>{formatMilliseconds(lcp.breakdown.loadDelayMs)}</dd>
            <dt>Resource load duration</dt>
            <dd>{formatMilliseconds(lcp.breakdown.loadDurationMs)}</dd>
            <dt>Element render delay</dt>
            <dd>{formatMilliseconds(lcp.breakdown.renderDelayMs)}</dd>
            {lcp.element && (
              <>
                <dt>Element</dt>
                <dd className="page-lcp-element">{lcp.element}</dd>
              </>
            )}
          </dl>
        </>
      )}
      {!lcp?.breakdown && lcp?.element && <p className="muted">LCP element: {lcp.element}</p>}
      {lcp?.requestId && (
        <ItemList title="LCP image">
          <RequestButton profile={profile} page={page} id={lcp.requestId} selected={selected} onShow={show} />
        </ItemList>
      )}
      <HighlightLists profile={profile} page={page} highlights={highlights} selected={selected} nav={nav} />
    </div>
  );
}

/** Render-blocking and slowest requests, the worst shift cluster, the slowest interaction; ratings from the navigation when there is one. */
function HighlightLists({
  profile,
  page,
  highlights,
  selected,
  nav,
}: {
  profile: Profile;
  page: PageInsights;
  highlights: NavigationHighlights;
  selected: string | null;
  nav?: PageNavigation;
}) {
  const show = (id: string) => showPageItem(profile, id, useViewStore.getState().threadId);
  const duration = (start: number, end: number) => formatWeight(end - start, profile.unit);
  return (
    <>
      {highlights.renderBlocking.length > 0 && (
        <ItemList title={`Render-blocking requests (${highlights.renderBlocking.length})`} testId="page-render-blocking">
          {highlights.renderBlocking.map((r) => (
            <RequestButton key={r.id} profile={profile} page={page} id={r.id} selected={selected} onShow={show} />
          ))}
        </ItemList>
      )}
      {highlights.slowestRequests.length > 0 && (
        <ItemList title="Slowest requests" testId="page-slowest-requests">
          {highlights.slowestRequests.map((r) => (
            <RequestButton key={r.id} profile={profile} page={page} id={r.id} selected={selected} onShow={show} />
          ))}
        </ItemList>
      )}
      {highlights.worstCluster && (
        <ItemList title="Worst layout shift cluster">
          <ItemButton
            id={highlights.worstCluster.id}
            selected={selected}
            onShow={show}
            name={`${highlights.worstCluster.id} · ${highlights.worstCluster.shifts.length} shifts`}
            value={
              <>
                {highlights.worstCluster.score.toFixed(3)} {nav?.cls && <Rating rating={nav.cls.rating} />}
              </>
            }
          />
        </ItemList>
      )}
      {highlights.slowestInteraction && (
        <ItemList title="Slowest interaction">
          <ItemButton
            id={highlights.slowestInteraction.id}
            selected={selected}
            onShow={show}
            name={`${highlights.slowestInteraction.id} · ${highlights.slowestInteraction.type}`}
            value={
              <>
                {duration(highlights.slowestInteraction.start, highlights.slowestInteraction.end)}
                {nav?.inp && nav.inp.interactionId === highlights.slowestInteraction.id && (
                  <>
                    {' '}
                    <Rating rating={nav.inp.rating} />
                  </>
                )}
              </>
            }
          />
        </ItemList>
      )}
    </>
  );
}

function Metric({ label, milestone }: { label: string; milestone: PageMilestone | undefined }) {
  if (!milestone) return null;
  return <MetricValue label={label} value={formatMilliseconds(milestone.ms)} rating={milestone.rating} />;
}

function MetricValue({ label, value, rating }: { label: string; value: string; rating?: MetricRating }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={`page-metric-${label.toLowerCase()}`}>
        {value} {rating && <Rating rating={rating} />}
      </dd>
    </>
  );
}

function ItemList({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <h4>{title}</h4>
      <ol className="summary-list" data-testid={testId}>
        {children}
      </ol>
    </>
  );
}

function RequestButton({
  profile,
  page,
  id,
  selected,
  onShow,
}: {
  profile: Profile;
  page: PageInsights;
  id: string;
  selected: string | null;
  onShow: (id: string) => void;
}) {
  const item = pageItem(page, id);
  if (item?.kind !== 'request') return null;
  const r = item.request;
  return (
    <ItemButton
      id={id}
      selected={selected}
      onShow={onShow}
      title={r.url}
      name={`${id} · ${shortUrl(r.url)}`}
      value={formatWeight(requestEnd(r) - r.start, profile.unit)}
    />
  );
}

function ItemButton({
  id,
  selected,
  onShow,
  name,
  value,
  title,
}: {
  id: string;
  selected: string | null;
  onShow: (id: string) => void;
  name: ReactNode;
  value: ReactNode;
  title?: string;
}) {
  const current = id === selected;
  return (
    <li>
      <button
        type="button"
        className={`summary-item${current ? ' current' : ''}`}
        aria-pressed={current}
        onClick={() => onShow(id)}
        title={title}
        data-testid="page-item"
        data-item-id={id}
      >
        <span className="item-name">{name}</span>
        <span className="item-value">{value}</span>
      </button>
    </li>
  );
}
