import type { Cluster, FaultSpec } from '@dantaro/testkit';
import { deployment, digest, IMG_V1, IMG_V2, imagesOf, REPO, rollout, sandbox, seed } from './sandbox';

// The fault matrix: transient API trouble (5xx, 429 + Retry-After, resets, dropped/silent/expired
// watches, write conflicts) must not change the verdict; each case checks the right one.
let cluster: Cluster;
const CRASH = `${REPO}@${digest('d')}`;
beforeAll(async () => {
  cluster = await sandbox();
  cluster.kubelet.behave({ image: CRASH }, 'crashloop,run=1s,ready-after=30s');
});
afterAll(() => cluster?.stop());

const dep = (ns: string) => new RegExp(`^/apis/apps/v1/namespaces/${ns}/deployments/web$`);
const deps = (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments`;
const pods = (ns: string) => `/api/v1/namespaces/${ns}/pods`;
const rss = (ns: string) => `/apis/apps/v1/namespaces/${ns}/replicasets`;

type Case = [string, (ns: string) => FaultSpec[], 'success' | 'rolled-back', string?];
const cases: Case[] = [
  ['GET deployment 503 ×2', (ns) => [{ method: 'GET', path: dep(ns), status: 503, times: 2 }], 'success'],
  ['GET deployment 500 ×3', (ns) => [{ method: 'GET', path: dep(ns), status: 500, times: 3 }], 'success'],
  ['GET deployment 429 Retry-After 1 ×2', (ns) => [{ method: 'GET', path: dep(ns), status: 429, retryAfter: 1, times: 2 }], 'success'],
  ['GET deployment connection reset ×2', (ns) => [{ method: 'GET', path: dep(ns), reset: true, times: 2 }], 'success'],
  ['PATCH 503 ×2 (dry run and write)', (ns) => [{ method: 'PATCH', path: dep(ns), status: 503, times: 2 }], 'success'],
  ['PATCH 429 Retry-After 1 ×1', (ns) => [{ method: 'PATCH', path: dep(ns), status: 429, retryAfter: 1, times: 1 }], 'success'],
  ['PATCH connection reset ×2', (ns) => [{ method: 'PATCH', path: dep(ns), reset: true, times: 2 }], 'success'],
  ['deployment watch dropped after 1 event ×3', (ns) => [{ path: deps(ns), watchDropAfter: 1, times: 3 }], 'success'],
  ['deployment watch silent ×1', (ns) => [{ path: deps(ns), watchSilent: true, times: 1 }], 'success'],
  ['deployment watch 410 Gone ×2', (ns) => [{ path: deps(ns), watchGone: true, times: 2 }], 'success'],
  ['deployment list 500 ×2', (ns) => [{ method: 'GET', path: deps(ns), status: 500, times: 2 }], 'success'],
  ['pod watch dropped after 1 event ×3', (ns) => [{ path: pods(ns), watchDropAfter: 1, times: 3 }], 'success'],
  ['pod list reset ×2', (ns) => [{ method: 'GET', path: pods(ns), reset: true, times: 2 }], 'success'],
  ['replicaset list 503 ×3', (ns) => [{ method: 'GET', path: rss(ns), status: 503, times: 3 }], 'success'],
  ['crash loop + deployment watch 410 ×1', (ns) => [{ path: deps(ns), watchGone: true, times: 1 }], 'rolled-back', 'CrashLoopBackOff'],
  ['crash loop + pod watch silent ×1', (ns) => [{ path: pods(ns), watchSilent: true, times: 1 }], 'rolled-back', 'CrashLoopBackOff'],
  ['crash loop + pod logs 500 (diagnosis degrades, verdict holds)', (ns) => [{ method: 'GET', path: new RegExp(`^${pods(ns)}/[^/]+/log$`), status: 500, times: 20 }], 'rolled-back', 'CrashLoopBackOff'],
  ['crash loop + replicaset list 500 ×2 during rollback', (ns) => [{ method: 'GET', path: rss(ns), status: 500, times: 2 }], 'rolled-back', 'CrashLoopBackOff'],
];

let n = 0;
it.each(cases.map(([name, faults, result, reason]) => ({ name, faults, result, reason })))('$name → $result', async ({ faults, result, reason }) => {
  const ns = `f${++n}`;
  await seed(cluster, [deployment(ns, 'web')]);
  for (const f of faults(ns)) cluster.faults.add(f);
  const image = result === 'success' ? IMG_V2 : CRASH;
  const run = await rollout(cluster, { namespace: ns, deployments: 'web', images: image, 'crashloop-restarts': '2' });
  for (const f of cluster.faults.active) f.remove();
  expect({ result: run.outputs.result, reason: run.outputs['failure-reason'] || undefined }).toEqual({ result, reason });
  expect(imagesOf(cluster, ns, 'web')).toEqual([result === 'success' ? IMG_V2 : IMG_V1]);
});

it('409 from a concurrent writer: re-read and re-apply', async () => {
  const ns = 'conflict';
  await seed(cluster, [deployment(ns, 'web')]);
  // hold the dry-run PATCH while "someone else" writes: our real PATCH then carries a stale resourceVersion
  const hold = cluster.faults.add({ method: 'PATCH', path: dep(ns), delayMs: 1500, times: 1 });
  const running = rollout(cluster, { namespace: ns, deployments: 'web', images: IMG_V2 });
  await cluster.waitFor(() => !cluster.faults.active.includes(hold), 30_000, 'the dry run to start');
  const cur = cluster.get('deployments', ns, 'web')!;
  cluster.apply({ ...cur, metadata: { ...cur.metadata, annotations: { ...cur.metadata.annotations, 'someone/else': 'was here' } } });
  const run = await running;
  expect(run.outputs.result).toBe('success');
  const patches = cluster.requests.filter((r) => r.method === 'PATCH' && r.path.includes(`/namespaces/${ns}/`) && !r.query.dryRun);
  expect(patches.map((p) => p.status)).toEqual([409, 200]);
  expect(imagesOf(cluster, ns, 'web')).toEqual([IMG_V2]);
  expect(cluster.get('deployments', ns, 'web')!.metadata.annotations!['someone/else']).toBe('was here');
});
