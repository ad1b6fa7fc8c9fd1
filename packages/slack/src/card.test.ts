import { githubContext } from '@dantaro/core';
import { buildCard, buildThreadReply, formatDuration, statusStyle, tsToMs, type DeploymentCard } from './card';
import { fitPayload } from './limits';

const github = githubContext({
  GITHUB_REPOSITORY: 'dantaro/wallet',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_ACTOR: 'octocat',
  GITHUB_RUN_ID: '42',
  GITHUB_REF_NAME: 'main',
  GITHUB_WORKFLOW: 'deploy',
});
const base: DeploymentCard = { status: 'success', environment: 'production', version: 'v1.2.3', github, nowMs: 1_000_000 };
const texts = (c: DeploymentCard) => JSON.stringify(buildCard(c));

describe('statusStyle', () => {
  test.each([
    ['started', ':rocket:', '#439FE0', 'started'],
    ['success', ':white_check_mark:', '#2EB67D', 'succeeded'],
    ['SUCCESS', ':white_check_mark:', '#2EB67D', 'succeeded'],
    ['failure', ':x:', '#E01E5A', 'failed'],
    ['cancelled', ':no_entry_sign:', '#9E9E9E', 'was cancelled'],
    ['canceled', ':no_entry_sign:', '#9E9E9E', 'was cancelled'],
    ['rolled-back', ':rewind:', '#ECB22E', 'was rolled back'],
    ['waiting for\napproval', ':information_source:', '#9E9E9E', 'waiting for approval'],
  ])('%p', (status, emoji, colour, phrase) => {
    expect(statusStyle(status)).toMatchObject({ emoji, colour, phrase });
  });
});

describe('buildCard', () => {
  test('a success card: header, colour, fields, commit link, run link', () => {
    const card = buildCard(base);
    expect(card.text).toBe(':white_check_mark: Deploy of wallet to production succeeded (v1.2.3)');
    expect(card.blocks![0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':white_check_mark: Deploy of wallet to production succeeded', emoji: true } });
    expect(card.attachments![0].color).toBe('#2EB67D');
    const json = JSON.stringify(card);
    expect(json).toContain('<https://github.com/dantaro/wallet/commit/0123456789abcdef0123456789abcdef01234567|`0123456`>');
    expect(json).toContain('<https://github.com/dantaro/wallet/actions/runs/42|run #42>');
    expect(json).toContain('*Actor*\\noctocat');
    expect(fitPayload(card).notes).toEqual([]);
  });

  test('title input replaces the default title', () => {
    expect(buildCard({ ...base, title: 'Wallet API' }).text).toBe(':white_check_mark: Wallet API succeeded (v1.2.3)');
  });

  test('free-text status', () => {
    expect(buildCard({ ...base, status: 'awaiting approval' }).text).toBe(':information_source: Deploy of wallet to production: awaiting approval (v1.2.3)');
  });

  test.each([
    ['quotes and newlines', 'fix "quoted"\nsecond line', /fix \\"quoted\\"/],
    ['broadcasts', 'ping <!here> and @channel', /&lt;!here&gt; and @\\u200bchannel|&lt;!here&gt; and @\u200bchannel/],
    ['user mention', 'thanks <@U024BE7LH>', /&lt;@U024BE7LH&gt;/],
    ['ampersand', 'R&D', /R&amp;D/],
    ['backticks', 'use `rm -rf`', /use `rm -rf`/],
  ])('untrusted commit message with %s is escaped', (_n, commitMessage, expected) => {
    const json = texts({ ...base, commitMessage });
    expect(json).toMatch(expected);
    expect(json).not.toContain('<!here>');
    expect(json).not.toMatch(/(?<!\u200b)@channel/);
    expect(json).not.toContain('second line'); // subject only
    expect(() => JSON.parse(json)).not.toThrow();
  });

  test('untrusted version cannot escape its code span or ping', () => {
    const json = texts({ ...base, version: 'v1` <!channel>' });
    expect(json).toContain('`v1ˋ &lt;!channel&gt;`');
  });

  test('a long commit message is truncated, the card stays within limits', () => {
    const card = buildCard({ ...base, commitMessage: 'x'.repeat(10_000), title: 't'.repeat(400) });
    expect(fitPayload(card).notes).toEqual([]);
    expect(JSON.stringify(card)).toContain('…');
  });

  test('extra fields: more than 10 in all are split into sections of 10', () => {
    const fields = Array.from({ length: 12 }, (_, i) => [`k${i}`, `v${i}`] as [string, string]);
    const sections = buildCard({ ...base, fields }).attachments![0].blocks!.filter((b) => b.type === 'section' && b.fields);
    expect(sections.map((s) => (s.fields as unknown[]).length)).toEqual([10, 7]);
  });

  test('duration from the start, not on the started card', () => {
    expect(texts({ ...base, startedAtMs: 1_000_000 - 192_000 })).toContain('*Duration*\\n3m 12s');
    expect(texts({ ...base, status: 'started', startedAtMs: 0 })).not.toContain('Duration');
  });
});

test('thread reply: one line with status, environment, version, duration and run link', () => {
  const reply = buildThreadReply({ ...base, status: 'failure', startedAtMs: 1_000_000 - 45_000 });
  expect(reply.text).toBe(':x: *Failure* · production · `v1.2.3` · after 45s · <https://github.com/dantaro/wallet/actions/runs/42|run>');
});

test.each([
  [0, '0s'],
  [45_400, '45s'],
  [192_000, '3m 12s'],
  [3_720_000, '1h 02m'],
  [-5, '0s'],
])('formatDuration(%p) = %p', (ms, text) => expect(formatDuration(ms)).toBe(text));

test.each([
  ['1714381234.000200', 1714381234000],
  ['1714381234', undefined],
  ['abc', undefined],
  [undefined, undefined],
])('tsToMs(%p)', (ts, ms) => expect(tsToMs(ts)).toBe(ms));
