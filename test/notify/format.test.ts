import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, escapeSlack, slackCode } from '../../src/notify/format/escape.js';
import { defang, displayName, escapeControls, oneLine, truncate } from '../../src/notify/format/sanitize.js';
import { HOSTILE_NAME } from './helpers.js';

describe('escapeControls', () => {
  it.each([
    ['plain', 'paypal.com', 'paypal.com'],
    ['RTL override', 'abc\u202Emoc.evil', 'abc\\u{202E}moc.evil'],
    ['LRE..PDF', '\u202A\u202B\u202C\u202D', '\\u{202A}\\u{202B}\\u{202C}\\u{202D}'],
    ['isolates', '\u2066x\u2069\u2067\u2068', '\\u{2066}x\\u{2069}\\u{2067}\\u{2068}'],
    ['LRM/RLM', 'a\u200Eb\u200Fc', 'a\\u{200E}b\\u{200F}c'],
    ['zero width space', 'pay\u200Bpal', 'pay\\u{200B}pal'],
    ['ANSI escape', '\u001b[31mred', '\\u{1B}[31mred'],
    ['CR LF', 'a\r\nBcc: x', 'a\\u{D}\\u{A}Bcc: x'],
    ['NUL and DEL', 'a\u0000b\u007f', 'a\\u{0}b\\u{7F}'],
    ['C1 CSI', 'a\u009bb', 'a\\u{9B}b'],
    ['BOM', '\ufeffx', '\\u{FEFF}x'],
    ['lone surrogate', 'a\ud800b', 'a\\u{D800}b'],
    ['pair kept', 'a\ud83d\ude00b', 'a\ud83d\ude00b'],
    ['IDN kept', 'xn--pypal-4ve.com', 'xn--pypal-4ve.com'],
  ])('%s', (_label, input, expected) => {
    expect(escapeControls(input)).toBe(expected);
    expect(escapeControls(expected)).toBe(expected);
  });
});

describe('defang', () => {
  it.each([
    ['paypa1-login.com', 'paypa1-login[.]com'],
    ['*.paypal.com', '*[.]paypal[.]com'],
    ['http://a.b', 'hxxp[://]a[.]b'],
    ['HTTPS://A.B', 'HXXPS[://]A[.]B'],
    ['@everyone', '[@]everyone'],
    ['nodots', 'nodots'],
  ])('%s', (input, expected) => {
    expect(defang(input)).toBe(expected);
  });
});

describe('medium escapes', () => {
  it.each([
    ['slack', escapeSlack, 'a<b>&c*_`', 'a&lt;b&gt;&amp;c*_`'],
    ['html', escapeHtml, `<script>"&'`, '&lt;script&gt;&quot;&amp;&#39;'],
    ['markdown', escapeMarkdown, '*a*_b_`c`~d~|e|[f](g)<@1>#-{x}', '\\*a\\*\\_b\\_\\`c\\`\\~d\\~\\|e\\|\\[f\\]\\(g\\)\\<@1\\>\\#\\-{x}'],
    ['slack code span', slackCode, 'x`*<y>', '`x\\u{60}*&lt;y&gt;`'],
  ] as const)('%s', (_label, fn, input, expected) => {
    expect(fn(input)).toBe(expected);
  });
});

describe('hostile name in every display form', () => {
  const shown = displayName(HOSTILE_NAME);
  it.each([
    ['display', shown],
    ['slack', slackCode(shown)],
    ['html', escapeHtml(shown)],
    ['markdown', escapeMarkdown(shown)],
  ])('%s has no RTL override, no dot, no raw link', (_label, text) => {
    expect(text).not.toContain('\u202E');
    expect(text).toContain('\\u{202E}');
    expect(text).not.toMatch(/[^[]\.[^\]]/);
    expect(text).not.toContain('http://');
    expect(text).not.toMatch(/(^|[^[])@everyone/);
  });
  it('html and slack forms contain no raw tag', () => {
    expect(escapeHtml(shown)).not.toContain('<script>');
    expect(slackCode(shown)).not.toContain('<script>');
    expect(slackCode(shown).slice(1, -1)).not.toContain('`');
  });
});

describe('truncate and oneLine', () => {
  it.each([
    ['short', 5, 'short'],
    ['toolongname', 5, 'tool…'],
    ['😀😀😀😀😀😀', 3, '😀😀…'],
  ])('truncate(%s, %i)', (input, max, expected) => {
    expect(truncate(input, max)).toBe(expected);
  });
  it.each([
    ['a\r\nb', 'a\\u{D}\\u{A}b'],
    ['  a   b ', 'a b'],
  ])('oneLine(%j)', (input, expected) => {
    expect(oneLine(input)).toBe(expected);
  });
});
