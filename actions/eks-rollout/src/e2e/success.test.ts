import { assertNoLeak, type Cluster } from '@dantaro/testkit';
import { deployment, IMG_V1, IMG_V2, imagesOf, outputsJson, revisionOf, rollout, sandbox, seed, writes } from './sandbox';

// The happy paths through the bundle: the DantaroWallet shape (backend, celery worker and beat
// sharing one image), selector targeting, named containers, dry run.
let cluster: Cluster;
beforeAll(async () => {
  cluster = await sandbox();
});
afterAll(() => cluster?.stop());

it('moves three Deployments sharing an image together, in parallel, with change-cause, outputs and summary', async () => {
  const ns = 'wallet';
  await seed(cluster, [deployment(ns, 'backend', { replicas: 3 }), deployment(ns, 'celery-worker'), deployment(ns, 'celery-beat', { replicas: 1, containers: [{ name: 'beat', image: IMG_V1 }, { name: 'statsd', image: 'prom/statsd-exporter:v0.26.0' }] })]);
  cluster.requests.length = 0;
  const run = await rollout(cluster, { namespace: ns, deployments: 'backend\ncelery-worker\ncelery-beat', images: IMG_V2 });
  expect(run.code).toBe(0);
  expect(run.outputs.result).toBe('success');
  expect(run.outputs['failure-reason']).toBe('');
  for (const d of ['backend', 'celery-worker']) expect(imagesOf(cluster, ns, d)).toEqual([IMG_V2]);
  expect(imagesOf(cluster, ns, 'celery-beat')).toEqual([IMG_V2, 'prom/statsd-exporter:v0.26.0']); // other repositories untouched
  for (const d of ['backend', 'celery-worker', 'celery-beat']) expect(revisionOf(cluster, ns, d)).toBe(2);

  // all three patched (strategic merge) before any verdict was possible: parallel, not serial
  const patches = cluster.requests.filter((r) => r.method === 'PATCH' && !r.query.dryRun);
  expect(patches).toHaveLength(3);
  expect(new Set(patches.map((p) => p.contentType))).toEqual(new Set(['application/strategic-merge-patch+json']));
  const firstPatch = cluster.requests.indexOf(patches[0]);
  const lastPatch = cluster.requests.indexOf(patches[2]);
  const watchesBetween = cluster.requests.slice(firstPatch, lastPatch).filter((r) => r.watch);
  expect(watchesBetween).toHaveLength(0);

  const cause = cluster.get('deployments', ns, 'backend')!.metadata.annotations!['kubernetes.io/change-cause'];
  expect(cause).toContain(IMG_V2);
  expect(cause).toContain('dantaro/wallet@0123456789ab');
  expect(cause).toContain('https://github.com/dantaro/wallet/actions/runs/4242');

  expect(run.outputs.revision).toBe('2');
  expect(run.outputs['previous-revision']).toBe('1');
  expect(JSON.parse(run.outputs['previous-images'])).toEqual({ backend: { backend: IMG_V1 }, 'celery-worker': { 'celery-worker': IMG_V1 }, 'celery-beat': { beat: IMG_V1 } });
  const deps = outputsJson(run);
  expect(deps.map((d) => [d.name, d.verdict, d.to])).toEqual([
    ['backend', 'success', { backend: IMG_V2 }],
    ['celery-worker', 'success', { 'celery-worker': IMG_V2 }],
    ['celery-beat', 'success', { beat: IMG_V2 }],
  ]);
  // kubectl's progress lines, inside groups
  expect(run.stdout).toContain('::group::Waiting for the rollout');
  expect(run.stdout).toContain('deployment "backend" successfully rolled out');
  expect(run.stdout).toMatch(/Waiting for deployment "backend" rollout to finish: \d+ (out of 3 new replicas have been updated|old replicas are pending termination|of 3 updated replicas are available)\.\.\./);
  // summary: table and Mermaid timeline
  expect(run.summary).toContain('| deployment | from → to | verdict | seconds | revision |');
  expect(run.summary).toMatch(/\| backend \| backend: registry\.local\/wallet\/backend@sha256:111111111111… → registry\.local\/wallet\/backend@sha256:222222222222… \| success \|/);
  expect(run.summary).toContain('```mermaid\ngantt');
  assertNoLeak(run, [cluster.token]);
});

it('selector targets every matching Deployment and skips ones without a matching container', async () => {
  const ns = 'sel';
  await seed(cluster, [
    deployment(ns, 'api', { labels: { tier: 'app' } }),
    deployment(ns, 'worker', { labels: { tier: 'app' } }),
    deployment(ns, 'redis', { labels: { tier: 'app' }, containers: [{ name: 'redis', image: 'redis:7.2' }] }),
    deployment(ns, 'other', { labels: { tier: 'other' } }),
  ]);
  const run = await rollout(cluster, { namespace: ns, selector: 'tier=app', images: IMG_V2 });
  expect(run.code).toBe(0);
  expect(outputsJson(run).map((d) => d.name).sort()).toEqual(['api', 'worker']);
  expect(imagesOf(cluster, ns, 'redis')).toEqual(['redis:7.2']);
  expect(imagesOf(cluster, ns, 'other')).toEqual([IMG_V1]);
  expect(run.stdout).toContain('deployment "redis" matches the selector but has no container the images apply to');
});

it('named containers (container=image) and a latest-tag warning', async () => {
  const ns = 'named';
  await seed(cluster, [deployment(ns, 'web', { containers: [{ name: 'app', image: IMG_V1 }, { name: 'proxy', image: 'envoyproxy/envoy:v1.29.0' }] })]);
  const run = await rollout(cluster, { namespace: ns, deployments: 'web', images: 'proxy=envoyproxy/envoy:latest' });
  expect(run.code).toBe(0);
  expect(imagesOf(cluster, ns, 'web')).toEqual([IMG_V1, 'envoyproxy/envoy:latest']);
  expect(run.stdout).toMatch(/::warning::image "envoyproxy\/envoy:latest" uses the "latest" tag/);
});

it('dry-run: server-side dryRun=All, shows the change, writes nothing', async () => {
  const ns = 'dry';
  await seed(cluster, [deployment(ns, 'web')]);
  cluster.requests.length = 0;
  const run = await rollout(cluster, { namespace: ns, deployments: 'web', images: IMG_V2, 'dry-run': 'true' });
  expect(run.code).toBe(0);
  expect(run.outputs.result).toBe('success');
  expect(outputsJson(run)[0].verdict).toBe('dry-run');
  expect(cluster.requests.some((r) => r.method === 'PATCH' && r.query.dryRun === 'All')).toBe(true);
  expect(writes(cluster)).toEqual([]);
  expect(imagesOf(cluster, ns, 'web')).toEqual([IMG_V1]);
  expect(run.stdout).toContain(`web: container web: ${IMG_V1} → ${IMG_V2}`);
  expect(run.summary).toContain('dry run');
});

it('same image again: nothing written, verdict from the status', async () => {
  const ns = 'same';
  await seed(cluster, [deployment(ns, 'web')]);
  cluster.requests.length = 0;
  const run = await rollout(cluster, { namespace: ns, deployments: 'web', images: IMG_V1 });
  expect(run.code).toBe(0);
  expect(writes(cluster)).toEqual([]);
  expect(revisionOf(cluster, ns, 'web')).toBe(1);
});
