/**
 * Text that goes into a Slack message. Untrusted values (commit messages, versions, free-form fields)
 * are escaped so they can neither break our markup nor ping anyone: Slack's three control characters
 * become entities (which also defuses `<!here>`, `<@U123>`, `<url|label>`), and the bare broadcast
 * words get a zero-width space after the `@`. JSON encoding itself is left to JSON.stringify.
 */
export const ELLIPSIS = '…';

const BROADCAST = /@(channel|here|everyone|group)\b/gi;
// C0 controls except \t \n, plus DEL: they render as garbage or split the message
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** For `mrkdwn` text: escape & < >, neutralise broadcast mentions, drop control characters. */
export function escapeMrkdwn(text: unknown): string {
  return neutraliseMentions(
    String(text ?? '')
      .replace(CONTROL, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;'),
  );
}

/** For `plain_text` (headers, button labels): shown literally, so only mentions and controls matter. */
export function escapePlain(text: unknown): string {
  return neutraliseMentions(String(text ?? '').replace(CONTROL, ''));
}

export function neutraliseMentions(text: string): string {
  return text.replace(BROADCAST, '@\u200b$1');
}

/** One line: newlines and tabs become spaces, runs collapsed. */
export function oneLine(text: unknown): string {
  return String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** An inline code span whose content cannot close it early. Escape first, then wrap. */
export function codeSpan(escaped: string): string {
  return '`' + escaped.replace(/`/g, 'ˋ') + '`';
}

/** `<url|label>`; the label must already be escaped. The URL's own `<>|` and spaces are encoded. */
export function link(url: string, escapedLabel: string): string {
  const safe = url.replace(/[<>| ]/g, (c) => encodeURIComponent(c));
  return `<${safe}|${escapedLabel}>`;
}

/**
 * Cut to at most `max` UTF-16 units (Slack's counters are never smaller), ending with an ellipsis.
 * Never leaves half a surrogate pair, half an `&amp;` entity or an unterminated `<link`.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = text.slice(0, max - ELLIPSIS.length);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/&[a-z#0-9]{0,8}$/i, '');
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  return cut + ELLIPSIS;
}
