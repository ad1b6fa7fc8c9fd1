import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient, staticToken, type TokenProvider } from './client';
import { ApiError } from './errors';
import { followLogs, readLogs } from './logs';
import { DEPLOYMENTS, PODS } from './resources';
import { listWatch, type ListWatchEvent } from './watch';

/** A tiny scripted API server: each test pushes handlers; every request is logged. */
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let base: string;
let handlers: Handler[] = [];
let fallback: Handler | undefined;
const seen: Array<{ method: string; url: string; ct?: string; auth?: string; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, ct: req.headers['content-type'], auth: req.headers.authorization, body });
      const h = handlers.shift() ?? fallback;
      if (!h) return json(res, 500, { kind: 'Status', reason: 'InternalError', message: 'no handler' });
      h(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  handlers = [];
  fallback = undefined;
  seen.length = 0;
});

function json(res: ServerResponse, status: number, obj: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(obj));
}
const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });
const client = (auth: TokenProvider = staticToken('t0k3n'), extra = {}) => new KubeClient({ server: base, auth }, { retryBaseMs: 5, ...extra });

describe('KubeClient requests', () => {
  it('builds paths and queries, sends the bearer token, parses JSON', async () => {
    handlers.push((_q, r) => json(r, 200, { kind: 'DeploymentList', metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'a' } }] }));
    handlers.push((_q, r) => json(r, 200, { metadata: { name: 'p' } }));
    const c = client();
    const list = await c.list(DEPLOYMENTS, 'ns1', { labelSelector: 'app=web,tier in (a,b)' });
    expect(list.items[0].metadata?.name).toBe('a');
    await c.get(PODS, 'ns1', 'p');
    expect(seen[0].url).toBe('/apis/apps/v1/namespaces/ns1/deployments?labelSelector=app%3Dweb%2Ctier+in+%28a%2Cb%29');
    expect(seen[0].auth).toBe('Bearer t0k3n');
    expect(seen[1].url).toBe('/api/v1/namespaces/ns1/pods/p');
    c.close();
  });

  it.each([
    ['strategic', 'application/strategic-merge-patch+json'],
    ['merge', 'application/merge-patch+json'],
    ['json', 'application/json-patch+json'],
  ] as const)('PATCH %s sends %s (never plain JSON, which is a 415)', async (type, ct) => {
    handlers.push((_q, r) => json(r, 200, { metadata: { name: 'd' } }));
    const c = client();
    await c.patch(DEPLOYMENTS, 'ns', 'd', type === 'json' ? [{ op: 'replace', path: '/x', value: 1 }] : { a: 1 }, type, { dryRun: true, fieldManager: 'me' });
    expect(seen[0]).toMatchObject({ method: 'PATCH', ct, url: '/apis/apps/v1/namespaces/ns/deployments/d?dryRun=All&fieldManager=me' });
    c.close();
  });

  it('429 with Retry-After waits and retries', async () => {
    handlers.push((_q, r) => json(r, 429, status(429, 'TooManyRequests', 'slow down'), { 'retry-after': '0.2' }));
    handlers.push((_q, r) => json(r, 200, { metadata: { name: 'd' } }));
    const c = client();
    const t = Date.now();
    await c.get(DEPLOYMENTS, 'ns', 'd');
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
    expect(seen).toHaveLength(2);
    c.close();
  });

  it('5xx and connection resets are retried', async () => {
    handlers.push((_q, r) => json(r, 503, status(503, 'ServiceUnavailable', 'busy')));
    handlers.push((q) => q.socket.destroy());
    handlers.push((_q, r) => json(r, 500, status(500, 'InternalError', 'etcd')));
    handlers.push((_q, r) => json(r, 200, { metadata: { name: 'd' } }));
    const c = client();
    expect((await c.get(DEPLOYMENTS, 'ns', 'd')).metadata?.name).toBe('d');
    expect(seen).toHaveLength(4);
    c.close();
  });

  it('other 4xx are not retried and arrive as typed ApiError', async () => {
    handlers.push((_q, r) => json(r, 422, status(422, 'Invalid', 'spec.template: Invalid value')));
    const c = client();
    const err = await c.patch(DEPLOYMENTS, 'ns', 'd', {}, 'strategic').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, reason: 'Invalid', message: 'spec.template: Invalid value' });
    expect(seen).toHaveLength(1);
    expect(await c.tryGet(DEPLOYMENTS, 'ns', 'missing').catch(() => 'x')).toBe('x'); // no handler → 500s…
    c.close();
  });

  it('404 via tryGet is undefined; non-Status bodies still make an ApiError', async () => {
    handlers.push((_q, r) => json(r, 404, status(404, 'NotFound', 'deployments.apps "x" not found')));
    handlers.push((_q, r) => {
      r.writeHead(400);
      r.end('plain text problem');
    });
    const c = client();
    expect(await c.tryGet(DEPLOYMENTS, 'ns', 'x')).toBeUndefined();
    await expect(c.get(DEPLOYMENTS, 'ns', 'y')).rejects.toMatchObject({ status: 400, reason: 'BadRequest', message: 'plain text problem' });
    c.close();
  });

  it('403 becomes a UserError naming verb and resource, with the access-entry hint', async () => {
    handlers.push((_q, r) => json(r, 403, status(403, 'Forbidden', 'deployments.apps "d" is forbidden: User "ci" cannot patch resource')));
    const c = client();
    const err = await c.patch(DEPLOYMENTS, 'wallet', 'd', {}, 'strategic').catch((e) => e);
    expect(err.name).toBe('UserError');
    expect(err.message).toContain('cannot patch deployments.apps in namespace "wallet"');
    expect(err.hint).toMatch(/access entry/);
    c.close();
  });

  it('401 invalidates a refreshable token once and retries with a fresh one', async () => {
    let n = 0;
    const auth = { token: async () => `tok-${n}`, invalidate: () => void n++ };
    handlers.push((_q, r) => json(r, 401, status(401, 'Unauthorized', 'expired')));
    handlers.push((_q, r) => json(r, 200, { metadata: { name: 'd' } }));
    const c = client(auth);
    await c.get(DEPLOYMENTS, 'ns', 'd');
    expect(seen.map((s) => s.auth)).toEqual(['Bearer tok-0', 'Bearer tok-1']);
    c.close();
  });

  it('gives up at the deadline', async () => {
    fallback = (_q, r) => json(r, 503, status(503, 'ServiceUnavailable', 'down'));
    const c = client(staticToken('x'), { deadline: Date.now() + 300, retryBaseMs: 50 });
    const t = Date.now();
    const err = await c.get(DEPLOYMENTS, 'ns', 'd').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(503);
    expect(Date.now() - t).toBeLessThan(2_000);
    c.close();
  });
});

describe('listWatch', () => {
  const item = (name: string, rv: string) => ({ metadata: { name, resourceVersion: rv } });
  const stream = (res: ServerResponse, lines: unknown[], end = true) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    for (const l of lines) res.write(JSON.stringify(l) + '\n');
    if (end) res.end();
  };

  async function collect(c: KubeClient, n: number, opts = {}): Promise<ListWatchEvent<{ metadata?: { name?: string } }>[]> {
    const ac = new AbortController();
    const out: ListWatchEvent<{ metadata?: { name?: string } }>[] = [];
    for await (const ev of listWatch(c, DEPLOYMENTS, 'ns', { signal: ac.signal, ...opts })) {
      out.push(ev as never);
      if (out.length >= n) break;
    }
    ac.abort();
    return out;
  }

  it('lists, watches from the list RV with bookmarks, reconnects after the server closes', async () => {
    handlers.push((_q, r) => json(r, 200, { metadata: { resourceVersion: '10' }, items: [item('a', '9')] }));
    handlers.push((_q, r) => stream(r, [{ type: 'MODIFIED', object: item('a', '11') }, { type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } }]));
    handlers.push((_q, r) => stream(r, [{ type: 'ADDED', object: item('b', '16') }], false));
    const c = client();
    const evs = await collect(c, 3);
    expect(evs.map((e) => e.type)).toEqual(['SYNC', 'MODIFIED', 'ADDED']);
    expect(seen[1].url).toContain('watch=1');
    expect(seen[1].url).toContain('resourceVersion=10');
    expect(seen[1].url).toContain('allowWatchBookmarks=true');
    expect(seen[2].url).toContain('resourceVersion=15'); // resumed from the bookmark
    c.close();
  });

  it('410 as an ERROR event or as a status re-lists', async () => {
    handlers.push((_q, r) => json(r, 200, { metadata: { resourceVersion: '10' }, items: [] }));
    handlers.push((_q, r) => stream(r, [{ type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 10 (50)') }]));
    handlers.push((_q, r) => json(r, 200, { metadata: { resourceVersion: '50' }, items: [item('a', '50')] }));
    handlers.push((_q, r) => json(r, 410, status(410, 'Gone', 'gone')));
    handlers.push((_q, r) => json(r, 200, { metadata: { resourceVersion: '60' }, items: [] }));
    handlers.push((_q, r) => stream(r, [{ type: 'ADDED', object: item('z', '61') }], false));
    const c = client();
    const evs = await collect(c, 4);
    expect(evs.map((e) => e.type)).toEqual(['SYNC', 'SYNC', 'SYNC', 'ADDED']);
    c.close();
  });

  it('a dropped connection and a silent watch both reconnect from the last RV', async () => {
    handlers.push((_q, r) => json(r, 200, { metadata: { resourceVersion: '1' }, items: [] }));
    handlers.push((q, r) => {
      stream(r, [{ type: 'ADDED', object: item('a', '2') }], false);
      setTimeout(() => q.socket.destroy(), 20);
    });
    handlers.push((_q, r) => stream(r, [], false)); // silent
    handlers.push((_q, r) => stream(r, [{ type: 'ADDED', object: item('b', '3') }], false));
    const c = client();
    const evs = await collect(c, 3, { silenceMs: 200 });
    expect(evs.map((e) => e.type)).toEqual(['SYNC', 'ADDED', 'ADDED']);
    expect(seen.slice(2).every((s) => s.url.includes('resourceVersion=2'))).toBe(true);
    c.close();
  });

  it('a 403 on watch is thrown as the UserError', async () => {
    handlers.push((_q, r) => json(r, 200, { metadata: { resourceVersion: '1' }, items: [] }));
    handlers.push((_q, r) => json(r, 403, status(403, 'Forbidden', 'no watch for you')));
    const c = client();
    await expect(collect(c, 5)).rejects.toThrow('cannot watch deployments.apps in namespace "ns"');
    c.close();
  });
});

describe('pod logs', () => {
  it('reads the previous container tail and follows a live one', async () => {
    handlers.push((_q, r) => {
      r.writeHead(200, { 'content-type': 'text/plain' });
      r.end('one\ntwo\n');
    });
    handlers.push((_q, r) => {
      r.writeHead(200, { 'content-type': 'text/plain' });
      r.write('a\n');
      setTimeout(() => r.end('b\nc'), 20);
    });
    const c = client();
    expect(await readLogs(c, 'ns', 'p', { container: 'app', previous: true, tailLines: 50 })).toBe('one\ntwo');
    expect(seen[0].url).toBe('/api/v1/namespaces/ns/pods/p/log?container=app&previous=true&tailLines=50');
    const lines: string[] = [];
    for await (const l of followLogs(c, 'ns', 'p', { container: 'app' })) lines.push(l);
    expect(lines).toEqual(['a', 'b', 'c']);
    expect(seen[1].url).toContain('follow=true');
    c.close();
  });
});
