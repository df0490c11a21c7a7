/**
 * Hits: the filtered, sorted, paged table with bulk triage, export links of the filtered set and
 * a live "N new" indicator fed by the server's event stream. Filters live in the URL hash so a
 * view can be reloaded or shared.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type HitFilters } from '../api.js';
import { ErrorBox, Loading } from '../components/bits.js';
import { HitsTable, type SortKey } from '../components/HitsTable.js';
import { fmtNum, statusLabel, techniqueLabel } from '../format.js';
import { useLoad } from '../load.js';
import { replaceRoute, type Route } from '../router.js';
import { SEVERITIES, STATUSES, type HitJson, type Severity } from '../types.js';

/**
 * The technique filter's choices: the matcher's techniques (src/match, store/hit-store.ts) plus
 * any other seen on the page. A fixed list, so the filter needs no count query over the store.
 */
const KNOWN_TECHNIQUES = [
  'keyword',
  'combosquat',
  'subdomain-embedding',
  'tld-swap',
  'homograph',
  'typosquat:edit-distance',
  'typosquat:homoglyph',
  'typosquat:cyrillic',
  'typosquat:dictionary',
  'typosquat:hyphenation',
  'typosquat:subdomain',
  'typosquat:embedded',
  'typosquat:various',
  'own-domain',
  'own-domain:new-name',
  'own-domain:unexpected-issuer',
];

const FILTER_KEYS = ['brand', 'severity', 'status', 'technique', 'since', 'until', 'q', 'sort', 'order'] as const;
const RANGES: [string, string][] = [
  ['', 'Any time'],
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
];

function filtersOf(route: Route): HitFilters {
  const f: HitFilters = {};
  for (const k of FILTER_KEYS) {
    const v = route.query.get(k);
    if (v) f[k] = v;
  }
  return f;
}

export function Hits({ route }: { route: Route }) {
  const filters = filtersOf(route);
  const key = JSON.stringify(filters);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  // The cursors of the pages walked so far, for "Previous page"; a filter change starts over.
  const [pages, setPages] = useState<{ key: string; cursors: (string | null)[] }>({ key, cursors: [null] });
  const cursors = pages.key === key ? pages.cursors : [null];
  const setCursors = (f: (c: (string | null)[]) => (string | null)[]) => setPages({ key, cursors: f(cursors) });
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(() => api.hits(filters, cursor), key + '|' + cursor);
  // The brand list comes from the rules, asked for only once the first page is on screen: the
  // server answers one query at a time, and the hits come first.
  const rules = useLoad(() => (page.data ? api.rules() : Promise.resolve(undefined)), page.data ? 'rules' : 'later');
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [message, setMessage] = useState('');
  const [fresh, setFresh] = useState(0);
  const [busy, setBusy] = useState(false);

  // A filter change clears the selection (the selected rows may not be shown any more) and the
  // "N new" count (the page is fetched again anyway).
  useEffect(() => {
    setSelected(new Set());
    setFresh(0);
  }, [key]);

  // New hits arrive over Server-Sent Events; count them, let the analyst choose when to reload.
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource(api.eventsUrl);
    es.addEventListener('hit', (ev) => {
      try {
        if (matchesFilters(JSON.parse((ev as MessageEvent<string>).data) as HitJson, filtersRef.current)) setFresh((n) => n + 1);
      } catch {
        /* a malformed event is not a new hit */
      }
    });
    return () => es.close();
  }, []);

  const set = (patch: Partial<HitFilters>) => {
    const next: Record<string, string | undefined> = { ...filters, ...patch };
    replaceRoute('/hits', next);
  };
  const showFresh = () => {
    setFresh(0);
    setCursors(() => [null]);
    page.reload();
  };
  const bulk = async (action: 'ack' | 'fp' | 'reopen') => {
    const ids = [...selected];
    if (!ids.length) return;
    setBusy(true);
    try {
      const r = await api.bulkTriage(ids, action);
      setMessage(`${fmtNum(r.updated)} hit${r.updated === 1 ? '' : 's'} marked ${action === 'ack' ? 'acknowledged' : action === 'fp' ? 'false positive' : 'new'}.`);
      setSelected(new Set());
      page.reload();
    } catch (e) {
      setMessage(`Triage failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  const onSort = (k: SortKey) => {
    const cur = (filters.sort ?? 'first_seen') as SortKey;
    const order = cur === k && (filters.order ?? 'desc') === 'desc' ? 'asc' : 'desc';
    set({ sort: k, order });
  };

  const hits = page.data?.hits ?? [];
  const brands = rules.data?.brands.map((b) => b.name) ?? [];
  const techniques = [...new Set([...KNOWN_TECHNIQUES, ...hits.map((h) => h.technique)])].sort();
  const custom = !!filters.until || (!!filters.since && !RANGES.some(([v]) => v === filters.since));
  const [rangeCustom, setRangeCustom] = useState(custom);

  return (
    <>
      <div class="titlebar">
        <h1>Hits</h1>
        <div aria-live="polite" class="live">
          {fresh > 0 ? (
            <button type="button" class="fresh" onClick={showFresh}>
              {fmtNum(fresh)} new — show
            </button>
          ) : null}
        </div>
      </div>
      <form
        class="filters"
        role="search"
        aria-label="Filter hits"
        onSubmit={(e) => {
          e.preventDefault();
          const q = (e.currentTarget.elements.namedItem('q') as HTMLInputElement).value.trim();
          // The server searches a trigram index: fewer than 3 characters cannot be looked up.
          if (q.length > 0 && q.length < 3) return setMessage('Type at least 3 characters to search names.');
          setMessage('');
          set({ q: q || undefined });
        }}
      >
        <label>
          Brand
          <select name="brand" value={filters.brand ?? ''} onChange={(e) => set({ brand: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">All brands</option>
            {brands.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
            {filters.brand && !brands.includes(filters.brand) ? <option value={filters.brand}>{filters.brand}</option> : null}
          </select>
        </label>
        <label>
          Severity (at least)
          <select name="severity" value={filters.severity ?? ''} onChange={(e) => set({ severity: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">Any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" value={filters.status ?? ''} onChange={(e) => set({ status: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Technique
          <select name="technique" value={filters.technique ?? ''} onChange={(e) => set({ technique: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">Any</option>
            {techniques.map((t) => (
              <option key={t} value={t}>
                {techniqueLabel(t)}
              </option>
            ))}
            {filters.technique && !techniques.includes(filters.technique) ? <option value={filters.technique}>{techniqueLabel(filters.technique)}</option> : null}
          </select>
        </label>
        <label>
          Time range
          <select
            name="range"
            value={rangeCustom ? 'custom' : (filters.since ?? '')}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              setRangeCustom(v === 'custom');
              if (v !== 'custom') set({ since: v || undefined, until: undefined });
            }}
          >
            {RANGES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
            <option value="custom">Custom dates…</option>
          </select>
        </label>
        {rangeCustom ? (
          <>
            <label>
              From
              <input type="date" name="since" value={filters.since?.slice(0, 10) ?? ''} onChange={(e) => set({ since: (e.target as HTMLInputElement).value || undefined })} />
            </label>
            <label>
              To
              <input type="date" name="until" value={filters.until?.slice(0, 10) ?? ''} onChange={(e) => set({ until: (e.target as HTMLInputElement).value || undefined })} />
            </label>
          </>
        ) : null}
        <label class="grow">
          Name contains
          <input type="search" name="q" defaultValue={filters.q ?? ''} placeholder="e.g. paypal (3+ characters)" autocomplete="off" spellcheck={false} />
        </label>
        <button type="submit">Search</button>
        {Object.keys(filters).length ? (
          <button type="button" class="link" onClick={() => replaceRoute('/hits')}>
            Clear filters
          </button>
        ) : null}
      </form>

      <div class="toolbar" role="toolbar" aria-label="Actions on selected hits">
        <span class="muted">{selected.size ? `${fmtNum(selected.size)} selected` : 'Select hits to triage them'}</span>
        <button type="button" disabled={!selected.size || busy} onClick={() => bulk('ack')}>
          Acknowledge
        </button>
        <button type="button" disabled={!selected.size || busy} onClick={() => bulk('fp')}>
          False positive
        </button>
        <button type="button" disabled={!selected.size || busy} onClick={() => bulk('reopen')}>
          Reopen
        </button>
        <span class="spacer" />
        <a class="button" href={api.exportUrl(filters, 'csv')} download>
          Export CSV
        </a>
        <a class="button" href={api.exportUrl(filters, 'json')} download>
          Export JSON
        </a>
      </div>
      <p role="status" class="msg">
        {message}
      </p>

      <ErrorBox error={page.error} />
      <Loading when={page.loading && !page.data} />
      {page.data && hits.length === 0 ? (
        <p class="empty">
          {page.data.next
            ? 'No match in this part of the store (a name search looks through a bounded slice per page). Use "Next page" to search on.'
            : 'No hits match these filters.'}
        </p>
      ) : null}
      {hits.length ? (
        <HitsTable
          hits={hits}
          caption="Hits matching the filters"
          selected={selected}
          onToggle={(id, on) =>
            setSelected((s) => {
              const n = new Set(s);
              if (on) n.add(id);
              else n.delete(id);
              return n;
            })
          }
          onToggleAll={(on) => setSelected(on ? new Set(hits.map((h) => h.id)) : new Set())}
          sort={(filters.sort ?? 'first_seen') as SortKey}
          order={(filters.order ?? 'desc') as 'asc' | 'desc'}
          onSort={onSort}
        />
      ) : null}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous page
        </button>
        <span class="muted">Page {cursors.length}</span>
        <button type="button" disabled={!page.data?.next} onClick={() => page.data?.next && setCursors((c) => [...c, page.data!.next])}>
          Next page
        </button>
      </nav>
    </>
  );
}

/**
 * Whether a hit pushed by the event stream belongs in the current view (so "N new" counts only
 * those): suppressed hits never; brand, minimum severity, status, technique and name text as the
 * server filters them. Time filters are ignored (a new hit is always inside "since").
 */
export function matchesFilters(h: HitJson, f: HitFilters): boolean {
  if (h.suppressed) return false;
  if (f.brand && h.brand !== f.brand) return false;
  if (f.severity && SEVERITIES.indexOf(h.severity) < SEVERITIES.indexOf(f.severity as Severity)) return false;
  if (f.status && h.status !== f.status) return false;
  if (f.technique && h.technique !== f.technique) return false;
  if (f.q) {
    const q = f.q.toLowerCase();
    if (![h.name, ...(h.names ?? [])].some((n) => n.toLowerCase().includes(q))) return false;
  }
  return true;
}
