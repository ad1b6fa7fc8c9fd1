import { equalIgnoreHash, findNewReplicaSet, planUndo, replicaSetForRevision, UndoError } from './undo';
import type { Deployment, ReplicaSet } from './types';

const tpl = (image: string, hash?: string) => ({
  metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) }, annotations: { team: 'a' } },
  spec: { containers: [{ name: 'app', image }] },
});
const owner = (uid = 'd1') => [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid, controller: true }];
const rs = (name: string, rev: string | undefined, image: string, created: string, extra: Record<string, string> = {}, uid = 'd1'): ReplicaSet => ({
  metadata: { name, uid: `rs-${name}`, creationTimestamp: created, ownerReferences: owner(uid), annotations: { ...(rev ? { 'deployment.kubernetes.io/revision': rev } : {}), ...extra } },
  spec: { template: tpl(image, name.split('-').pop()) },
});
const dep = (image: string, extra: Partial<Deployment['spec']> = {}): Deployment => ({
  metadata: {
    name: 'web',
    uid: 'd1',
    generation: 5,
    annotations: { 'deployment.kubernetes.io/revision': '3', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'kubernetes.io/change-cause': 'deploy v3', other: 'x' },
  },
  spec: { template: tpl(image), selector: { matchLabels: { app: 'web' } }, ...extra },
});

const history = [
  rs('web-h1', '1', 'web:v1', '2024-01-01T00:00:00Z', { 'kubernetes.io/change-cause': 'deploy v1' }),
  rs('web-h2', '2', 'web:v2', '2024-01-02T00:00:00Z', { 'kubernetes.io/change-cause': 'deploy v2', 'deployment.kubernetes.io/desired-replicas': '3' }),
  rs('web-h3', '3', 'web:v3', '2024-01-03T00:00:00Z', { 'kubernetes.io/change-cause': 'deploy v3' }),
  rs('other-h9', '9', 'other:v9', '2024-01-04T00:00:00Z', {}, 'someone-else'),
];

describe('kubectl rollout undo planning', () => {
  it('goes to the second-highest revision among owned ReplicaSets, with kubectl\'s JSON patch', () => {
    const plan = planUndo(dep('web:v3'), history);
    expect(plan.kind).toBe('patch');
    if (plan.kind !== 'patch') return;
    expect(plan.toRevision).toBe(2);
    expect(plan.patch).toEqual([
      { op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'web' }, annotations: { team: 'a' } }, spec: { containers: [{ name: 'app', image: 'web:v2' }] } } },
      {
        op: 'replace',
        path: '/metadata/annotations',
        // skip-set kept from the Deployment; everything else from the RS (desired-replicas is in the skip set, so it is not copied)
        value: { 'deployment.kubernetes.io/revision': '3', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'kubernetes.io/change-cause': 'deploy v2' },
      },
    ]);
  });

  it('honours --to-revision and reports a missing one', () => {
    const plan = planUndo(dep('web:v3'), history, 1);
    expect(plan.kind === 'patch' && plan.toRevision).toBe(1);
    expect(() => planUndo(dep('web:v3'), history, 7)).toThrow('unable to find specified revision 7 in history');
    expect(() => planUndo(dep('web:v3'), history, -1)).toThrow('unable to find specified revision -1 in history');
  });

  it('refuses a paused deployment with kubectl\'s message', () => {
    expect(() => planUndo(dep('web:v3', { paused: true }), history)).toThrow(new UndoError("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"));
  });

  it('no history', () => {
    expect(() => planUndo(dep('web:v3'), [history[2]])).toThrow('no rollout history found for deployment "web"');
  });

  it('skips when the target template already matches', () => {
    expect(planUndo(dep('web:v2'), [history[1], rs('web-h3', '3', 'web:v2', '2024-01-03T00:00:00Z')], 2)).toEqual({ kind: 'skipped', toRevision: 2, message: 'skipped rollback (current template already matches revision 2)' });
  });

  it('a missing revision annotation counts as 0', () => {
    const rsNoRev = rs('web-h0', undefined, 'web:v0', '2023-12-31T00:00:00Z');
    expect(replicaSetForRevision(dep('web:v3'), [rsNoRev, history[2]]).metadata?.name).toBe('web-h0');
  });

  it('templates compare ignoring pod-template-hash and key order', () => {
    expect(equalIgnoreHash(tpl('a', 'x'), tpl('a'))).toBe(true);
    expect(equalIgnoreHash({ spec: { containers: [{ image: 'a', name: 'n' }] } }, { spec: { containers: [{ name: 'n', image: 'a' }] } })).toBe(true);
    expect(equalIgnoreHash(tpl('a', 'x'), tpl('b', 'x'))).toBe(false);
  });

  it('finds the new RS oldest-first by template', () => {
    const twin = rs('web-h4', '4', 'web:v3', '2024-01-05T00:00:00Z');
    expect(findNewReplicaSet(dep('web:v3'), [twin, history[2]])?.metadata?.name).toBe('web-h3');
  });
});
