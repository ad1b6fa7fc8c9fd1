import { revisionOf, rolloutStatus } from './rollout-status';
import type { Deployment } from './types';

// Cases and messages from kubectl's pkg/polymorphichelpers/rollout_status_test.go (trailing \n dropped).
const dep = (generation: number, replicas: number | undefined, status: Deployment['status'], extra: Partial<Deployment> = {}): Deployment => ({
  metadata: { name: 'foo', namespace: 'bar', generation, annotations: { 'deployment.kubernetes.io/revision': '3' } },
  spec: { replicas },
  status,
  ...extra,
});

describe('rolloutStatus (kubectl DeploymentStatusViewer)', () => {
  const cases: Array<[string, Deployment, string, boolean, boolean]> = [
    ['new replicas not yet updated', dep(0, 1, { observedGeneration: 1, replicas: 1, updatedReplicas: 0, availableReplicas: 1 }), 'Waiting for deployment "foo" rollout to finish: 0 out of 1 new replicas have been updated...', false, false],
    ['old replicas pending termination', dep(1, 1, { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2 }), 'Waiting for deployment "foo" rollout to finish: 1 old replicas are pending termination...', false, false],
    ['updated replicas not available', dep(1, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 1 }), 'Waiting for deployment "foo" rollout to finish: 1 of 2 updated replicas are available...', false, false],
    ['complete', dep(1, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }), 'deployment "foo" successfully rolled out', true, false],
    ['spec not observed', dep(2, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }), 'Waiting for deployment spec update to be observed...', false, false],
    ['no replicas field: skips the updated check', dep(1, undefined, { observedGeneration: 1, replicas: 0, updatedReplicas: 0, availableReplicas: 0 }), 'deployment "foo" successfully rolled out', true, false],
    ['scaled to zero', dep(3, 0, { observedGeneration: 3 }), 'deployment "foo" successfully rolled out', true, false],
    ['status missing entirely', dep(1, 1, undefined), 'Waiting for deployment spec update to be observed...', false, false],
    [
      'progress deadline exceeded',
      dep(1, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }),
      'deployment "foo" exceeded its progress deadline',
      false,
      true,
    ],
    [
      'deadline reason ignored until the generation is observed',
      dep(2, 2, { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }),
      'Waiting for deployment spec update to be observed...',
      false,
      false,
    ],
    [
      'ReplicaFailure is not looked at (as kubectl)',
      dep(1, 2, { observedGeneration: 1, replicas: 0, updatedReplicas: 0, availableReplicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' }] }),
      'Waiting for deployment "foo" rollout to finish: 0 out of 2 new replicas have been updated...',
      false,
      false,
    ],
    ['more available than updated still waits for old pods', dep(4, 3, { observedGeneration: 4, replicas: 4, updatedReplicas: 3, availableReplicas: 4 }), 'Waiting for deployment "foo" rollout to finish: 1 old replicas are pending termination...', false, false],
  ];
  it.each(cases)('%s', (_name, d, message, done, failed) => {
    const s = rolloutStatus(d);
    expect(s.message).toBe(message);
    expect(s.done).toBe(done);
    expect(!!s.failed).toBe(!!failed);
  });

  it('checks a pinned revision like --revision', () => {
    const d = dep(1, 1, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 });
    expect(rolloutStatus(d, 3).done).toBe(true);
    expect(rolloutStatus(d, 2)).toEqual({ done: false, failed: true, message: 'desired revision (2) is different from the running revision (3)' });
  });

  it('reads the revision annotation as kubectl does (absent or junk = 0)', () => {
    expect(revisionOf({ metadata: { annotations: { 'deployment.kubernetes.io/revision': '12' } } })).toBe(12);
    expect(revisionOf({ metadata: {} })).toBe(0);
    expect(revisionOf({ metadata: { annotations: { 'deployment.kubernetes.io/revision': 'x' } } })).toBe(0);
  });
});
