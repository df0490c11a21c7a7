import { describe, expect, it } from 'vitest';
import { renderAlert } from '../../src/notify/format/render.js';
import { plainTextBody } from '../../src/notify/format/text.js';
import { discordPayload } from '../../src/notify/providers/discord.js';
import { emailHtml, emailSubject } from '../../src/notify/providers/email.js';
import { slackPayload } from '../../src/notify/providers/slack.js';
import { teamsPayload } from '../../src/notify/providers/teams.js';
import type { AlertMessage } from '../../src/notify/types.js';
import { HOSTILE_NAME, hitsMessage, makeHit } from './helpers.js';

describe('renderAlert titles', () => {
  it.each([
    ['one brand hit', [makeHit()], false, 'HIGH PayPal: 1 look-alike certificate'],
    ['three brand hits, max severity wins', [makeHit({ severity: 'low' }), makeHit({ severity: 'critical' }), makeHit()], false, 'CRITICAL PayPal: 3 look-alike certificates'],
    ['watch item', [makeHit({ brand: null, watch: '.example.com', severity: 'medium' })], false, 'MEDIUM .example.com: 1 certificate issued'],
    ['mixed brands', [makeHit(), makeHit({ brand: 'ACME' })], false, 'HIGH 2 suspicious certificates'],
    ['test', [makeHit()], true, 'TEST HIGH PayPal: 1 look-alike certificate'],
    ['brand with control chars', [makeHit({ brand: 'Pay\u202EPal' })], false, 'HIGH Pay\\u{202E}Pal: 1 look-alike certificate'],
  ])('%s', (_label, hits, test, title) => {
    expect(renderAlert(hitsMessage(hits, 'x', test), 10).title).toBe(title);
  });

  it.each([
    [4, 5, 4, 0],
    [15, 5, 5, 10],
    [1, 1, 1, 0],
    [3, 0, 1, 2],
  ])('%i hits with maxHits %i: %i listed, %i counted', (total, max, listed, omitted) => {
    const hits = Array.from({ length: total }, (_, i) => makeHit({ name: `n${i}.com`, score: i }));
    const r = renderAlert(hitsMessage(hits), max);
    expect(r.hits).toHaveLength(listed);
    expect(r.omitted).toBe(omitted);
    expect(r.title).toContain(`${total} look-alike`);
  });

  it('sorts strongest first and bounds very long names', () => {
    const r = renderAlert(hitsMessage([makeHit({ score: 10, severity: 'low' }), makeHit({ name: `${'a'.repeat(5000)}.com`, severity: 'critical' })]), 10);
    expect(r.hits[0]!.severity).toBe('critical');
    expect(Array.from(r.hits[0]!.name).length).toBeLessThanOrEqual(253);
    expect(r.hits[0]!.name.endsWith('…')).toBe(true);
  });

  it('digest facts and notes', () => {
    const msg: AlertMessage = {
      kind: 'digest',
      id: 'd',
      digest: {
        from: '2026-11-19T08:00:00Z', to: '2026-11-20T08:00:00Z', total: 5,
        byBrand: { PayPal: 4, ACME: 1 }, byTechnique: { keyword: 5 }, bySeverity: { low: 3, high: 2 },
        highNames: [{ name: 'paypal-x.com', brand: 'PayPal', watch: null, severity: 'high' }],
        health: { uptimeSeconds: 3600, reconnects: 1, gaps: 0, dropped: 0 },
      },
    };
    const r = renderAlert(msg, 10);
    expect(r.title).toBe('ctwatch digest: 5 hits');
    expect(r.facts).toEqual(expect.arrayContaining([{ label: 'by brand', value: 'PayPal 4, ACME 1' }, { label: 'by severity', value: 'high 2, low 3' }]));
    expect(r.hits[0]!.name).toBe('paypal-x[.]com');
    expect(r.notes[0]).toBe('Feed health: uptime 1 h, 1 reconnect, 0 gaps, 0 dropped');
  });
});

/** Every human-facing rendering of a message whose only hit has the hostile name. */
const hostile = hitsMessage([makeHit({ name: HOSTILE_NAME })]);
const renderings: [string, string][] = [
  ['plain text', plainTextBody(renderAlert(hostile, 10))],
  ['email subject', emailSubject(renderAlert(hostile, 10))],
  ['email html', emailHtml(renderAlert(hostile, 10))],
  ['slack', JSON.stringify(slackPayload(hostile, 10))],
  ['discord', JSON.stringify(discordPayload(hostile, 10))],
  ['teams', JSON.stringify(teamsPayload(hostile, 10))],
];

describe('no human channel carries the hostile name raw', () => {
  it.each(renderings)('%s', (label, text) => {
    expect(text).not.toContain('\u202E');
    // Plain text is not markup: `<script>` is inert there; every markup medium escapes it.
    if (!['plain text', 'email subject'].includes(label)) expect(text).not.toContain('<script>');
    expect(text).not.toContain('http://x');
    expect(text).not.toContain('login.http');
    expect(text).not.toContain(HOSTILE_NAME);
  });
});
