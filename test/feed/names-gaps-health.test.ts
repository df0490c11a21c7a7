/** Unit tables for the pure parts of the feed: name sanitising, DER length check, gap tracking, feed health. */
import { describe, expect, it } from 'vitest';
import { derLengthConsistent, sanitizeName } from '../../src/feed/certstream-decode.js';
import { GapTracker } from '../../src/feed/gap-tracker.js';
import { FeedHealth } from '../../src/feed/health.js';

describe('sanitizeName', () => {
  it.each([
    ['plain', 'www.example.com', { kind: 'ok', name: 'www.example.com' }],
    ['upper case and underscore', 'A_B.Example.COM', { kind: 'ok', name: 'A_B.Example.COM' }],
    ['wildcard', '*.example.com', { kind: 'ok', name: '*.example.com' }],
    ['trailing dot', 'example.com.', { kind: 'ok', name: 'example.com.' }],
    ['punycode', 'xn--pypal-4ve.com', { kind: 'ok', name: 'xn--pypal-4ve.com' }],
    ['U-label (Cyrillic а) kept for homograph matching', 'p\u0430ypal.com', { kind: 'ok', name: 'p\u0430ypal.com' }],
    ['63-character label', 'a'.repeat(63) + '.com', { kind: 'ok', name: 'a'.repeat(63) + '.com' }],
    ['253-character name', ('a'.repeat(49) + '.').repeat(5) + 'abc', { kind: 'ok', name: ('a'.repeat(49) + '.').repeat(5) + 'abc' }],
    ['NUL', 'www.paypal.com\u0000.evil.example', { kind: 'escaped', name: 'www.paypal.com[U+0000].evil.example' }],
    ['newline', 'a\nb.example', { kind: 'escaped', name: 'a[U+000A]b.example' }],
    ['RTL override', 'abc\u202E.example', { kind: 'escaped', name: 'abc[U+202E].example' }],
    ['zero-width joiner', 'pay\u200Dpal.example', { kind: 'escaped', name: 'pay[U+200D]pal.example' }],
    ['C1 control', 'a\u0085.example', { kind: 'escaped', name: 'a[U+0085].example' }],
    ['space and slash', 'a b/c.example', { kind: 'escaped', name: 'a[U+0020]b[U+002F]c.example' }],
    ['star inside a label', 'a*.example', { kind: 'escaped', name: 'a[U+002A].example' }],
    ['astral symbol', 'a\u{1F600}.example', { kind: 'escaped', name: 'a[U+1F600].example' }],
    ['empty', '', { kind: 'drop', why: 'empty' }],
    ['only a dot', '.', { kind: 'drop', why: 'empty' }],
    ['empty label', 'a..example', { kind: 'drop', why: 'empty_label' }],
    ['leading dot', '.example.com', { kind: 'drop', why: 'empty_label' }],
    ['64-character label', 'a'.repeat(64) + '.com', { kind: 'drop', why: 'label_too_long' }],
    ['254-character name', ('a'.repeat(49) + '.').repeat(5) + 'abcd', { kind: 'drop', why: 'too_long' }],
  ])('%s', (_n, input, expected) => {
    expect(sanitizeName(input)).toEqual(expected);
  });
});

describe('derLengthConsistent', () => {
  it.each([
    ['short form', [0x30, 0x02, 0x05, 0x00], true],
    ['long form', [0x30, 0x81, 0x02, 0x05, 0x00], true],
    ['truncated', [0x30, 0x03, 0x05, 0x00], false],
    ['trailing garbage', [0x30, 0x02, 0x05, 0x00, 0x00], false],
    ['not a SEQUENCE', [0x31, 0x02, 0x05, 0x00], false],
    ['indefinite length', [0x30, 0x80, 0x00, 0x00], false],
    ['length bytes cut', [0x30, 0x82, 0x01], false],
    ['empty', [], false],
  ])('%s', (_n, bytes, ok) => {
    expect(derLengthConsistent(Uint8Array.from(bytes as number[]))).toBe(ok);
  });
});

describe('GapTracker', () => {
  const L = 'https://log.example/';

  it('counts the exact number of skipped entries once the grace period is over', () => {
    const g = new GapTracker({ graceMs: 100 });
    for (const i of [10, 11, 15, 16, 20]) g.observe(L, i, 0); // missing 12-14 and 17-19
    expect(g.sweep(50)).toEqual([]);
    expect(g.snapshot()[0]).toMatchObject({ missing: 0, pending: 6, received: 5, nextIndex: 21 });
    expect(g.sweep(100)).toEqual([{ log: L, missing: 6 }]);
    expect(g.sweep(1_000)).toEqual([]); // idempotent: nothing counted twice
    expect(g.totalMissing()).toBe(6);
  });

  it('late entries (a lagging second feed) fill a pending gap instead of being counted', () => {
    const g = new GapTracker({ graceMs: 100 });
    g.observe(L, 1, 0);
    g.observe(L, 5, 0); // 2, 3, 4 pending
    g.observe(L, 3, 10);
    g.observe(L, 2, 10);
    expect(g.sweep(200)).toEqual([{ log: L, missing: 1 }]);
    g.observe(L, 4, 300); // too late: already counted
    expect(g.totalMissing()).toBe(1);
  });

  it('keeps logs apart and ignores implausible jumps and repeats', () => {
    const g = new GapTracker({ graceMs: 0 });
    g.observe(L, 0);
    g.observe(L, 2);
    g.observe('https://other.example/', 100);
    g.observe('https://other.example/', 100_000_000); // a new log session, not a gap
    g.observe('https://other.example/', 100_000_001);
    expect(g.sweep()).toEqual([{ log: L, missing: 1 }]);
  });

  it('bounds pending gaps per log, confirming the oldest', () => {
    const g = new GapTracker({ graceMs: 1e9, maxPendingPerLog: 2 });
    g.observe(L, 0, 0);
    expect(g.observe(L, 2, 0)).toEqual([]);
    expect(g.observe(L, 4, 0)).toEqual([]);
    expect(g.observe(L, 6, 0)).toEqual([{ log: L, missing: 1 }]);
  });
});

describe('FeedHealth', () => {
  it('raises one stale alert per outage and one recovery, whatever happens in between', () => {
    const events: string[] = [];
    let now = 0;
    const h = new FeedHealth({ staleAfterMs: 100, alertAfterMs: 1_000, onEvent: (e) => events.push(e), now: () => now });
    h.setConnected('a', true);
    h.messageReceived(0);
    h.check();
    // Outage: flapping connection, no messages, many checks.
    for (now = 50; now < 5_000; now += 50) {
      h.setConnected('a', now % 200 === 0);
      h.check();
    }
    expect(events).toEqual(['feed.stale']);
    h.setConnected('a', true);
    h.messageReceived(now);
    h.check();
    for (let k = 0; k < 10; k++) h.check((now += 10));
    expect(events).toEqual(['feed.stale', 'feed.recovered']);
    // A second outage: a second pair.
    now += 2_000;
    h.check();
    h.messageReceived(now);
    h.check();
    expect(events).toEqual(['feed.stale', 'feed.recovered', 'feed.stale', 'feed.recovered']);
  });

  it('does not alert for an interruption shorter than alert_after', () => {
    const events: string[] = [];
    let now = 0;
    const h = new FeedHealth({ staleAfterMs: 100, alertAfterMs: 1_000, onEvent: (e) => events.push(e), now: () => now });
    h.setConnected('a', true);
    h.messageReceived(0);
    h.check();
    h.setConnected('a', false);
    for (now = 0; now < 900; now += 50) h.check();
    h.setConnected('a', true);
    h.messageReceived(now);
    h.check();
    expect(events).toEqual([]);
  });
});
