/**
 * Medium-specific escaping, applied after sanitize.ts (controls escaped, names defanged).
 * Each function is pure and total; none is idempotent (escaping twice double-escapes).
 */

/** Slack mrkdwn: the three characters Slack requires escaped as entities. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A Slack inline code span holding `text`: inside it `*`, `_`, `~` are not formatting.
 * A backtick would end the span early, so it is shown as the visible escape `\u{60}`.
 */
export function slackCode(text: string): string {
  return '`' + escapeSlack(text.replace(/`/g, '\\u{60}')) + '`';
}

/** HTML text and attribute values: `& < > " '` as entities. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Markdown as rendered by Discord and Teams: every ASCII punctuation character that can
 * start or end formatting, a link, a heading, a list, a quote or a mention gets a
 * backslash. Both renderers drop a backslash before ASCII punctuation.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_~|<>#[\]()!-]/g, (ch) => `\\${ch}`);
}
