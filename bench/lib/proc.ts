/** Reading another process's CPU time and memory from /proc (Linux), and scraping /metrics. */
import fs from 'node:fs';

const CLK_TCK = 100;

/** User + system CPU seconds used so far by `pid`. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Resident set size of `pid` in MB: now, or (`peak`) the highest it has been since start (VmHWM). */
export function rssMb(pid: number, peak = false): number {
  const field = peak ? 'VmHWM' : 'VmRSS';
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
}

/** Machine-wide CPU ticks from /proc/stat: all of them, and those the hypervisor gave to others ("steal"). */
function machineTicks(): { steal: number; total: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { steal: f[7] ?? 0, total: f.reduce((a, b) => a + b, 0) };
}

/**
 * Starts measuring; the returned function gives the share of this virtual machine's CPU time the
 * hypervisor gave to other guests since then (0.02 = 2 %). A phase with much steal has longer
 * latency tails and fewer operations per CPU-second, whatever the code.
 */
export function stealMeter(): () => number {
  const t0 = machineTicks();
  return () => {
    const t1 = machineTicks();
    return Math.round(((t1.steal - t0.steal) / Math.max(1, t1.total - t0.total)) * 1000) / 1000;
  };
}

/** Sum of a metric's samples whose labels contain `labelFilter` (e.g. 'reason="overload"'). */
export function metricValue(text: string, name: string, labelFilter = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    if (labelFilter && !rest.includes(labelFilter)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** A Prometheus histogram's cumulative buckets, in order: upper bound (seconds) and count. */
export function histogramBuckets(text: string, name: string): { le: number; count: number }[] {
  const buckets: { le: number; count: number }[] = [];
  const re = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`);
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (m) buckets.push({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[2]) });
  }
  return buckets;
}

export async function scrape(base: string): Promise<string> {
  return (await fetch(`${base}/metrics`)).text();
}
