import { escapeMrkdwn, escapePlain, truncate, codeSpan, link, oneLine, ELLIPSIS } from './text';

describe('escapeMrkdwn', () => {
  test.each([
    ['plain', 'deploy v1', 'deploy v1'],
    ['control characters', 'a & b < c > d', 'a &amp; b &lt; c &gt; d'],
    ['special mention', '<!here> and <!channel>', '&lt;!here&gt; and &lt;!channel&gt;'],
    ['user mention and link', '<@U123> <https://evil|click>', '&lt;@U123&gt; &lt;https://evil|click&gt;'],
    ['bare broadcast words', '@channel @here @everyone @Channel', '@\u200bchannel @\u200bhere @\u200beveryone @\u200bChannel'],
    ['an email is not a broadcast', 'ops@channels.io', 'ops@channels.io'],
    ['quotes, backticks, newlines kept (JSON encodes them)', 'fix "x"\n`y`', 'fix "x"\n`y`'],
    ['already-escaped text is escaped again (shown literally)', '&amp;', '&amp;amp;'],
    ['control characters dropped', 'a\u0000b\u001bc\td', 'abc\td'],
    ['non-strings', 42, '42'],
  ])('%s', (_name, input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });
});

describe('escapePlain', () => {
  test.each([
    ['keeps < > & (plain_text is not parsed)', 'a < b & c', 'a < b & c'],
    ['still neutralises broadcasts', 'hi @here', 'hi @\u200bhere'],
  ])('%s', (_n, input, expected) => expect(escapePlain(input)).toBe(expected));
});

describe('truncate', () => {
  test.each([
    ['short text untouched', 'abc', 5, 'abc'],
    ['exact length untouched', 'abcde', 5, 'abcde'],
    ['cut with ellipsis', 'abcdefgh', 5, `abcd${ELLIPSIS}`],
    ['never half an entity', 'ab &amp; cd', 6, `ab ${ELLIPSIS}`],
    ['never half a surrogate pair', 'ab😀cd', 4, `ab${ELLIPSIS}`],
    ['never an unterminated link', 'see <https://x.io/long|label> now', 12, `see ${ELLIPSIS}`],
    ['zero', 'abc', 0, ''],
  ])('%s', (_n, input, max, expected) => {
    const out = truncate(input, max);
    expect(out).toBe(expected);
    expect(out.length).toBeLessThanOrEqual(Math.max(max, 0));
  });
});

test('codeSpan cannot be closed by the content', () => {
  expect(codeSpan('a`b')).toBe('`aˋb`');
});

test('link encodes the URL delimiters', () => {
  expect(link('https://x.io/a|b<c>', 'label')).toBe('<https://x.io/a%7Cb%3Cc%3E|label>');
});

test('oneLine collapses whitespace', () => {
  expect(oneLine(' a\n\tb  c \r\n')).toBe('a b c');
});
