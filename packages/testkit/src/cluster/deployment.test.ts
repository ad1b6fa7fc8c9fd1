// Deployment + ReplicaSet controllers beyond what kubectl shows: annotations, conditions,
// history cleanup, quota failures, minReadySeconds, events.
import { type Cluster, startCluster } from './index';
import { call, deployment } from './test-client';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({ timeScale: 100 });
});
afterAll(() => c.stop());

const D = '/apis/apps/v1/namespaces/default/deployments';
const dep = (n: string) => c.get('deployments', 'default', n)!;
const rsOf = (n: string) => c.list('replicasets', 'default').filter((r) => r.metadata.ownerReferences?.[0]?.name === n);
const cond = (n: string, t: string) => dep(n)?.status?.conditions?.find((x: any) => x.type === t);
const done = (n: string) => c.waitFor(() => dep(n)?.status?.availableReplicas === dep(n).spec.replicas && dep(n).status.updatedReplicas === dep(n).spec.replicas && dep(n).status.replicas === dep(n).spec.replicas, 8000, `${n} complete`);
const setImage = (n: string, image: string) => call(c, 'PATCH', `${D}/${n}`, { contentType: 'application/strategic-merge-patch+json', body: { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } } });

it('a ReplicaSet per template hash, with revision / desired / max annotations and real conditions', async () => {
  await call(c, 'POST', D, { body: deployment('anno', { replicas: 4, annotations: { 'kubernetes.io/change-cause': 'first' } }) });
  await done('anno');
  const [rs] = rsOf('anno');
  const hash = rs.metadata.labels!['pod-template-hash'];
  expect(rs.metadata.name).toBe(`anno-${hash}`);
  expect(rs.spec.selector.matchLabels).toEqual({ app: 'anno', 'pod-template-hash': hash });
  expect(rs.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5', 'kubernetes.io/change-cause': 'first' });
  expect(rs.metadata.ownerReferences![0]).toMatchObject({ kind: 'Deployment', name: 'anno', controller: true, blockOwnerDeletion: true });
  expect(dep('anno').metadata.annotations!['deployment.kubernetes.io/revision']).toBe('1');
  expect(cond('anno', 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
  expect(cond('anno', 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "anno-${hash}" has successfully progressed.` });
  expect(dep('anno').status).toMatchObject({ observedGeneration: 1, replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 4 });
  const ev = c.list('events', 'default').filter((e) => e.involvedObject.name === 'anno').map((e) => [e.reason, e.message]);
  expect(ev).toEqual([['ScalingReplicaSet', `Scaled up replica set anno-${hash} from 0 to 4`]]);
  const rsEv = c.list('events', 'default').filter((e) => e.involvedObject.name === rs.metadata.name);
  expect(rsEv.map((e) => e.reason)).toEqual(['SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate']);
});

it('a rolling update respects maxSurge/maxUnavailable at every step', async () => {
  await call(c, 'POST', D, { body: deployment('steps', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: 1 } } }) });
  await done('steps');
  let worst = { total: 0, available: Infinity };
  const stopWatching = setInterval(() => {
    const pods = c.list('pods', 'default').filter((p) => p.metadata.labels?.app === 'steps' && !p.metadata.deletionTimestamp);
    const ready = pods.filter((p) => p.status?.conditions?.find((x: any) => x.type === 'Ready')?.status === 'True').length;
    worst = { total: Math.max(worst.total, rsOf('steps').reduce((n, r) => n + r.spec.replicas, 0)), available: Math.min(worst.available, ready) };
  }, 1);
  await setImage('steps', 'registry.local/app:v2');
  await c.waitFor(() => dep('steps').metadata.annotations!['deployment.kubernetes.io/revision'] === '2', 15_000);
  await done('steps');
  clearInterval(stopWatching);
  expect(worst.total).toBeLessThanOrEqual(6); // replicas + maxSurge
  expect(worst.available).toBeGreaterThanOrEqual(3); // replicas - maxUnavailable
  const events = c.list('events', 'default').filter((e) => e.involvedObject.name === 'steps' && e.reason === 'ScalingReplicaSet');
  expect(events.length).toBeGreaterThan(2);
});

it('revisionHistoryLimit removes the oldest scaled-down ReplicaSets', async () => {
  await call(c, 'POST', D, { body: deployment('hist', { replicas: 1, extra: { revisionHistoryLimit: 1 } }) });
  for (const v of ['v2', 'v3', 'v4']) {
    await done('hist');
    await setImage('hist', `registry.local/app:${v}`);
    await c.waitFor(() => dep('hist').status?.observedGeneration === dep('hist').metadata.generation, 15_000);
  }
  await done('hist');
  await c.waitFor(() => rsOf('hist').length === 2, 15_000, 'cleanup');
  expect(rsOf('hist').map((r) => r.metadata.annotations!['deployment.kubernetes.io/revision']).sort()).toEqual(['3', '4']);
});

it('a quota refusing pods: FailedCreate on the ReplicaSet, ReplicaFailure on the Deployment', async () => {
  c.apply([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'quota' } },
    { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'object-counts', namespace: 'quota' }, spec: { hard: { pods: '2' } } },
  ]);
  await call(c, 'POST', '/apis/apps/v1/namespaces/quota/deployments', { body: deployment('capped', { ns: 'quota', replicas: 3 }) });
  const d = () => c.get('deployments', 'quota', 'capped')!;
  await c.waitFor(() => d().status?.conditions?.some((x: any) => x.type === 'ReplicaFailure'), 15_000);
  const rf = d().status.conditions.find((x: any) => x.type === 'ReplicaFailure');
  expect(rf).toMatchObject({ status: 'True', reason: 'FailedCreate' });
  expect(rf.message).toMatch(/^pods "capped-\w+-" is forbidden: exceeded quota: object-counts, requested: pods=1, used: pods=2, limited: pods=2$/);
  const ev = c.list('events', 'quota').find((e) => e.reason === 'FailedCreate')!;
  expect(ev).toMatchObject({ type: 'Warning', message: `Error creating: ${rf.message}` });
  await c.waitFor(() => d().status.availableReplicas === 2, 15_000);
  // maxUnavailable 25% of 3 rounds down to 0: two available pods are not the minimum
  expect(d().status.conditions.find((x: any) => x.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
});

it('minReadySeconds delays availability', async () => {
  await call(c, 'POST', D, { body: deployment('minready', { replicas: 1, extra: { minReadySeconds: 300 } }) });
  await c.waitFor(() => dep('minready').status?.readyReplicas === 1, 15_000);
  expect(dep('minready').status.availableReplicas ?? 0).toBe(0);
  await c.waitFor(() => dep('minready').status.availableReplicas === 1, 15_000);
  const pod = c.list('pods', 'default').find((p) => p.metadata.labels?.app === 'minready')!;
  const readySince = Date.parse(pod.status.conditions.find((x: any) => x.type === 'Ready').lastTransitionTime);
  expect(c.clock.now() - readySince).toBeGreaterThanOrEqual(300_000);
});

it('scaling during a stuck rollout is proportional and does not start a new revision', async () => {
  c.kubelet.behave({ image: /:stuck$/ }, 'never-ready');
  await call(c, 'POST', D, { body: deployment('prop', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }) });
  await done('prop');
  await setImage('prop', 'registry.local/app:stuck');
  await c.waitFor(() => rsOf('prop').length === 2 && dep('prop').status.updatedReplicas === 1, 15_000);
  await call(c, 'PATCH', `${D}/prop/scale`, { contentType: 'application/merge-patch+json', body: { spec: { replicas: 8 } } });
  await c.waitFor(() => rsOf('prop').reduce((n, r) => n + r.spec.replicas, 0) === 9, 15_000, 'scaled to 8+1');
  // GetProportion: round(size * 9 / max-replicas 5) → old 4 → 7, new 1 → 2
  expect(rsOf('prop').map((r) => r.spec.replicas).sort()).toEqual([2, 7]);
  expect(dep('prop').metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
});

it('ProgressDeadlineExceeded is measured from the last progress (clock.advance)', async () => {
  await call(c, 'POST', D, { body: deployment('deadline', { replicas: 1, image: 'registry.local/app:stuck', extra: { progressDeadlineSeconds: 600 } }) });
  // let every step that counts as progress happen first (pod created, started)
  await c.waitFor(() => dep('deadline').status?.updatedReplicas === 1 && c.list('pods', 'default').some((p) => p.metadata.labels?.app === 'deadline' && p.status?.phase === 'Running'), 15_000);
  await new Promise((r) => setTimeout(r, 50));
  expect(cond('deadline', 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
  c.clock.advance(500_000);
  await new Promise((r) => setTimeout(r, 50));
  expect(cond('deadline', 'Progressing').reason).toBe('ReplicaSetUpdated');
  c.clock.advance(120_000);
  await c.waitFor(() => cond('deadline', 'Progressing')?.reason === 'ProgressDeadlineExceeded', 15_000);
  expect(cond('deadline', 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
});
