/**
 * Overview: what was caught in the last 30 days and for which brand (stacked bars), how severe,
 * by which technique, how much is still open, and whether the feeds and notifiers are healthy.
 */
import { api } from '../api.js';
import { Card, ErrorBox, Loading, Scroll } from '../components/bits.js';
import { HBars, Legend, Sparkline, StackedBars } from '../components/charts.js';
import { fmtAgo, fmtNum, techniqueLabel } from '../format.js';
import { useLoad } from '../load.js';
import { href } from '../router.js';
import { SEVERITIES } from '../types.js';
import type { DailyStats, FeedsJson } from '../types.js';

/**
 * The 30 days up to today; when they are empty but older hits exist (a replayed corpus, the
 * demo), the 30 days up to the newest hit instead, said above the chart.
 */
async function loadDaily(): Promise<{ stats: DailyStats; shifted: string | null }> {
  const stats = await api.daily(30);
  const first = stats.days[0]?.date;
  const latest = stats.latest?.slice(0, 10);
  if (stats.days.every((d) => d.total === 0) && latest && first && latest < first) {
    const older = await api.daily(30, latest);
    if (older.days.some((d) => d.total > 0)) return { stats: older, shifted: latest };
  }
  return { stats, shifted: null };
}

export function Overview() {
  const stats = useLoad(loadDaily, 'daily');
  const feeds = useLoad(() => api.feeds(), 'feeds');
  return (
    <>
      <h1>Overview</h1>
      <ErrorBox error={stats.error} />
      <Loading when={stats.loading && !stats.data} />
      {stats.data?.shifted ? (
        <p class="notice" role="note">
          No hits in the last 30 days. Showing the 30 days up to the newest hit ({stats.data.shifted}).
        </p>
      ) : null}
      {stats.data ? <StatsCards stats={stats.data.stats} upTo={stats.data.shifted} /> : null}
      <ErrorBox error={feeds.error} />
      {feeds.data ? <FeedCards feeds={feeds.data} /> : null}
    </>
  );
}

function StatsCards({ stats, upTo }: { stats: DailyStats; upTo: string | null }) {
  const totals: Record<string, number> = {};
  for (const d of stats.days) for (const [b, n] of Object.entries(d.by_brand)) totals[b] = (totals[b] ?? 0) + n;
  const series = Object.keys(totals).sort((a, b) => totals[b] - totals[a]);
  const sum = stats.days.reduce((a, d) => a + d.total, 0);
  const week = stats.days.slice(-7).reduce((a, d) => a + d.total, 0);
  const first = stats.days[0]?.date ?? '';
  const last = stats.days[stats.days.length - 1]?.date ?? '';
  const summary = `Hits per day by brand, ${first} to ${last}: ${series.map((s) => `${s} ${totals[s]}`).join(', ') || 'none'}`;
  const techniques: Record<string, number> = {};
  for (const [t, n] of Object.entries(stats.by_technique)) techniques[techniqueLabel(t)] = (techniques[techniqueLabel(t)] ?? 0) + n;
  return (
    <div class="grid">
      <section class="card kpis" aria-label="Totals">
        <a class="kpi" href={href('/hits', { status: 'new' })}>
          <span class="kpi-n">{fmtNum(stats.open)}</span>
          <span class="kpi-l">open (new) hits</span>
        </a>
        <div class="kpi">
          <span class="kpi-n">{fmtNum(stats.triaged)}</span>
          <span class="kpi-l">triaged</span>
        </div>
        <div class="kpi">
          <span class="kpi-n">{fmtNum(week)}</span>
          <span class="kpi-l">{upTo ? `hits in the 7 days up to ${upTo}` : 'hits in the last 7 days'}</span>
        </div>
        <div class="kpi">
          <span class="kpi-n">{fmtNum(sum)}</span>
          <span class="kpi-l">hits in {stats.days.length} days</span>
        </div>
      </section>
      <Card title={`Hits per day by brand (${stats.days.length} days)`} id="h-daily" wide>
        {sum === 0 ? <p class="muted">No hits in this period.</p> : null}
        <StackedBars days={stats.days.map((d) => ({ date: d.date, by: d.by_brand, total: d.total }))} series={series} label={summary} />
        <Legend series={series} totals={totals} />
      </Card>
      <Card title="By severity" id="h-sev">
        <HBars data={stats.by_severity} order={[...SEVERITIES].reverse()} label="Hits by severity" classOf={(k) => `fill sev-${k}`} />
      </Card>
      <Card title="By technique" id="h-tech">
        <HBars data={techniques} label="Hits by technique" />
      </Card>
      <Card title="Open vs triaged" id="h-open">
        <HBars data={{ open: stats.open, triaged: stats.triaged }} order={['open', 'triaged']} label="Open and triaged hits" classOf={(k) => `fill ${k === 'open' ? 'sev-high' : 'ok'}`} />
      </Card>
    </div>
  );
}

function FeedCards({ feeds }: { feeds: FeedsJson }) {
  return (
    <div class="grid">
      <Card title="Feeds and logs" id="h-feeds" wide>
        {feeds.feeds.length === 0 ? <p class="muted">No feed configured.</p> : null}
        <Scroll label="Feeds and logs">
          <table class="feeds">
            <thead>
              <tr>
                <th scope="col">Feed</th>
                <th scope="col">State</th>
                <th scope="col">Messages/s (5 min)</th>
                <th scope="col">Lag</th>
                <th scope="col">Gaps</th>
                <th scope="col">Last contact</th>
              </tr>
            </thead>
            <tbody>
              {feeds.feeds.map((f) => (
                <tr key={f.id}>
                  <th scope="row">
                    <bdi class="clip">{f.id}</bdi>
                    <div class="muted small sub">
                      {f.kind} <bdi class="clip">{f.url}</bdi>
                    </div>
                  </th>
                  <td>
                    <span class={f.connected ? 'dot ok' : 'dot bad'} aria-hidden="true" />
                    {f.connected ? 'connected' : 'disconnected'}
                    {f.error ? <div class="small bad-text">{f.error}</div> : null}
                  </td>
                  <td>
                    <Sparkline values={f.rate} label={`${f.id}: last ${fmtNum(f.rate[f.rate.length - 1] ?? 0, 1)} messages per second`} />
                    <span class="small"> {fmtNum(f.rate[f.rate.length - 1] ?? 0, 1)}/s</span>
                  </td>
                  <td>{f.lag === null ? '–' : fmtNum(f.lag)}</td>
                  <td class={f.gaps > 0 ? 'bad-text' : ''}>{fmtNum(f.gaps)}</td>
                  <td>{fmtAgo(f.last_contact)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      </Card>
      <Card title="Alert delivery (outbox)" id="h-outbox">
        {feeds.outbox.length === 0 ? <p class="muted">No notifier configured.</p> : null}
        <table>
          <thead>
            <tr>
              <th scope="col">Notifier</th>
              <th scope="col">Pending</th>
              <th scope="col">Dead</th>
            </tr>
          </thead>
          <tbody>
            {feeds.outbox.map((o) => (
              <tr key={o.notifier}>
                <th scope="row">
                  <bdi>{o.notifier}</bdi>
                </th>
                <td>{fmtNum(o.pending)}</td>
                <td class={o.dead > 0 ? 'bad-text' : ''}>{fmtNum(o.dead)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}
