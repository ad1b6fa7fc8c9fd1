import { memoryLogger, type Clock } from '@dantaro/core';
import { notify, type NotifyRequest } from './notify';
import type { HttpDeps } from './client';

/** A scripted fetch: each call takes the next answer and records what was sent. */
function fakeFetch(answers: Array<{ status?: number; body: unknown; headers?: Record<string, string> } | Error>) {
  const calls: Array<{ url: string; headers: Record<string, string>; body: Record<string, unknown> }> = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) });
    const a = answers.shift();
    if (!a) throw new Error('no more answers');
    if (a instanceof Error) throw a;
    return new Response(typeof a.body === 'string' ? a.body : JSON.stringify(a.body), { status: a.status ?? 200, headers: a.headers });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

function deps(f: typeof fetch): HttpDeps & { sleeps: number[] } {
  const sleeps: number[] = [];
  let now = 0;
  const clock: Clock = { now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) };
  return { fetch: f, clock, log: memoryLogger(), sleeps, retry: { random: () => 0 }, redact: (s) => s.replaceAll('xoxb-secret', '***') };
}

const bot = { kind: 'bot', token: 'xoxb-secret', channel: 'C1', apiUrl: 'https://slack.test/api/' } as const;
const hook = { kind: 'webhook', url: 'https://hooks.slack.test/services/T1/B1/secret' } as const;
const ok = (ts = '1.000001') => ({ body: { ok: true, ts, channel: 'C1', message: { ts } } });

describe('notify', () => {
  test('bot: post, then the result carries ts and channel', async () => {
    const f = fakeFetch([ok()]);
    const r = await notify({ target: bot, payload: { text: 'hi' } }, deps(f.fn));
    expect(r).toMatchObject({ ok: true, ts: '1.000001', channel: 'C1', steps: ['chat.postMessage'] });
    expect(f.calls[0].url).toBe('https://slack.test/api/chat.postMessage');
    expect(f.calls[0].headers.authorization).toBe('Bearer xoxb-secret');
    expect(f.calls[0].body).toEqual({ text: 'hi', channel: 'C1' });
  });

  test('bot: update with message-ts, then reply in the thread', async () => {
    const f = fakeFetch([ok('5.000001'), { body: { ok: true, ts: '6.1', channel: 'C1', message: { thread_ts: '5.000001' } } }]);
    const r = await notify({ target: bot, payload: { text: 'done' }, messageTs: '5.000001', threadReply: { text: 'reply' } }, deps(f.fn));
    expect(r.steps).toEqual(['chat.update', 'thread reply']);
    expect(r.ts).toBe('5.000001');
    expect(f.calls[0].body).toMatchObject({ ts: '5.000001', channel: 'C1' });
    expect(f.calls[1].body).toMatchObject({ thread_ts: '5.000001', text: 'reply' });
    expect(r.warnings).toEqual([]);
  });

  test('a reply that Slack un-threads is reported', async () => {
    const f = fakeFetch([ok('5.1'), { body: { ok: true, ts: '6.1', channel: 'C1', message: {} } }]);
    const r = await notify({ target: bot, payload: { text: 'x' }, threadReply: { text: 'r' } }, deps(f.fn));
    expect(r.warnings.join()).toMatch(/outside the thread/);
  });

  test('webhook: plain ok; message-ts and thread are warned about', async () => {
    const f = fakeFetch([{ body: 'ok' }]);
    const r = await notify({ target: hook, payload: { text: 'x' }, messageTs: '1.1', threadReply: { text: 'r' } }, deps(f.fn));
    expect(r).toMatchObject({ ok: true, steps: ['webhook post'] });
    expect(r.ts).toBeUndefined();
    expect(r.warnings).toHaveLength(2);
    expect(f.calls).toHaveLength(1);
  });

  test('429 with Retry-After is waited for, then succeeds', async () => {
    const f = fakeFetch([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '3' } }, { body: 'ok' }]);
    const d = deps(f.fn);
    const r = await notify({ target: hook, payload: { text: 'x' } }, d);
    expect(r.ok).toBe(true);
    expect(d.sleeps).toEqual([3000]);
  });

  test('5xx until the bound: ok=false with the attempts and a server hint', async () => {
    const f = fakeFetch(Array.from({ length: 4 }, () => ({ status: 503, body: 'oops<html>' })));
    const r = await notify({ target: hook, payload: { text: 'x' } }, deps(f.fn));
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'http_503', attempts: 4, kind: 'server' });
    expect(r.error!.message).not.toContain('hooks.slack.test');
  });

  test('network errors retry', async () => {
    const reset = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    const f = fakeFetch([reset, ok()]);
    expect((await notify({ target: bot, payload: { text: 'x' } }, deps(f.fn))).ok).toBe(true);
  });

  test.each([
    ['not_in_channel', /invite the bot/],
    ['invalid_auth', /xoxb/],
    ['channel_not_found', /channel ID/],
  ])('Web API %s is not retried and carries its hint', async (code, hint) => {
    const f = fakeFetch([{ body: { ok: false, error: code } }]);
    const r = await notify({ target: bot, payload: { text: 'x' } }, deps(f.fn));
    expect(f.calls).toHaveLength(1);
    expect(r.error?.code).toBe(code);
    expect(r.error?.hint).toMatch(hint);
  });

  test('remote detail is redacted and kept short', async () => {
    const f = fakeFetch([{ body: { ok: false, error: 'invalid_blocks', response_metadata: { messages: ['token xoxb-secret ' + 'y'.repeat(1000)] } } }]);
    const r = await notify({ target: bot, payload: { text: 'x' } }, deps(f.fn));
    expect(r.error!.message).not.toContain('xoxb-secret');
    expect(r.error!.message.length).toBeLessThan(400);
  });

  test('the payload is fitted to the limits before sending', async () => {
    const f = fakeFetch([{ body: 'ok' }]);
    const req: NotifyRequest = { target: hook, payload: { text: 'x', blocks: Array.from({ length: 70 }, () => ({ type: 'divider' })) } };
    const r = await notify(req, deps(f.fn));
    expect((f.calls[0].body.blocks as unknown[]).length).toBe(50);
    expect(r.truncated).toHaveLength(1);
  });
});
