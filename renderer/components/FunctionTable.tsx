// Every function that ran on the thread with its self and total weight,
// sortable, filtered by the search box, virtualised (only rows in view exist
// in the DOM) so tens of thousands of functions scroll smoothly.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { FunctionStats } from '../../shared-importer/src/model/call-tree.ts';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import { formatPercent, formatWeight } from '../format/units.ts';
import { searchMatches } from '../profile-views/search-matches.ts';
import { useViewStore, type SandwichSortKey } from '../state/view-store.ts';

const ROW_PX = 24;
const OVERSCAN = 8;

export function sortedFunctionRows(
  stats: FunctionStats,
  names: readonly string[],
  key: SandwichSortKey,
  descending: boolean,
  matches: Uint8Array | null,
): Uint32Array {
  const rows: number[] = [];
  for (let f = 0; f < stats.total.length; f++) {
    if (stats.total[f] > 0 || stats.self[f] > 0) if (!matches || matches[f]) rows.push(f);
  }
  const sign = descending ? -1 : 1;
  const byName = (a: number, b: number) => names[a].localeCompare(names[b]);
  rows.sort(key === 'name' ? (a, b) => sign * byName(a, b) || a - b : (a, b) => sign * (stats[key][a] - stats[key][b]) || byName(a, b) || a - b);
  return Uint32Array.from(rows);
}

export function FunctionTable({ profile, stats, busy }: { profile: Profile; stats: FunctionStats; busy: number }) {
  const sort = useViewStore((s) => s.sandwichSort);
  const search = useViewStore((s) => s.search);
  const selectedFrame = useViewStore((s) => s.selectedFrame);
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const rows = useMemo(
    () => sortedFunctionRows(stats, profile.frames.names, sort.key, sort.descending, searchMatches(profile.frames, search).matches),
    [stats, profile, sort, search],
  );

  useEffect(() => {
    const el = scroller.current!;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Keep the selected row in view when the selection comes from elsewhere.
  useEffect(() => {
    const el = scroller.current;
    if (!el || selectedFrame < 0) return;
    const index = rows.indexOf(selectedFrame);
    if (index < 0) return;
    const top = index * ROW_PX;
    if (top < el.scrollTop || top + ROW_PX > el.scrollTop + el.clientHeight) el.scrollTop = top - el.clientHeight / 2;
  }, [selectedFrame, rows]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_PX) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_PX) + OVERSCAN);
  const store = useViewStore.getState();
  const header = (key: SandwichSortKey, label: string) => (
    <button
      type="button"
      className={`th th-${key}`}
      role="columnheader"
      aria-sort={sort.key === key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      onClick={() => store.sandwichSorted(key)}
      data-testid={`sort-${key}`}
    >
      {label}
      {sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : ''}
    </button>
  );
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
    event.preventDefault();
    if (rows.length === 0) return;
    const index = rows.indexOf(selectedFrame);
    const next =
      event.key === 'Home' ? 0 : event.key === 'End' ? rows.length - 1 : Math.min(rows.length - 1, Math.max(0, index + (event.key === 'ArrowDown' ? 1 : -1)));
    store.functionSelected(rows[next]);
  };

  const items = [];
  for (let i = first; i < last; i++) {
    const f = rows[i];
    const selected = f === selectedFrame;
    items.push(
      <div
        key={f}
        role="row"
        aria-selected={selected}
        className={`function-row${selected ? ' selected' : ''}`}
        style={{ top: i * ROW_PX }}
        onClick={() => store.functionSelected(f)}
        data-testid="function-row"
        data-function-id={profile.frames.idOf(f)}
      >
        <span role="cell" className="td num">
          {formatWeight(stats.self[f], profile.unit)} <span className="muted">{formatPercent(stats.self[f], busy)}</span>
        </span>
        <span role="cell" className="td num">
          {formatWeight(stats.total[f], profile.unit)} <span className="muted">{formatPercent(stats.total[f], busy)}</span>
        </span>
        <span role="cell" className="td name" title={profile.frames.names[f]}>
          {profile.frames.names[f]}
        </span>
      </div>,
    );
  }
  return (
    <div className="function-table" role="table" aria-label="Functions by self and total time" aria-rowcount={rows.length}>
      <div className="function-table-head" role="row">
        {header('self', 'Self')}
        {header('total', 'Total')}
        {header('name', 'Function')}
      </div>
      <div
        className="function-table-body"
        ref={scroller}
        tabIndex={0}
        aria-label="Function list; arrow keys move the selection"
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onKeyDown={onKeyDown}
        data-testid="function-table"
      >
        <div style={{ height: rows.length * ROW_PX, position: 'relative' }}>{items}</div>
        {rows.length === 0 && <p className="muted table-empty">No functions match.</p>}
      </div>
    </div>
  );
}
