import { PersistenceTracker, podFindings, podsOf, workloadFindings, eventFindings, type DetectorOptions } from './detectors';
import type { ContainerStatus, Deployment, Pod, ReplicaSet } from './types';

const opts: DetectorOptions = { imagePullGraceMs: 30_000, crashloopRestarts: 3, configErrorGraceMs: 30_000, replicaFailureGraceMs: 30_000 };
const pod = (cs: Partial<ContainerStatus>, extra: Partial<Pod['status']> = {}): Pod => ({
  metadata: { name: 'web-abc-1' },
  status: { phase: 'Pending', containerStatuses: [{ name: 'app', restartCount: 0, ...cs }], ...extra },
});
const never = () => 0;
const long = () => 60_000;

describe('podFindings', () => {
  const cases: Array<[string, Pod, (k: string) => number, { reason: string; fatal: boolean } | undefined]> = [
    ['healthy running', pod({ ready: true, state: { running: {} } }), never, undefined],
    ['InvalidImageName at once', pod({ state: { waiting: { reason: 'InvalidImageName', message: 'Failed to apply default image tag' } } }), never, { reason: 'InvalidImageName', fatal: true }],
    ['ErrImageNeverPull at once', pod({ state: { waiting: { reason: 'ErrImageNeverPull' } } }), never, { reason: 'InvalidImageName', fatal: true }],
    ['ImagePullBackOff within grace', pod({ state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } }), () => 10_000, { reason: 'ImagePullBackOff', fatal: false }],
    ['ImagePullBackOff past grace', pod({ state: { waiting: { reason: 'ImagePullBackOff' } } }), long, { reason: 'ImagePullBackOff', fatal: true }],
    ['ErrImagePull for a missing image: fatal at once', pod({ state: { waiting: { reason: 'ErrImagePull', message: 'failed to resolve reference "r/app:x": r/app:x: not found' } } }), () => 0, { reason: 'ImagePullBackOff', fatal: true }],
    ['ErrImagePull past grace', pod({ state: { waiting: { reason: 'ErrImagePull' } } }), long, { reason: 'ImagePullBackOff', fatal: true }],
    ['CrashLoopBackOff below the restart limit', pod({ restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }), never, { reason: 'CrashLoopBackOff', fatal: false }],
    ['CrashLoopBackOff at the restart limit', pod({ restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }), never, { reason: 'CrashLoopBackOff', fatal: true }],
    ['restarting (running again) at the limit', pod({ restartCount: 4, state: { running: {} }, lastState: { terminated: { exitCode: 2 } } }), never, { reason: 'CrashLoopBackOff', fatal: true }],
    ['OOMKilled in last state', pod({ restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }), never, { reason: 'OOMKilled', fatal: true }],
    ['OOMKilled now', pod({ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }), never, { reason: 'OOMKilled', fatal: true }],
    ['CreateContainerConfigError within grace', pod({ state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "db" not found' } } }), () => 5_000, { reason: 'CreateContainerConfigError', fatal: false }],
    ['CreateContainerConfigError that persists', pod({ state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "db" not found' } } }), long, { reason: 'CreateContainerConfigError', fatal: true }],
    ['RunContainerError that persists', pod({ state: { waiting: { reason: 'RunContainerError' } } }), long, { reason: 'CreateContainerError', fatal: true }],
    ['ContainerCreating is normal', pod({ state: { waiting: { reason: 'ContainerCreating' } } }), long, undefined],
    ['a clean restart (exit 0) is not a crash', pod({ restartCount: 5, state: { running: {} }, lastState: { terminated: { exitCode: 0, reason: 'Completed' } } }), never, undefined],
  ];
  it.each(cases)('%s', (_n, p, persisted, want) => {
    const f = podFindings(p, opts, persisted).filter((x) => x.reason !== 'Unschedulable');
    if (!want) return expect(f).toEqual([]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ...want, pod: 'web-abc-1', container: 'app' });
  });

  it('init containers fail the same way', () => {
    const p: Pod = { metadata: { name: 'p' }, status: { initContainerStatuses: [{ name: 'migrate', state: { waiting: { reason: 'InvalidImageName' } } }], containerStatuses: [] } };
    expect(podFindings(p, opts, never)[0]).toMatchObject({ reason: 'InvalidImageName', fatal: true, container: 'migrate' });
  });

  it('Unschedulable is a warning, never fatal', () => {
    const p: Pod = { metadata: { name: 'p' }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }] } };
    const f = podFindings(p, opts, long);
    expect(f).toEqual([expect.objectContaining({ reason: 'Unschedulable', fatal: false })]);
    expect(f[0].message).toContain('Insufficient cpu');
  });

  it('crash-loop threshold is configurable', () => {
    const p = pod({ restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } });
    expect(podFindings(p, { ...opts, crashloopRestarts: 1 }, never)[0].fatal).toBe(true);
  });
});

describe('workloadFindings and eventFindings', () => {
  const d = (conds: Deployment['status']): Deployment => ({ metadata: { name: 'web' }, status: conds });
  it('ReplicaFailure from quota is fatal at once', () => {
    const f = workloadFindings(d({ conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-1" is forbidden: exceeded quota: object-counts' }] }), undefined, opts, never);
    expect(f[0]).toMatchObject({ reason: 'ReplicaFailure', fatal: true });
  });
  it('other ReplicaFailure only after the grace', () => {
    const dep = d({ conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'something transient' }] });
    expect(workloadFindings(dep, undefined, opts, never)[0].fatal).toBe(false);
    expect(workloadFindings(dep, undefined, opts, long)[0].fatal).toBe(true);
  });
  it('ReplicaSetCreateError is fatal', () => {
    expect(workloadFindings(d({ conditions: [{ type: 'Progressing', status: 'False', reason: 'ReplicaSetCreateError', message: 'x' }] }), undefined, opts, never)[0]).toMatchObject({ fatal: true, reason: 'ReplicaFailure' });
  });
  it('the new RS condition counts too', () => {
    const rs: ReplicaSet = { metadata: { name: 'web-1' }, status: { conditions: [{ type: 'ReplicaFailure', status: 'True', message: 'admission webhook "x" denied the request' }] } };
    expect(workloadFindings(d({}), rs, opts, never)[0].fatal).toBe(true);
  });
  it('healthy has no findings', () => expect(workloadFindings(d({ conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] }), undefined, opts, never)).toEqual([]));
  it('FailedCreate events on the new RS', () => {
    const rs: ReplicaSet = { metadata: { name: 'web-1' } };
    const ev = [{ type: 'Warning', reason: 'FailedCreate', message: 'exceeded quota: pods', involvedObject: { kind: 'ReplicaSet', name: 'web-1' } }];
    expect(eventFindings(ev, rs, opts, never)[0]).toMatchObject({ fatal: true, reason: 'ReplicaFailure' });
    expect(eventFindings(ev, { metadata: { name: 'other' } }, opts, never)).toEqual([]);
  });
});

describe('podsOf and PersistenceTracker', () => {
  it('selects pods by controller uid', () => {
    const rs: ReplicaSet = { metadata: { name: 'rs', uid: 'u1', labels: { 'pod-template-hash': 'h1' } } };
    const mine: Pod = { metadata: { name: 'a', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }] } };
    const other: Pod = { metadata: { name: 'b', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'old', uid: 'u0', controller: true }], labels: { 'pod-template-hash': 'h0' } } };
    expect(podsOf(rs, [mine, other]).map((p) => p.metadata?.name)).toEqual(['a']);
    expect(podsOf(undefined, [mine])).toEqual([]);
  });
  it('measures continuous persistence and forgets what disappears', () => {
    let now = 0;
    const t = new PersistenceTracker(() => now);
    expect(t.observe(['a'])('a')).toBe(0);
    now = 10_000;
    expect(t.observe(['a'])('a')).toBe(10_000);
    now = 11_000;
    t.observe([]);
    now = 12_000;
    expect(t.observe(['a'])('a')).toBe(0);
  });
});
