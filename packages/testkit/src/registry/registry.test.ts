import { stopAll } from '../process';
import { containerTools, type ContainerTools } from './container-tools';
import { startFaultProxy } from './fault-proxy';
import { startRegistry, type Registry } from './registry';

let reg: Registry;
let tools: ContainerTools;

beforeAll(async () => {
  reg = await startRegistry({ htpasswd: [{ user: 'ci', password: 'registry-pass-1' }] });
  tools = containerTools();
});
afterAll(async () => {
  await reg.stop();
  await stopAll();
});

test('htpasswd (bcrypt) auth: 401 without credentials, 200 with them', async () => {
  expect((await fetch(`${reg.url}/v2/`)).status).toBe(401);
  const ok = await fetch(`${reg.url}/v2/`, { headers: { authorization: `Basic ${Buffer.from('ci:registry-pass-1').toString('base64')}` } });
  expect(ok.status).toBe(200);
  const bad = await fetch(`${reg.url}/v2/`, { headers: { authorization: `Basic ${Buffer.from('ci:nope').toString('base64')}` } });
  expect(bad.status).toBe(401);
});

test('buildah push lands; imageExists, imageLabels and skopeo agree on it', async () => {
  const auth = reg.authFile();
  const ref = `${reg.host}/team/app:v1`;
  const digest = await tools.pushScratchImage(ref, { authFile: auth, labels: { 'org.example.x': 'y' } });
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(await reg.imageExists(ref)).toBe(true);
  expect(await reg.imageExists('team/app:v2')).toBe(false);
  expect(await reg.imageExists(`team/app@${digest}`)).toBe(true);
  expect(await reg.imageLabels(ref)).toMatchObject({ 'org.example.x': 'y' });
  expect(await tools.remoteDigest(ref, auth)).toBe(digest);
  expect(await reg.client.tags('team/app')).toEqual(['v1']);
  expect(tools.calls().some((c) => c.startsWith('buildah push'))).toBe(true);
});

test('fault proxy: fails the next N matching requests, then forwards', async () => {
  const proxy = await startFaultProxy(reg.url);
  try {
    proxy.failNext(2, 503, { path: /^\/v2\/$/, retryAfter: '1' });
    const a = await fetch(`${proxy.url}/v2/`);
    expect(a.status).toBe(503);
    expect(a.headers.get('retry-after')).toBe('1');
    expect((await fetch(`${proxy.url}/v2/`)).status).toBe(503);
    expect((await fetch(`${proxy.url}/v2/`)).status).toBe(401);
    proxy.failNext(1, 'reset');
    await expect(fetch(`${proxy.url}/v2/`)).rejects.toThrow();
    expect(proxy.requests.map((r) => [r.status, r.injected])).toEqual([
      [503, true],
      [503, true],
      [401, false],
      [0, true],
    ]);
  } finally {
    await proxy.stop();
  }
});
