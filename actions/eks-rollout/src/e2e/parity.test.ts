import type { Cluster } from '@dantaro/testkit';
import { deployment, digest, IMG_V2, kubectlRolloutStatus, REPO, rollout, sandbox, seed } from './sandbox';

// The oracle: for every scripted scenario, the action's verdict (rollback off, so the cluster keeps
// the outcome) equals real `kubectl rollout status` against the same simulator — kubectl just gets
// there later (at the progress deadline) and says less.
let cluster: Cluster;
const img = (c: string) => `${REPO}@${digest(c)}`;
const MISSING = img('f');
beforeAll(async () => {
  cluster = await sandbox({ imageExists: async (i) => i !== MISSING });
});
afterAll(() => cluster?.stop());

const scenarios: Array<{ name: string; image: string; behaviour?: string; ok: boolean; quota?: boolean }> = [
  { name: 'healthy', image: IMG_V2, ok: true },
  { name: 'slow but healthy', image: img('1a'), behaviour: 'ready-after=40s', ok: true },
  { name: 'image missing', image: MISSING, ok: false },
  { name: 'invalid image name', image: `${REPO}@sha256:${'b'.repeat(40)}`, ok: false },
  { name: 'crash loop', image: img('2a'), behaviour: 'crashloop,run=1s,ready-after=30s', ok: false },
  { name: 'OOMKilled', image: img('3a'), behaviour: 'oom,run=1s,ready-after=30s', ok: false },
  { name: 'never ready', image: img('4a'), behaviour: 'never-ready', ok: false },
  { name: 'unschedulable', image: img('5a'), behaviour: 'unschedulable', ok: false },
  { name: 'quota exceeded', image: IMG_V2, ok: false, quota: true },
];

let n = 0;
it.each(scenarios)('$name: action and kubectl agree', async ({ image, behaviour, ok, quota }) => {
  const ns = `p${++n}`;
  if (behaviour) cluster.kubelet.behave({ image }, behaviour);
  if (quota) cluster.apply({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'pods', namespace: ns }, spec: { hard: { pods: '2' } } });
  await seed(cluster, [deployment(ns, 'web', { progressDeadlineSeconds: 60 })]);
  const run = await rollout(cluster, { namespace: ns, deployments: 'web', images: image, 'rollback-on-failure': 'false' });
  const kubectl = await kubectlRolloutStatus(cluster, ns, 'web', 60);
  expect({ action: run.outputs.result === 'success', kubectl: kubectl.code === 0 }).toEqual({ action: ok, kubectl: ok });
  if (ok) {
    expect(kubectl.out.trim().split('\n').pop()).toBe('deployment "web" successfully rolled out');
    expect(run.stdout).toContain('deployment "web" successfully rolled out');
  } else {
    expect(kubectl.out).toContain('error: deployment "web" exceeded its progress deadline');
  }
});
