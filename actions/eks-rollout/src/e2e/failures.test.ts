import { assertNoLeak, type Cluster } from '@dantaro/testkit';
import { deployment, digest, IMG_V1, IMG_V2, imagesOf, outputsJson, REPO, revisionOf, rollout, sandbox, seed } from './sandbox';

// Each failure class: detected from the new ReplicaSet's pods/conditions, diagnosed, rolled back
// (images back, available, revision advanced), reported in outputs, log, annotation and summary.
let cluster: Cluster;
const MISSING = `${REPO}@${digest('9')}`;
beforeAll(async () => {
  cluster = await sandbox({ imageExists: async (image) => image !== MISSING });
});
afterAll(() => cluster?.stop());

async function failAndRollBack(ns: string, image: string, reason: string, extra: Record<string, string> = {}, opts: Parameters<typeof deployment>[2] = {}) {
  await seed(cluster, [deployment(ns, 'web', opts)]);
  const run = await rollout(cluster, { namespace: ns, deployments: 'web', images: image, ...extra });
  expect(run.code).not.toBe(0);
  expect(run.outputs['failure-reason']).toBe(reason);
  expect(run.outputs.result).toBe('rolled-back');
  // rollback verified: images back, all available, revision advanced past the failed one
  const d = cluster.get('deployments', ns, 'web')!;
  expect(imagesOf(cluster, ns, 'web')).toEqual([IMG_V1]);
  expect(d.status.availableReplicas).toBe(d.spec.replicas);
  expect(revisionOf(cluster, ns, 'web')).toBe(3);
  expect(run.outputs.revision).toBe('3');
  expect(run.outputs['previous-revision']).toBe('1');
  const out = outputsJson(run)[0];
  expect(out).toMatchObject({ verdict: 'failed', reason, rollback: 'rolled-back', revision: 2, rollbackRevision: 3 });
  expect(run.stdout).toContain('deployment.apps/web rolled back');
  expect(run.stdout).toContain(`::error title=eks-rollout%3A web ${reason}::`);
  expect(run.summary).toContain(reason);
  assertNoLeak(run, [cluster.token]);
  return run;
}

it('ImagePullBackOff past image-pull-grace', async () => {
  const run = await failAndRollBack('pull', MISSING, 'ImagePullBackOff');
  expect(run.stdout).toMatch(/container web: waiting (ErrImagePull|ImagePullBackOff)/);
  expect(run.stdout).toContain('recent warning events:');
});

it('InvalidImageName at once', async () => {
  await failAndRollBack('invalid', `${REPO}@sha256:${'a'.repeat(40)}`, 'InvalidImageName');
});

it('CrashLoopBackOff at crashloop-restarts, with the previous container\'s logs', async () => {
  cluster.kubelet.behave({ image: `${REPO}@${digest('3')}` }, 'crashloop,run=1s,ready-after=30s,logs=booting|Traceback: KeyError DATABASE_URL');
  const run = await failAndRollBack('crash', `${REPO}@${digest('3')}`, 'CrashLoopBackOff', { 'crashloop-restarts': '2' });
  expect(run.stdout).toContain('last log lines of web (previous instance)');
  expect(run.stdout).toContain('Traceback: KeyError DATABASE_URL');
  expect(run.summary).toContain('Traceback: KeyError DATABASE_URL');
});

it('OOMKilled on first occurrence', async () => {
  cluster.kubelet.behave({ image: `${REPO}@${digest('4')}` }, 'oom,run=1s,ready-after=30s');
  const run = await failAndRollBack('oom', `${REPO}@${digest('4')}`, 'OOMKilled');
  expect(run.stdout).toContain('OOMKilled');
});

it('CreateContainerConfigError that persists (secret deleted after the last good rollout)', async () => {
  cluster.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'cfg' }, data: { url: Buffer.from('x').toString('base64') } });
  const env = [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }];
  await seed(cluster, [deployment('cfg', 'web', { env })]);
  cluster.delete('secrets', 'cfg', 'db');
  const run = await rollout(cluster, { namespace: 'cfg', deployments: 'web', images: IMG_V2 });
  expect(run.outputs['failure-reason']).toBe('CreateContainerConfigError');
  expect(run.outputs.result).toBe('rolled-back');
  expect(imagesOf(cluster, 'cfg', 'web')).toEqual([IMG_V1]);
});

it('ReplicaFailure (exceeded quota) at once', async () => {
  cluster.apply({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'pods', namespace: 'quota' }, spec: { hard: { pods: '2' } } });
  await failAndRollBack('quota', IMG_V2, 'ReplicaFailure');
});

it('ProgressDeadlineExceeded (never ready) with kubectl\'s message', async () => {
  cluster.kubelet.behave({ image: `${REPO}@${digest('5')}` }, 'never-ready');
  const run = await failAndRollBack('deadline', `${REPO}@${digest('5')}`, 'ProgressDeadlineExceeded', {}, { progressDeadlineSeconds: 30 });
  expect(run.stdout).toContain('deployment "web" exceeded its progress deadline');
});

it('Unschedulable warns, then is the reason at the deadline', async () => {
  cluster.kubelet.behave({ image: `${REPO}@${digest('6')}` }, 'unschedulable');
  const run = await failAndRollBack('unsched', `${REPO}@${digest('6')}`, 'Unschedulable', {}, { progressDeadlineSeconds: 40 });
  expect(run.stdout).toMatch(/::warning::pod web-[a-z0-9-]+ is unschedulable/);
});

it('Timeout (the action\'s own deadline)', async () => {
  cluster.kubelet.behave({ image: `${REPO}@${digest('7')}` }, 'never-ready');
  await failAndRollBack('timeout', `${REPO}@${digest('7')}`, 'Timeout', { timeout: '3s' });
});

it('fail-fast off waits for the progress deadline; rollback off leaves the failed image', async () => {
  cluster.kubelet.behave({ image: `${REPO}@${digest('8')}` }, 'crashloop,run=1s,ready-after=30s');
  await seed(cluster, [deployment('nofast', 'web', { progressDeadlineSeconds: 30 })]);
  const run = await rollout(cluster, { namespace: 'nofast', deployments: 'web', images: `${REPO}@${digest('8')}`, 'fail-fast': 'false', 'rollback-on-failure': 'false' });
  expect(run.code).not.toBe(0);
  expect(run.outputs).toMatchObject({ result: 'failed', 'failure-reason': 'ProgressDeadlineExceeded' });
  expect(run.stdout).toContain('is crash-looping'); // a warning only: the deadline decides
  expect(imagesOf(cluster, 'nofast', 'web')).toEqual([`${REPO}@${digest('8')}`]);
});

it('rollback-failed when the old revision no longer comes up', async () => {
  const bad = `${REPO}@${digest('b')}`;
  const old = `${REPO}@${digest('c')}`;
  await seed(cluster, [deployment('rbfail', 'web', { recreate: true, replicas: 1, containers: [{ name: 'web', image: old }] })]);
  cluster.kubelet.behave({ image: bad }, 'crashloop,run=1s,ready-after=30s');
  cluster.kubelet.behave({ image: old }, 'crashloop,run=1s,ready-after=30s'); // e.g. its database schema is gone
  const run = await rollout(cluster, { namespace: 'rbfail', deployments: 'web', images: bad, 'crashloop-restarts': '1' });
  expect(run.outputs.result).toBe('rollback-failed');
  expect(run.outputs['failure-reason']).toBe('CrashLoopBackOff');
  expect(outputsJson(run)[0].rollback).toBe('rollback-failed');
  expect(run.stdout).toContain('ROLLBACK FAILED');
});

it('one failing Deployment stops and rolls back all three', async () => {
  const ns = 'three';
  await seed(cluster, [deployment(ns, 'backend'), deployment(ns, 'celery-worker'), deployment(ns, 'celery-beat')]);
  const run = await rollout(cluster, { namespace: ns, deployments: 'backend,celery-worker,celery-beat', images: MISSING });
  expect(run.outputs.result).toBe('rolled-back');
  for (const d of ['backend', 'celery-worker', 'celery-beat']) expect(imagesOf(cluster, ns, d)).toEqual([IMG_V1]);
  const verdicts = outputsJson(run).map((d) => d.rollback);
  expect(verdicts).toEqual(['rolled-back', 'rolled-back', 'rolled-back']);
});
