/**
 * What happens to one CertStream text frame before the processor sees it: decode, count what was
 * bad or skipped, drop the copy a redundant feed already delivered, account for gaps per log,
 * and queue the event. Shared by the WebSocket clients and the replay source.
 */
import { decodeCertstreamText } from './certstream-decode.js';
import type { RecentKeys } from './dedup.js';
import type { GapTracker } from './gap-tracker.js';
import type { FeedHealth } from './health.js';
import type { Intake } from './intake.js';
import type { FeedObserver, TextResult } from './observer.js';

export interface TextHandlerDeps {
  intake: Intake;
  health: FeedHealth;
  observer: FeedObserver;
  gaps: GapTracker;
  recent: RecentKeys;
  maxNames: number;
  /** Entries newly confirmed missing (for the per-log metric). */
  onGaps: (confirmed: { log: string; missing: number }[]) => void;
  /** The same log entry already came from another feed: counted, not logged. */
  onDuplicate: () => void;
}

/** Returns the handler sources call per text frame. It never throws; it returns the frame's type. */
export function createTextHandler(d: TextHandlerDeps): (source: string, text: string, receivedAt: number) => TextResult {
  return (source, text, receivedAt) => {
    if (d.intake.full) {
      // Dropped unread: decoding what cannot be queued would take the time processing needs
      // to catch up. The stream is alive (not stale). Entries skipped this way also show as
      // missing in their log's gap count, since their index was never read.
      d.observer.dropped(source, 'overload', { detail: 'queue full; frame dropped before decoding' });
      d.health.messageReceived(receivedAt);
      return 'unparsed';
    }
    const r = decodeCertstreamText(text, { source, maxNames: d.maxNames, receivedAt });
    switch (r.kind) {
      case 'heartbeat':
        d.observer.message(source, 'heartbeat');
        return 'heartbeat';
      case 'ignored':
        d.observer.message(source, 'other');
        return 'other';
      case 'bad': {
        const where = { logUrl: r.logUrl, index: r.index };
        d.observer.dropped(source, r.reason, { ...where, detail: r.detail });
        if (r.badNames) d.observer.dropped(source, 'bad_name', { ...where, detail: 'names longer than DNS allows dropped' }, r.badNames);
        return null;
      }
      case 'cert': {
        const ev = r.event;
        d.observer.message(source, r.messageType);
        d.health.messageReceived(receivedAt);
        const where = { logUrl: ev.logUrl, index: ev.index };
        if (r.truncatedNames) d.observer.dropped(source, 'too_many_names', { ...where, detail: 'names beyond feed.max_names ignored' }, r.truncatedNames);
        if (r.badNames) d.observer.dropped(source, 'bad_name', { ...where, detail: 'names longer than DNS allows dropped' }, r.badNames);
        if (r.escapedNames) d.observer.dropped(source, 'escaped_name', { ...where, detail: 'names with non-hostname characters escaped, still matched' }, r.escapedNames);
        if (r.warning) d.observer.dropped(source, r.warning, { ...where, detail: 'as_der unusable; matching the message names only' });
        if (ev.logUrl !== null && ev.index !== null) {
          if (d.recent.seen(ev.logUrl, ev.index)) {
            d.onDuplicate();
            return r.messageType;
          }
          d.onGaps(d.gaps.observe(ev.logUrl, ev.index, receivedAt));
        }
        d.intake.push(ev);
        return r.messageType;
      }
    }
  };
}
