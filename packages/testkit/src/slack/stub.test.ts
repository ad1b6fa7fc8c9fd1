import { startSlackStub, type SlackStub } from './stub';

let slack: SlackStub;
beforeAll(async () => {
  slack = await startSlackStub({ webhookSecret: 'hook-secret' });
});
afterAll(() => slack.stop());
beforeEach(() => slack.reset());

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const api = async (method: string, body: unknown, token = slack.token): Promise<any> => (await post(slack.apiUrl + method, body, { authorization: `Bearer ${token}` })).json();

describe('webhook', () => {
  test.each([
    ['ok', { text: 'hi' }, 200, 'ok'],
    ['bad JSON', '{"text": ', 400, 'invalid_payload'],
    ['no text', {}, 400, 'no_text'],
    ['more than 50 blocks', { text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }, 400, 'invalid_payload'],
    ['section text over 3000', { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] }, 400, 'invalid_payload'],
    ['header over 150', { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] }, 400, 'invalid_payload'],
  ])('%s', async (_n, body, status, text) => {
    const res = await post(slack.webhookUrl, body);
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(text);
  });

  test('unknown hook → 404 no_service', async () => {
    const res = await post(slack.url + '/services/T0/B0/nope', { text: 'x' });
    expect([res.status, await res.text()]).toEqual([404, 'no_service']);
  });

  test('form-encoded payload= is accepted, as by Slack', async () => {
    const res = await fetch(slack.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ payload: JSON.stringify({ text: 'form' }) }) });
    expect(await res.text()).toBe('ok');
    expect(slack.messages[0]).toMatchObject({ text: 'form', via: 'webhook', channel: 'C0DEPLOYS' });
  });

  test('the webhook URL carries the planted secret; another hook can be added', async () => {
    expect(slack.webhookUrl).toMatch(/\/services\/T\w+\/B\w+\/hook-secret$/);
    const other = slack.addWebhook('C0PRIVATE');
    expect(await (await post(other, { text: 'x' })).text()).toBe('ok');
    expect(slack.messages[0].channel).toBe('C0PRIVATE');
  });
});

describe('Web API', () => {
  test('postMessage then update: one message, two states', async () => {
    const posted = await api('chat.postMessage', { channel: 'C0DEPLOYS', text: 'started' });
    expect(posted).toMatchObject({ ok: true, channel: 'C0DEPLOYS', ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
    const updated = await api('chat.update', { channel: 'C0DEPLOYS', ts: posted.ts, text: 'done' });
    expect(updated).toMatchObject({ ok: true, ts: posted.ts, text: 'done' });
    expect(slack.messages).toHaveLength(1);
    expect(slack.message(posted.ts)!.history.map((h) => h.text)).toEqual(['started', 'done']);
  });

  test('channel by name answers with the ID; thread replies are linked to the parent', async () => {
    const parent = await api('chat.postMessage', { channel: '#deploys', text: 'p' });
    expect(parent.channel).toBe('C0DEPLOYS');
    const reply = await api('chat.postMessage', { channel: 'C0DEPLOYS', text: 'r', thread_ts: parent.ts });
    expect(reply.message.thread_ts).toBe(parent.ts);
    expect(slack.replies(parent.ts).map((m) => m.text)).toEqual(['r']);
  });

  test('a reply to a missing parent is posted top-level, silently', async () => {
    const reply = await api('chat.postMessage', { channel: 'C0DEPLOYS', text: 'r', thread_ts: '1.000001' });
    expect(reply.ok).toBe(true);
    expect(reply.message.thread_ts).toBeUndefined();
  });

  test.each([
    ['wrong token', 'chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' }, 'xoxb-wrong', 'invalid_auth'],
    ['no token', 'chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' }, '', 'not_authed'],
    ['unknown channel', 'chat.postMessage', { channel: 'C0NOPE', text: 'x' }, undefined, 'channel_not_found'],
    ['bot not a member', 'chat.postMessage', { channel: 'C0PRIVATE', text: 'x' }, undefined, 'not_in_channel'],
    ['unknown message', 'chat.update', { channel: 'C0DEPLOYS', ts: '1.000009', text: 'x' }, undefined, 'message_not_found'],
    ['no text', 'chat.postMessage', { channel: 'C0DEPLOYS' }, undefined, 'no_text'],
    ['too many blocks', 'chat.postMessage', { channel: 'C0DEPLOYS', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }, undefined, 'invalid_blocks'],
  ])('%s → an HTTP 200 ok:false error', async (_n, method, body, token, error) => {
    const res = await post(slack.apiUrl + method, body, token === '' ? {} : { authorization: `Bearer ${token ?? slack.token}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: false, error });
  });
});

describe('faults', () => {
  test('429 with Retry-After, then 500, then normal; every request recorded', async () => {
    slack.failNext(1, { status: 429, retryAfter: 7 });
    slack.failNext(1, { status: 500 });
    const a = await post(slack.webhookUrl, { text: 'x' });
    expect([a.status, a.headers.get('retry-after'), await a.text()]).toEqual([429, '7', 'rate_limited']);
    const b = await post(slack.apiUrl + 'chat.postMessage', { channel: 'C0DEPLOYS', text: 'x' }, { authorization: `Bearer ${slack.token}` });
    expect([b.status, await b.json()]).toEqual([500, { ok: false, error: 'internal_error' }]);
    expect(await (await post(slack.webhookUrl, { text: 'x' })).text()).toBe('ok');
    expect(slack.requests.map((r) => [r.kind, r.status, r.faulted])).toEqual([
      ['webhook', 429, true],
      ['api', 500, true],
      ['webhook', 200, false],
    ]);
  });

  test('connection reset', async () => {
    slack.failNext(1, { reset: true });
    await expect(post(slack.webhookUrl, { text: 'x' })).rejects.toThrow();
    expect(await (await post(slack.webhookUrl, { text: 'x' })).text()).toBe('ok');
  });
});
