import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { consoleLines, consoleProvider, createConsoleNotifier } from '../../src/notify/providers/console.js';
import { HOSTILE_NAME, hitsMessage, makeHit, signal } from './helpers.js';

describe('console', () => {
  it('writes one line per hit, with terminal-hostile characters neutralised', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    const n = createConsoleNotifier('stdout', out);
    const evil = `\u001b]0;pwned\u0007${HOSTILE_NAME}\r\n\u001b[2J`;
    await n.send(hitsMessage([makeHit(), makeHit({ name: evil, severity: 'critical' })]), signal());
    const text = chunks.join('');
    const lines = text.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('CRITICAL PayPal');
    expect(lines[1]).toContain('HIGH PayPal typosquat:substitution paypa1-login[.]com score=82');
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
    expect(text).not.toContain('\r');
    expect(text).not.toContain('\u202E');
    expect(lines[0]).toContain('\\u{1B}]0;pwned\\u{7}');
    expect(lines[0]).toContain('\\u{202E}');
  });

  it.each([
    ['test hit', hitsMessage([makeHit()], 'x', true), /^TEST HIGH PayPal/],
    [
      'health',
      { kind: 'health', id: 'h', health: { event: 'feed.stale', severity: 'high', summary: 'stale\u001b[31m', details: { s: 1 }, at: 't' } },
      /^HIGH ctwatch health: feed[.]stale: stale\\u\{1B\}\[31m \(at=t s=1\)$/,
    ],
  ] as const)('%s line', (_label, message, pattern) => {
    const lines = consoleLines(message);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  });

  it('declares a human audience and strict config', () => {
    expect(consoleProvider.audience).toBe('human');
    expect(consoleProvider.configSchema.safeParse({}).success).toBe(true);
    expect(consoleProvider.configSchema.safeParse({ colour: true }).success).toBe(false);
  });
});
