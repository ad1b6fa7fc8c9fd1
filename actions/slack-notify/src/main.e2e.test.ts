import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoLeak, repoRoot, runAction, startSlackStub, stopAll, tempDir, type ActionRun, type SlackStub } from '@dantaro/testkit';

// End to end: the bundle (dist/slack-notify/index.js, built by `node scripts/build.mjs slack-notify`)
// against the Slack stub, with a planted token and webhook secret that must appear nowhere.
const TOKEN = 'xoxb-CANARY-7f3a9c1e5b2d4f60';
const HOOK_SECRET = 'HOOKCANARY9d8e7f6a5b4c3d2e1f0';

let slack: SlackStub;
const runs: ActionRun[] = [];

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'dist/slack-notify/index.js'))) throw new Error('build the bundle first: node scripts/build.mjs slack-notify');
  slack = await startSlackStub({ token: TOKEN, webhookSecret: HOOK_SECRET });
});
afterAll(async () => {
  await slack.stop();
  await stopAll();
});
beforeEach(() => slack.reset());

async function notify(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runAction('slack-notify', { inputs, env, timeoutMs: 30_000 });
  runs.push(run);
  // `::add-mask::<secret>` is the registration itself, which the runner consumes; everything else counts
  assertNoLeak({ all: run.all.replace(/^::add-mask::.*$/gm, '') }, [TOKEN, HOOK_SECRET, slack.webhookUrl]);
  return run;
}
const bot = (extra: Record<string, string> = {}) => ({ token: TOKEN, channel: 'C0DEPLOYS', 'api-url': slack.apiUrl, ...extra });
const hook = (extra: Record<string, string> = {}) => ({ 'webhook-url': slack.webhookUrl, ...extra });
const warnings = (run: ActionRun) => run.stdout.split('\n').filter((l) => l.startsWith('::warning'));

test('webhook: the deployment card is posted; ok=true, no ts', async () => {
  const run = await notify(hook({ status: 'success', environment: 'production', version: 'v1.2.3', fields: 'Image=wallet@sha256:abc\nRegion=ap-northeast-2' }));
  expect(run.code).toBe(0);
  expect(run.outputs).toMatchObject({ ok: 'true', ts: '', channel: '' });
  expect(slack.messages).toHaveLength(1);
  const msg = JSON.stringify(slack.messages[0]);
  expect(msg).toContain('Deploy of wallet to production succeeded');
  expect(msg).toContain('#2eb67d');
  expect(msg).toContain('*Region*\\nap-northeast-2');
  expect(msg).toContain('|`0123456`>');
  expect(run.summary).toContain('✅ sent');
});

test('bot: post "started", then update the same message to "success" with message-ts, and reply in the thread', async () => {
  const first = await notify(bot({ status: 'started', environment: 'production', version: 'v2' }));
  expect(first.code).toBe(0);
  expect(first.outputs).toMatchObject({ ok: 'true', channel: 'C0DEPLOYS', ts: expect.stringMatching(/^\d+\.\d+$/) });

  const second = await notify(bot({ status: 'success', environment: 'production', version: 'v2', 'message-ts': first.outputs.ts, thread: 'true' }));
  expect(second.code).toBe(0);
  expect(second.outputs.ts).toBe(first.outputs.ts);
  expect(slack.requests.map((r) => r.method)).toEqual(['chat.postMessage', 'chat.update', 'chat.postMessage']);

  const top = slack.messages.filter((m) => !m.thread_ts);
  expect(top).toHaveLength(1); // one deploy = one message
  const states = top[0].history.map((h) => String(h.text));
  expect(states[0]).toMatch(/started/);
  expect(states[1]).toMatch(/succeeded/);
  expect(JSON.stringify(top[0].attachments)).toContain('Duration');
  const replies = slack.replies(first.outputs.ts);
  expect(replies).toHaveLength(1);
  expect(replies[0].text).toMatch(/:white_check_mark: \*Success\* · production · `v2` · after \d+s/);
  expect(second.summary).toContain('chat.update → thread reply');
});

test('429 with Retry-After, then success', async () => {
  slack.failNext(1, { status: 429, retryAfter: 1 });
  const run = await notify(hook({ status: 'started' }));
  expect(run.code).toBe(0);
  expect(run.outputs.ok).toBe('true');
  expect(slack.requests.map((r) => r.status)).toEqual([429, 200]);
  expect(run.stdout).toMatch(/rate_limited \(HTTP 429\); retrying in 1\.0s/);
});

test('5xx until the retry bound: ok=false, a warning, exit 0 (the deploy is not failed)', async () => {
  slack.failNext(10, { status: 503 });
  const run = await notify(bot({ status: 'failure' }));
  expect(run.code).toBe(0);
  expect(run.outputs.ok).toBe('false');
  expect(slack.requests).toHaveLength(4);
  expect(warnings(run).join('\n')).toMatch(/internal_error \(HTTP 503\) \(after 4 attempts\)/);
  expect(run.summary).toContain('⚠️ not sent');
});

test('fail-on-error: true turns the same failure into a failed step', async () => {
  const run = await notify(bot({ status: 'failure', channel: 'C0PRIVATE', 'fail-on-error': 'true' }));
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/::error::Slack chat.postMessage: not_in_channel.*Hint: invite the bot/s);
  expect(run.outputs.ok).toBe('false');
});

test.each([
  ['invalid_auth', { token: 'xoxb-not-the-right-one' }, /invalid_auth.*xoxb-…/s],
  ['not_in_channel', { channel: 'C0PRIVATE' }, /not_in_channel.*invite the bot/s],
  ['channel_not_found', { channel: 'C0NOWHERE' }, /channel_not_found.*channel ID/s],
])('%s: ok=false with a hint, exit 0', async (_code, extra, hint) => {
  const run = await notify(bot({ status: 'success', ...extra }));
  expect(run.code).toBe(0);
  expect(run.outputs.ok).toBe('false');
  expect(warnings(run).join('\n').replace(/%0A/g, '\n')).toMatch(hint);
});

test('a revoked webhook: no_service with a hint', async () => {
  const run = await notify({ 'webhook-url': `${slack.url}/services/T0/B0/${HOOK_SECRET}x`, status: 'success' });
  expect(run.outputs.ok).toBe('false');
  expect(warnings(run).join()).toMatch(/no_service \(HTTP 404\).*revoked/);
});

test.each([
  ['JSON', JSON.stringify({ text: 'custom json', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*custom* json' } }] }), 'custom json'],
  ['YAML', 'text: custom yaml\nblocks:\n  - type: section\n    text:\n      type: mrkdwn\n      text: "*custom* yaml"\n', 'custom yaml'],
])('custom payload (%s) is sent as given', async (_kind, payload, text) => {
  const run = await notify(bot({ payload }));
  expect(run.code).toBe(0);
  expect(slack.messages[0]).toMatchObject({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*custom* ${text.split(' ')[1]}` } }] });
});

test('an over-limit payload is truncated to fit and still posted', async () => {
  const payload = JSON.stringify({
    text: 'big',
    // kept small overall: an input is one env var, capped at 128 KiB by the kernel
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(300) } },
      { type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(4000) } },
      ...Array.from({ length: 60 }, () => ({ type: 'divider' })),
    ],
  });
  const run = await notify(hook({ payload }));
  expect(run.code).toBe(0);
  expect(run.outputs.ok).toBe('true');
  const blocks = slack.messages[0].blocks as Array<{ text?: { text: string } }>;
  expect(blocks).toHaveLength(50);
  expect(blocks[0].text!.text).toHaveLength(150);
  expect(blocks[1].text!.text.endsWith('…')).toBe(true);
  expect(run.summary).toMatch(/Block Kit limits: \d+ cut/);
});

test('untrusted commit message: cannot ping or break the payload', async () => {
  const dir = tempDir('slack-event');
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ head_commit: { message: 'fix "quotes" `ticks` <!here> @channel & <@U123>\nbody line' } }));
  const run = await notify(hook({ status: 'success' }), { GITHUB_EVENT_PATH: event });
  expect(run.code).toBe(0);
  const body = slack.requests[0].body;
  expect(body).not.toMatch(/<!here>|<@U123>|(?<!\\u200b)@channel/);
  expect(JSON.parse(body).attachments[0].blocks.some((b: { text?: { text: string } }) => b.text?.text.includes('fix "quotes" `ticks` &lt;!here&gt; @\u200bchannel &amp; &lt;@U123&gt;'))).toBe(true);
});

test('message-ts with a webhook: a new message is posted, with a warning', async () => {
  const run = await notify(hook({ status: 'success', 'message-ts': '1714381234.000200', thread: 'true' }));
  expect(run.outputs.ok).toBe('true');
  expect(warnings(run).join()).toMatch(/message-ts is ignored with a webhook/);
  expect(warnings(run).join()).toMatch(/thread is ignored with a webhook/);
});

test.each([
  ['neither webhook nor token', { status: 'success' }, /"webhook-url" or "token" is required/],
  ['both webhook and token', { 'webhook-url': 'https://hooks.slack.com/services/T/B/x', token: TOKEN, channel: 'C1', status: 'success' }, /not both/],
  ['token without channel', { token: TOKEN, status: 'success' }, /"channel" is required/],
  ['no status and no payload', { token: TOKEN, channel: 'C0DEPLOYS' }, /"status" is required/],
  ['payload not JSON/YAML', { token: TOKEN, channel: 'C0DEPLOYS', payload: '{"text": [' }, /input "payload": not valid JSON or YAML/],
  ['payload without content', { token: TOKEN, channel: 'C0DEPLOYS', payload: '{"username": "x"}' }, /input "payload": needs a non-empty/],
  ['block without type', { token: TOKEN, channel: 'C0DEPLOYS', payload: '{"blocks": [{"text": "x"}]}' }, /blocks\[0\] has no `type`/],
  ['bad message-ts', { token: TOKEN, channel: 'C0DEPLOYS', status: 'success', 'message-ts': 'yesterday' }, /input "message-ts"/],
  ['webhook URL not a URL', { 'webhook-url': `not a url ${HOOK_SECRET}`, status: 'success' }, /input "webhook-url": \(value hidden\)/],
])('bad input (%s) fails the step before posting, whatever fail-on-error says', async (_n, inputs, message) => {
  const run = await notify({ ...inputs, 'api-url': slack.apiUrl });
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(message);
  expect(run.outputs.ok).toBe('false');
  expect(slack.requests).toHaveLength(0);
});

test('no run leaked the token or the webhook secret (stdout, stderr, outputs, summary, state)', () => {
  expect(runs.length).toBeGreaterThan(15);
  for (const run of runs) assertNoLeak({ all: run.all.replace(/^::add-mask::.*$/gm, '') }, [TOKEN, HOOK_SECRET]);
});
