/**
 * Plain SVG charts (no chart library: three small shapes are cheaper than one dependency).
 * Sizes are SVG attributes in a viewBox, so the CSP needs no inline style and the charts
 * scale with their container. Each chart carries a text summary for screen readers.
 */
import { fmtNum } from '../format.js';

/** Colour-blind-safe palette (Okabe–Ito, darkened where needed for 3:1 contrast on white). */
export const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#7a6f00', '#6a3d9a', '#b2182b', '#4d4d4d'];

export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length];
}

export interface DayBars {
  date: string;
  by: Record<string, number>;
  total: number;
}

/**
 * Stacked bars: one bar per day, one segment per series (in `series` order, bottom first).
 * Returns an SVG with a <title> per segment ("2025-05-03 Avito: 12") for hover and a11y.
 */
export function StackedBars({ days, series, label }: { days: DayBars[]; series: string[]; label: string }) {
  const W = 720;
  const H = 220;
  const left = 36;
  const bottom = 22;
  const top = 8;
  const plotH = H - top - bottom;
  const max = Math.max(1, ...days.map((d) => d.total));
  const right = 14; // room for the last date label
  const step = (W - left - right) / Math.max(1, days.length);
  const barW = Math.max(2, step * 0.72);
  const ticks = niceTicks(max);
  const y = (v: number) => top + plotH - (v / ticks[ticks.length - 1]) * plotH;
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="xMidYMid meet">
      {ticks.map((t) => (
        <g key={t}>
          <line class="grid" x1={left} x2={W} y1={y(t)} y2={y(t)} />
          <text class="axis" x={left - 4} y={y(t) + 4} text-anchor="end">
            {fmtNum(t)}
          </text>
        </g>
      ))}
      {days.map((d, i) => {
        let acc = 0;
        const x = left + i * step + (step - barW) / 2;
        return (
          <g key={d.date} class="day">
            {series.map((s, si) => {
              const v = d.by[s] ?? 0;
              if (!v) return null;
              const y0 = y(acc);
              acc += v;
              const y1 = y(acc);
              return (
                <rect key={s} class="bar" x={x} y={y1} width={barW} height={Math.max(1, y0 - y1)} fill={seriesColor(si)}>
                  <title>{`${d.date} ${s}: ${v}`}</title>
                </rect>
              );
            })}
            {i % labelEvery(days.length) === 0 || i === days.length - 1 ? (
              <text class="axis" x={x + barW / 2} y={H - 6} text-anchor="middle">
                {d.date.slice(5)}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

function labelEvery(n: number): number {
  return n <= 10 ? 1 : n <= 20 ? 3 : 5;
}

/** 0 and up to 4 round tick values covering `max`. */
export function niceTicks(max: number): number[] {
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = 0; v < max + step; v += step) out.push(v);
  if (out.length < 2) out.push(step);
  return out;
}

export function Legend({ series, totals }: { series: string[]; totals?: Record<string, number> }) {
  return (
    <ul class="legend" aria-label="Legend">
      {series.map((s, i) => (
        <li key={s}>
          <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">
            <rect width="10" height="10" rx="2" fill={seriesColor(i)} />
          </svg>
          <bdi>{s}</bdi>
          {totals ? <span class="muted"> {fmtNum(totals[s] ?? 0)}</span> : null}
        </li>
      ))}
    </ul>
  );
}

/**
 * Horizontal bars for a breakdown (by severity, by technique): a list whose items are a label,
 * a bar scaled to the largest value and the figure. `classOf` gives a CSS class per key.
 */
export function HBars({ data, order, label, classOf }: { data: Record<string, number>; order?: readonly string[]; label: string; classOf?: (k: string) => string }) {
  const keys = order ? [...order] : Object.keys(data).sort((a, b) => (data[b] ?? 0) - (data[a] ?? 0));
  const max = Math.max(1, ...keys.map((k) => data[k] ?? 0));
  return (
    <ul class="hbars" aria-label={label}>
      {keys.map((k) => (
        <li key={k}>
          <span class="hlabel">
            <bdi>{k}</bdi>
          </span>
          <svg class="hbar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
            <rect class={classOf ? classOf(k) : 'fill'} width={((data[k] ?? 0) / max) * 100} height="10" />
          </svg>
          <span class="hval">{fmtNum(data[k] ?? 0)}</span>
        </li>
      ))}
    </ul>
  );
}

/** A sparkline of the last samples (messages/s); labelled with the latest value. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const W = 120;
  const H = 28;
  if (values.length === 0) return <span class="muted">no samples</span>;
  const max = Math.max(1, ...values);
  const pts = values.map((v, i) => `${((i / Math.max(1, values.length - 1)) * W).toFixed(1)},${(H - 2 - (v / max) * (H - 4)).toFixed(1)}`).join(' ');
  return (
    <svg class="spark" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <polyline points={pts} fill="none" />
    </svg>
  );
}
