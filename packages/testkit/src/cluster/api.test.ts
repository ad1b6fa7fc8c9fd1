// The REST surface: verbs, Status errors, resourceVersion semantics, watches, RBAC, faults, log.
import { type Cluster, startCluster } from './index';
import { call, deployment, watch } from './test-client';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ timeScale: 50, bookmarkIntervalMs: 100, watchHistory: 50, tokens: { 'limited-token': { user: 'ci-bot', forbid: [{ verb: 'patch', resource: 'deployments' }, { verb: 'list', resource: 'secrets' }] } } });
});
afterAll(() => c.stop());

const D = '/apis/apps/v1/namespaces/default/deployments';
const CM = '/api/v1/namespaces/default/configmaps';

describe('create / get / list', () => {
  it('create fills uid, creationTimestamp, generation=1 and resourceVersion; generateName makes a name', async () => {
    const r = await call(c, 'POST', CM, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cfg-' }, data: { a: '1' } } });
    expect(r.status).toBe(201);
    expect(r.json.metadata.name).toMatch(/^cfg-[a-z0-9]{5}$/);
    expect(r.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.json.metadata.resourceVersion).toMatch(/^\d+$/);
    const d = await call(c, 'POST', D, { body: deployment('gen') });
    expect(d.json.metadata.generation).toBe(1);
    expect(d.json.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  });

  it('errors are Status objects: NotFound, AlreadyExists, namespace missing, unknown path, Invalid', async () => {
    const nf = await call(c, 'GET', `${D}/nope`);
    expect(nf.status).toBe(404);
    expect(nf.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "nope" not found', reason: 'NotFound', details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404 });
    await call(c, 'POST', D, { body: deployment('dup') });
    const ae = await call(c, 'POST', D, { body: deployment('dup') });
    expect([ae.status, ae.json.reason, ae.json.message]).toEqual([409, 'AlreadyExists', 'deployments.apps "dup" already exists']);
    const ns = await call(c, 'POST', '/apis/apps/v1/namespaces/ghost/deployments', { body: deployment('x', { ns: 'ghost' }) });
    expect([ns.status, ns.json.message]).toEqual([404, 'namespaces "ghost" not found']);
    const bad = await call(c, 'GET', '/apis/apps/v1/namespaces/default/widgets');
    expect([bad.status, bad.json.message]).toEqual([404, 'the server could not find the requested resource']);
    const inv = deployment('inv');
    inv.spec.selector.matchLabels.app = 'other';
    const iv = await call(c, 'POST', D, { body: inv });
    expect([iv.status, iv.json.reason]).toEqual([422, 'Invalid']);
    expect(iv.json.message).toContain('`selector` does not match template `labels`');
  });

  it('lists carry the resourceVersion and filter by label and field selectors, all namespaces too', async () => {
    for (const [n, tier] of [['sel-a', 'web'], ['sel-b', 'db'], ['sel-c', 'web']]) await call(c, 'POST', CM, { body: { metadata: { name: n, labels: { tier, set: 'sel' } } } });
    const names = async (q: string, base = CM) => (await call(c, 'GET', `${base}?${q}`)).json.items.map((i: any) => i.metadata.name);
    expect(await names('labelSelector=set%3Dsel,tier%3Dweb')).toEqual(['sel-a', 'sel-c']);
    expect(await names('labelSelector=set%3Dsel,tier!%3Dweb')).toEqual(['sel-b']);
    expect(await names('labelSelector=set,tier+in+(db,cache)')).toEqual(['sel-b']);
    expect(await names('labelSelector=set,tier+notin+(db)')).toEqual(['sel-a', 'sel-c']);
    expect(await names('fieldSelector=metadata.name%3Dsel-b')).toEqual(['sel-b']);
    expect(await names('labelSelector=set%3Dsel', '/api/v1/configmaps')).toEqual(['sel-a', 'sel-b', 'sel-c']);
    const list = await call(c, 'GET', `${CM}?limit=2&labelSelector=set%3Dsel`);
    expect(list.json.kind).toBe('ConfigMapList');
    expect(Number(list.json.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(list.json.items).toHaveLength(2);
    const rest = await call(c, 'GET', `${CM}?limit=2&labelSelector=set%3Dsel&continue=${encodeURIComponent(list.json.metadata.continue)}`);
    expect(rest.json.items.map((i: any) => i.metadata.name)).toEqual(['sel-c']);
  });
});

describe('update and patch', () => {
  it('PUT with a stale resourceVersion is 409 Conflict; a current one succeeds', async () => {
    const created = (await call(c, 'POST', CM, { body: { metadata: { name: 'conflict' }, data: { v: '1' } } })).json;
    const ok = await call(c, 'PUT', `${CM}/conflict`, { body: { ...created, data: { v: '2' } } });
    expect(ok.status).toBe(200);
    const stale = await call(c, 'PUT', `${CM}/conflict`, { body: { ...created, data: { v: '3' } } });
    expect(stale.status).toBe(409);
    expect(stale.json.message).toBe('Operation cannot be fulfilled on configmaps "conflict": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('patch types: strategic (containers by name), merge, JSON patch; others 415; generation bumps on spec only', async () => {
    const base = deployment('patchme');
    base.spec.template.spec.containers.push({ name: 'side', image: 'side:1' });
    await call(c, 'POST', D, { body: base });
    const smp = await call(c, 'PATCH', `${D}/patchme`, { contentType: 'application/strategic-merge-patch+json', body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.local/app:v2' }] } } } } });
    expect(smp.json.spec.template.spec.containers.map((x: any) => x.image)).toEqual(['registry.local/app:v2', 'side:1']);
    expect(smp.json.metadata.generation).toBe(2);
    const mp = await call(c, 'PATCH', `${D}/patchme`, { contentType: 'application/merge-patch+json', body: { metadata: { annotations: { a: 'b' } } } });
    expect(mp.json.metadata.generation).toBe(2);
    const jp = await call(c, 'PATCH', `${D}/patchme`, { contentType: 'application/json-patch+json', body: [{ op: 'replace', path: '/spec/replicas', value: 5 }] });
    expect([jp.json.spec.replicas, jp.json.metadata.generation]).toEqual([5, 3]);
    const bad = await call(c, 'PATCH', `${D}/patchme`, { contentType: 'application/json', body: { spec: {} } });
    expect([bad.status, bad.json.reason]).toEqual([415, 'UnsupportedMediaType']);
  });

  it('dryRun=All returns the result without storing it', async () => {
    const r = await call(c, 'POST', `${CM}?dryRun=All`, { body: { metadata: { name: 'dry' } } });
    expect(r.status).toBe(201);
    expect((await call(c, 'GET', `${CM}/dry`)).status).toBe(404);
    await call(c, 'POST', CM, { body: { metadata: { name: 'dry2' }, data: { a: '1' } } });
    const p = await call(c, 'PATCH', `${CM}/dry2?dryRun=All`, { contentType: 'application/merge-patch+json', body: { data: { a: '2' } } });
    expect(p.json.data.a).toBe('2');
    expect((await call(c, 'GET', `${CM}/dry2`)).json.data.a).toBe('1');
  });

  it('scale subresource reads and writes spec.replicas', async () => {
    await call(c, 'POST', D, { body: deployment('scaled', { replicas: 1 }) });
    const s = await call(c, 'PATCH', `${D}/scaled/scale`, { contentType: 'application/merge-patch+json', body: { spec: { replicas: 4 } } });
    expect(s.json).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 4 }, status: { selector: 'app=scaled' } });
    expect(c.get('deployments', 'default', 'scaled')!.spec.replicas).toBe(4);
  });

  it('status subresource writes status only; the main resource ignores status', async () => {
    await call(c, 'POST', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', { body: { metadata: { name: 'h' }, spec: { minReplicas: 1, maxReplicas: 3, scaleTargetRef: { kind: 'Deployment', name: 'x', apiVersion: 'apps/v1' } } } });
    const h = await call(c, 'PUT', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/h/status', { body: { metadata: { name: 'h' }, spec: { maxReplicas: 99 }, status: { currentReplicas: 2, desiredReplicas: 2 } } });
    expect(h.json.status.currentReplicas).toBe(2);
    expect(h.json.spec.maxReplicas).toBe(3);
  });
});

describe('RBAC simulation', () => {
  it('a limited token gets 403 with the authorizer wording, and may do the rest', async () => {
    const p = await call(c, 'PATCH', `${D}/patchme`, { token: 'limited-token', contentType: 'application/merge-patch+json', body: {} });
    expect(p.status).toBe(403);
    expect(p.json.message).toBe('deployments.apps "patchme" is forbidden: User "ci-bot" cannot patch resource "deployments" in API group "apps" in the namespace "default"');
    const l = await call(c, 'GET', '/api/v1/namespaces/default/secrets', { token: 'limited-token' });
    expect(l.json.message).toBe('secrets is forbidden: User "ci-bot" cannot list resource "secrets" in API group "" in the namespace "default"');
    expect((await call(c, 'GET', `${D}/patchme`, { token: 'limited-token' })).status).toBe(200);
    c.addToken('late', { user: 'late-user', forbid: [{ verb: 'get', resource: 'nodes' }] });
    const n = await call(c, 'GET', '/api/v1/nodes/sandbox-node', { token: 'late' });
    expect(n.json.message).toBe('nodes "sandbox-node" is forbidden: User "late-user" cannot get resource "nodes" in API group "" at the cluster scope');
  });
});

describe('watch', () => {
  it('from a list resourceVersion sends only later events (watch=1 and watch=true)', async () => {
    const list = await call(c, 'GET', `${CM}?labelSelector=w%3D1`);
    const rv = list.json.metadata.resourceVersion;
    const w = watch(c, `${CM}?watch=1&labelSelector=w%3D1&resourceVersion=${rv}`);
    const w2 = watch(c, `${CM}?watch=true&fieldSelector=metadata.name%3Dw-b&resourceVersion=${rv}`);
    await call(c, 'POST', CM, { body: { metadata: { name: 'w-a', labels: { w: '1' } } } });
    await call(c, 'POST', CM, { body: { metadata: { name: 'w-b', labels: { w: '1' } } } });
    await call(c, 'PATCH', `${CM}/w-a`, { contentType: 'application/merge-patch+json', body: { metadata: { labels: { w: '2' } } } });
    await call(c, 'DELETE', `${CM}/w-b`);
    await w.until((e) => e.length >= 4);
    expect(w.events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'w-a'],
      ['ADDED', 'w-b'],
      ['DELETED', 'w-a'], // left the selector
      ['DELETED', 'w-b'],
    ]);
    await w2.until((e) => e.length >= 2);
    expect(w2.events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
    // resuming from the first event's RV replays exactly what followed
    const resume = watch(c, `${CM}?watch=true&labelSelector=w%3D1&resourceVersion=${w.events[0].object.metadata.resourceVersion}`);
    await resume.until((e) => e.length >= 3);
    expect(resume.events.map((e) => e.object.metadata.name)).toEqual(['w-b', 'w-a', 'w-b']);
    for (const x of [w, w2, resume]) x.close();
  });

  it('BOOKMARKs when allowed, and the stream ends at timeoutSeconds', async () => {
    const w = watch(c, `${CM}?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=${(await call(c, 'GET', CM)).json.metadata.resourceVersion}`);
    await w.ended;
    const bm = w.events.filter((e) => e.type === 'BOOKMARK');
    expect(bm.length).toBeGreaterThanOrEqual(3);
    expect(bm[0].object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
  });

  it('a resourceVersion older than the retained window is an ERROR event with a 410 Expired Status', async () => {
    const old = (await call(c, 'GET', CM)).json.metadata.resourceVersion;
    for (let i = 0; i < 70; i++) await call(c, 'POST', CM, { body: { metadata: { name: `churn-${i}` } } });
    const w = watch(c, `${CM}?watch=true&resourceVersion=${old}`);
    await w.ended;
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 } });
    expect(w.events[0].object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('no resourceVersion: current objects as ADDED first', async () => {
    const w = watch(c, `${CM}?watch=true&fieldSelector=metadata.name%3Dsel-a`);
    await w.until((e) => e.length === 1);
    expect(w.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'sel-a' } } });
    w.close();
  });
});

describe('faults and the request log', () => {
  it('status with Retry-After, `times`, then normal service', async () => {
    c.faults.add({ method: 'GET', path: `${D}/patchme`, status: 429, retryAfter: 2, times: 2 });
    const a = await call(c, 'GET', `${D}/patchme`);
    expect([a.status, a.headers['retry-after'], a.json.reason]).toEqual([429, '2', 'TooManyRequests']);
    expect((await call(c, 'GET', `${D}/patchme`)).status).toBe(429);
    expect((await call(c, 'GET', `${D}/patchme`)).status).toBe(200);
    const f = c.faults.add({ path: /\/deployments\/patchme$/, status: 503 });
    expect((await call(c, 'GET', `${D}/patchme`)).json.reason).toBe('ServiceUnavailable');
    f.remove();
  });

  it('connection reset and delay', async () => {
    c.faults.add({ path: `${D}/patchme`, reset: true, times: 1 });
    await expect(call(c, 'GET', `${D}/patchme`)).rejects.toThrow(/ECONNRESET|socket hang up/);
    c.faults.add({ path: `${D}/patchme`, delayMs: 300, times: 1 });
    const t0 = Date.now();
    expect((await call(c, 'GET', `${D}/patchme`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });

  it('watch faults: drop after n events, silent, gone', async () => {
    const rv = (await call(c, 'GET', CM)).json.metadata.resourceVersion;
    c.faults.add({ path: CM, watchDropAfter: 2, times: 1 });
    const w = watch(c, `${CM}?watch=true&resourceVersion=${rv}`);
    for (let i = 0; i < 4; i++) await call(c, 'POST', CM, { body: { metadata: { name: `drop-${i}` } } });
    await w.ended;
    expect(w.events).toHaveLength(2);
    c.faults.add({ path: CM, watchGone: true, times: 1 });
    const g = watch(c, `${CM}?watch=true&resourceVersion=${rv}`);
    await g.ended;
    expect(g.events[0].object.code).toBe(410);
    c.faults.add({ path: CM, watchSilent: true, times: 1 });
    const s = watch(c, `${CM}?watch=true&resourceVersion=${rv}`);
    await call(c, 'POST', CM, { body: { metadata: { name: 'unheard' } } });
    await new Promise((r) => setTimeout(r, 100));
    expect(s.events).toHaveLength(0);
    s.close();
  });

  it('records method, path, query, content type and status', async () => {
    c.requests.length = 0;
    await call(c, 'PATCH', `${D}/patchme?dryRun=All`, { contentType: 'application/merge-patch+json', body: {} });
    await call(c, 'GET', `${D}/none`);
    expect(c.requests.map((r) => [r.method, r.path, r.query, r.contentType, r.status])).toEqual([
      ['PATCH', `${D}/patchme`, { dryRun: 'All' }, 'application/merge-patch+json', 200],
      ['GET', `${D}/none`, {}, undefined, 404],
    ]);
    expect(c.requests.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !r.query.dryRun)).toHaveLength(0);
  });
});

describe('delete', () => {
  it('deleting a deployment cascades to its ReplicaSets and pods (background); orphan keeps them', async () => {
    await call(c, 'POST', D, { body: deployment('cascade', { replicas: 2 }) });
    await c.waitFor(() => c.list('pods', 'default').filter((p) => p.metadata.labels?.app === 'cascade').length === 2);
    const del = await call(c, 'DELETE', `${D}/cascade`, { body: { propagationPolicy: 'Background' } });
    expect(del.json).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'cascade', kind: 'deployments' } });
    await c.waitFor(() => !c.list('replicasets', 'default').some((r) => r.metadata.labels?.app === 'cascade') && !c.list('pods', 'default').some((p) => p.metadata.labels?.app === 'cascade'), 15_000, 'cascade');

    await call(c, 'POST', D, { body: deployment('orphan', { replicas: 1 }) });
    await c.waitFor(() => c.list('pods', 'default').some((p) => p.metadata.labels?.app === 'orphan'));
    await call(c, 'DELETE', `${D}/orphan?propagationPolicy=Orphan`);
    await new Promise((r) => setTimeout(r, 100));
    const rs = c.list('replicasets', 'default').find((r) => r.metadata.labels?.app === 'orphan');
    expect(rs?.metadata.ownerReferences).toBeUndefined();
  });

  it('foreground deletion keeps the owner (deletionTimestamp + finalizer) until dependents are gone', async () => {
    await call(c, 'POST', D, { body: deployment('fg', { replicas: 1 }) });
    await c.waitFor(() => c.list('pods', 'default').some((p) => p.metadata.labels?.app === 'fg' && p.status?.phase === 'Running'));
    const r = await call(c, 'DELETE', `${D}/fg`, { body: { propagationPolicy: 'Foreground' } });
    expect(r.json.metadata.finalizers).toContain('foregroundDeletion');
    expect(r.json.metadata.deletionTimestamp).toBeDefined();
    await c.waitFor(() => !c.get('deployments', 'default', 'fg'), 15_000, 'foreground delete');
    expect(c.list('pods', 'default').some((p) => p.metadata.labels?.app === 'fg')).toBe(false);
  });
});

describe('SelfSubjectAccessReview', () => {
  it('answers from the forbid list', async () => {
    const review = (verb: string, token: string) =>
      call(c, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { token, body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: 'default', verb, group: 'apps', resource: 'deployments', name: 'x' } } } });
    const no = await review('patch', 'limited-token');
    expect([no.status, no.json.status.allowed]).toEqual([201, false]);
    expect((await review('get', 'limited-token')).json.status.allowed).toBe(true);
    expect((await review('patch', c.token)).json.status.allowed).toBe(true);
  });
});
