/**
 * The enrichment work queue: bounded, first in first out, and when full it drops the oldest work
 * of the lowest severity first (a new low-severity job is dropped rather than displacing a more
 * severe one). Pure data structure, no I/O.
 */
import { severityRank, type Severity } from '../match/types.js';

export interface EnrichJob {
  hitId: number;
  /** 0 = the first look; 1.. = re-checks. */
  round: number;
  severity: Severity;
}

export class EnrichQueue {
  private items: EnrichJob[] = [];

  constructor(private readonly max: number) {}

  /** Adds `job`. Returns the job dropped to make room (possibly `job` itself), or null. */
  push(job: EnrichJob): EnrichJob | null {
    if (this.items.some((j) => j.hitId === job.hitId && j.round === job.round)) return null;
    if (this.items.length < this.max) {
      this.items.push(job);
      return null;
    }
    let victim = 0;
    for (let i = 1; i < this.items.length; i++) if (severityRank(this.items[i]!.severity) < severityRank(this.items[victim]!.severity)) victim = i;
    if (severityRank(job.severity) < severityRank(this.items[victim]!.severity)) return job;
    const [dropped] = this.items.splice(victim, 1);
    this.items.push(job);
    return dropped!;
  }

  shift(): EnrichJob | undefined {
    return this.items.shift();
  }

  get length(): number {
    return this.items.length;
  }
}
