/** The hits table shared by the Hits and Own domains views. Names link by id, never by name. */
import type { HitJson } from '../types.js';
import { fmtTime, techniqueLabel } from '../format.js';
import { href } from '../router.js';
import { Name } from './Name.js';
import { Scroll, SeverityBadge, StatusBadge } from './bits.js';

export type SortKey = 'first_seen' | 'score' | 'severity';

export interface HitsTableProps {
  hits: HitJson[];
  caption: string;
  selected?: Set<number>;
  onToggle?: (id: number, on: boolean) => void;
  onToggleAll?: (on: boolean) => void;
  sort?: SortKey;
  order?: 'asc' | 'desc';
  onSort?: (k: SortKey) => void;
}

export function HitsTable(p: HitsTableProps) {
  const selectable = !!p.selected && !!p.onToggle;
  const allOn = selectable && p.hits.length > 0 && p.hits.every((h) => p.selected!.has(h.id));
  const sortTh = (k: SortKey, label: string, cls: string) => {
    const active = p.sort === k;
    const aria = active ? (p.order === 'asc' ? 'ascending' : 'descending') : undefined;
    if (!p.onSort)
      return (
        <th scope="col" class={cls}>
          {label}
        </th>
      );
    return (
      <th scope="col" class={cls} aria-sort={aria}>
        <button type="button" class="sort" onClick={() => p.onSort!(k)}>
          {label}
          <span aria-hidden="true">{active ? (p.order === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
        </button>
      </th>
    );
  };
  return (
    <Scroll label={p.caption}>
      <table class="hits">
        <caption class="sr-only">{p.caption}</caption>
        <thead>
          <tr>
            {selectable ? (
              <th scope="col" class="sel">
                <input type="checkbox" aria-label="Select every hit on this page" checked={allOn} onChange={(e) => p.onToggleAll?.((e.target as HTMLInputElement).checked)} />
              </th>
            ) : null}
            <th scope="col" class="namecol">
              Name
            </th>
            <th scope="col" class="c-brand">
              Brand / watch
            </th>
            {sortTh('severity', 'Severity', 'c-sev')}
            {sortTh('score', 'Score', 'c-score')}
            <th scope="col" class="c-tech">
              Technique
            </th>
            <th scope="col" class="c-status">
              Status
            </th>
            {sortTh('first_seen', 'First seen (UTC)', 'c-time')}
          </tr>
        </thead>
        <tbody>
          {p.hits.map((h) => (
            <tr key={h.id} data-hit-id={h.id} class={p.selected?.has(h.id) ? 'picked' : ''}>
              {selectable ? (
                <td class="sel">
                  <input type="checkbox" aria-label={`Select hit ${h.id}`} checked={p.selected!.has(h.id)} onChange={(e) => p.onToggle!(h.id, (e.target as HTMLInputElement).checked)} />
                </td>
              ) : null}
              <td class="namecol">
                <a href={href(`/hits/${h.id}`)} class="hitlink">
                  <Name name={h.name} clip />
                </a>
              </td>
              <td class="brand">
                <bdi>{h.brand ?? h.watch ?? '–'}</bdi>
              </td>
              <td>
                <SeverityBadge severity={h.severity} />
              </td>
              <td class="num">{h.score}</td>
              <td class="technique">{techniqueLabel(h.technique)}</td>
              <td>
                <StatusBadge status={h.status} suppressed={h.suppressed} />
              </td>
              <td class="time">{fmtTime(h.first_seen, false)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}
