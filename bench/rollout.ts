// eks-rollout: how fast the verdict comes and what it costs, against the cluster simulator, side by
// side with real `kubectl rollout status` (/usr/bin/kubectl). Needs `node scripts/build.mjs eks-rollout`.
// Run: pnpm tsx bench/rollout.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, startCluster, type Cluster, type KObject } from '@dantaro/testkit';

const SCALE = 30; // simulated seconds per wall second
const REPO = 'registry.local/wallet/backend';
const img = (c: string) => `${REPO}@sha256:${c.repeat(64).slice(0, 64)}`;
const MISSING = img('f');

function deployment(ns: string, name: string, image = img('1'), pds = 600): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: { replicas: 3, progressDeadlineSeconds: pds, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } } },
  };
}

async function seed(c: Cluster, objs: KObject[]) {
  c.apply(objs);
  for (const o of objs) await c.waitFor(() => complete(c, o.metadata.namespace!, o.metadata.name!), 30_000);
}

function complete(c: Cluster, ns: string, name: string): boolean {
  const d = c.get('deployments', ns, name);
  const s = d?.status ?? {};
  return !!d && (s.observedGeneration ?? 0) >= d.metadata.generation! && s.updatedReplicas === d.spec.replicas && s.availableReplicas === d.spec.replicas && s.replicas === d.spec.replicas;
}

/** Run the bundle; resolves with wall times (ms since start) of the first stdout line matching `verdict`, and of exit. */
async function action(c: Cluster, inputs: Record<string, string>, verdict: RegExp) {
  const t0 = Date.now();
  let verdictAt = 0;
  const run = await runAction('eks-rollout', {
    inputs: { kubeconfig: c.kubeconfig(), timeout: '10m', ...inputs },
    env: { DANTARO_WATCH_SILENCE: '10' },
    timeoutMs: 300_000,
    onSpawn: (child) => child.stdout?.on('data', (d: Buffer) => void (!verdictAt && verdict.test(d.toString()) && (verdictAt = Date.now()))),
  });
  return { run, t0, verdictAt, exitAt: t0 + run.ms };
}

function kubectl(c: Cluster, ns: string, name: string): Promise<{ code: number; at: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-kubectl-'));
  writeFileSync(join(dir, 'config'), c.kubeconfig(), { mode: 0o600 });
  return new Promise((res) => {
    const p = spawn('/usr/bin/kubectl', ['--kubeconfig', join(dir, 'config'), '-n', ns, 'rollout', 'status', `deployment/${name}`], { stdio: 'ignore' });
    p.on('close', (code) => res({ code: code ?? 1, at: Date.now() }));
  });
}

/** Start kubectl the moment our patch lands (generation moves), as a user running it next would. */
async function kubectlAfterPatch(c: Cluster, ns: string, name: string, gen: number) {
  await c.waitFor(() => (c.get('deployments', ns, name)?.metadata.generation ?? 0) > gen, 60_000);
  return { started: Date.now(), result: await kubectl(c, ns, name) };
}

/** Requests kubectl makes for `set image` + `rollout status` of the same change (discovery included). */
async function kubectlRequests(c: Cluster): Promise<string> {
  const ns = 'kubectl-reqs';
  await seed(c, [deployment(ns, 'web')]);
  const dir = mkdtempSync(join(tmpdir(), 'bench-kubectl-'));
  writeFileSync(join(dir, 'config'), c.kubeconfig(), { mode: 0o600 });
  const before = c.requests.length;
  const run = (args: string[]) => new Promise<void>((res) => spawn('/usr/bin/kubectl', ['--kubeconfig', join(dir, 'config'), '--cache-dir', join(dir, 'cache'), '-n', ns, ...args], { stdio: 'ignore' }).on('close', () => res()));
  await run(['set', 'image', 'deployment/web', `app=${img('5')}`]);
  await run(['rollout', 'status', 'deployment/web']);
  const reqs = c.requests.slice(before);
  return `${reqs.length} (${reqs.filter((r) => r.path.includes('/namespaces/')).length} on the namespace, rest discovery; no pod view)`;
}

const rows: string[][] = [];
const row = (what: string, ours: string, theirs: string, goal: string) => rows.push([what, ours, theirs, goal]);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const c = await startCluster({ timeScale: SCALE, imageExists: async (i) => i !== MISSING });
try {
  // 1. verdict latency once the cluster is in its final state
  {
    const ns = 'lat';
    await seed(c, [deployment(ns, 'web')]);
    c.kubelet.behave({ image: img('2') }, 'ready-after=30s');
    let doneAt = 0;
    const poll = setInterval(() => !doneAt && c.get('deployments', ns, 'web')!.metadata.generation! > 1 && complete(c, ns, 'web') && (doneAt = Date.now()), 2);
    c.requests.length = 0;
    const k = kubectlAfterPatch(c, ns, 'web', 1);
    const a = await action(c, { namespace: ns, deployments: 'web', images: img('2') }, /successfully rolled out/);
    const kr = await k;
    clearInterval(poll);
    row('verdict latency after the cluster is done', `${a.verdictAt - doneAt} ms`, `${kr.result.at - doneAt} ms (process exit)`, '≤ 0.5 s');
    const reqs = c.requests.filter((r) => r.path.includes(`/namespaces/${ns}/`) || r.path.includes('selfsubject'));
    const by = (f: (r: (typeof reqs)[number]) => boolean) => reqs.filter(f).length;
    row(
      'API requests per rollout (1 deployment, 3 replicas)',
      `${reqs.length} (${by((r) => r.watch)} watch, ${by((r) => r.method === 'GET' && !r.watch)} get/list, ${by((r) => r.method === 'PATCH')} patch incl. dry run, ${by((r) => r.method === 'POST')} other)`,
      await kubectlRequests(c),
      'few; no polling',
    );
  }

  // 2. time to verdict for ImagePullBackOff and CrashLoopBackOff vs kubectl's 600 s progress deadline
  for (const [name, image, behaviour] of [
    ['ImagePullBackOff', MISSING, undefined],
    ['CrashLoopBackOff', img('3'), 'crashloop,run=2s,ready-after=60s'],
  ] as const) {
    const ns = name.toLowerCase();
    await seed(c, [deployment(ns, 'web')]);
    if (behaviour) c.kubelet.behave({ image }, behaviour);
    const k = kubectlAfterPatch(c, ns, 'web', 1);
    // grace periods are wall time in the action: scale the default 30 s to simulated time
    const a = await action(c, { namespace: ns, deployments: 'web', images: image, 'rollback-on-failure': 'false', 'image-pull-grace': `${30 / SCALE}s` }, /::error title=eks-rollout%3A web/);
    const kr = await k;
    const ours = (a.verdictAt - kr.started) * SCALE;
    const theirs = (kr.result.at - kr.started) * SCALE;
    row(`${name}: time to verdict (simulated)`, `${(ours / 1000).toFixed(0)} s (${a.run.outputs['failure-reason']})`, `${(theirs / 1000).toFixed(0)} s (exit ${kr.result.code})`, `≥ 20× sooner: ${(theirs / ours).toFixed(1)}×`);
  }

  // 3. three deployments in parallel vs the slowest alone
  {
    const alone = 'alone';
    await seed(c, [deployment(alone, 'slow')]);
    c.kubelet.behave({ image: img('4'), namespace: alone }, 'ready-after=60s');
    const one = await action(c, { namespace: alone, deployments: 'slow', images: img('4') }, /successfully rolled out/);
    const ns = 'three';
    await seed(c, [deployment(ns, 'backend'), deployment(ns, 'celery-worker'), deployment(ns, 'celery-beat')]);
    c.kubelet.behave({ image: img('4'), namespace: ns, labelSelector: 'app=backend' }, 'ready-after=60s');
    c.kubelet.behave({ image: img('4'), namespace: ns, labelSelector: 'app=celery-worker' }, 'ready-after=40s');
    c.kubelet.behave({ image: img('4'), namespace: ns, labelSelector: 'app=celery-beat' }, 'ready-after=20s');
    const three = await action(c, { namespace: ns, deployments: 'backend,celery-worker,celery-beat', images: img('4') }, /all 3 deployment/);
    const r1 = one.exitAt - one.t0;
    const r3 = three.exitAt - three.t0;
    row('3 deployments in parallel vs the slowest alone (wall)', `${s(r3)} vs ${s(r1)}`, 'Azure/k8s-deploy: serial', `≤ 1.2×: ${(r3 / r1).toFixed(2)}×`);
  }
} finally {
  await c.stop();
}

const widths = [0, 1, 2, 3].map((i) => Math.max(...[['measure', 'eks-rollout', 'kubectl rollout status', 'goal / ratio'], ...rows].map((r) => r[i].length)));
const line = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join(' | ');
console.log(line(['measure', 'eks-rollout', 'kubectl rollout status', 'goal / ratio']));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line(r));
