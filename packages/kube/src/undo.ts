import { revisionOf } from './rollout-status';
import { POD_TEMPLATE_HASH, REVISION_ANNOTATION, type Deployment, type PodTemplateSpec, type ReplicaSet } from './types';

/**
 * `kubectl rollout undo` (pkg/polymorphichelpers/rollback.go, DeploymentRollbacker) as pure planning:
 * pick the ReplicaSet for the target revision among those this Deployment controls, refuse a paused
 * Deployment, skip when the template already matches, and build the same JSON patch kubectl sends.
 */
export class UndoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndoError';
  }
}

/** Annotations kept from the Deployment rather than copied from the ReplicaSet (kubectl's annotationsToSkip). */
export const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export type JsonPatchOp = { op: 'replace' | 'add' | 'remove' | 'test'; path: string; value?: unknown };

export type UndoPlan =
  | { kind: 'patch'; toRevision: number; replicaSet: ReplicaSet; patch: JsonPatchOp[] }
  | { kind: 'skipped'; toRevision: number; message: string };

/** metav1.IsControlledBy: the controller ownerRef points at this Deployment's uid. */
export function isControlledBy(rs: ReplicaSet, d: Deployment): boolean {
  return (rs.metadata?.ownerReferences ?? []).some((o) => o.controller === true && o.uid === d.metadata?.uid);
}

/** equalIgnoreHash: templates equal once the pod-template-hash label is removed from both. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonical(stripHash(a)) === canonical(stripHash(b));
}

export function stripHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = structuredClone(t ?? {}) as PodTemplateSpec;
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels; // nil == empty after delete
  }
  return copy;
}

/** deploymentutil.FindNewReplicaSet: oldest-first, the first whose template matches (ignoring the hash). */
export function findNewReplicaSet(d: Deployment, owned: ReplicaSet[]): ReplicaSet | undefined {
  return [...owned].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** deploymentRevision: the RS for `toRevision`, or (0) the second-highest revision. */
export function replicaSetForRevision(d: Deployment, replicaSets: ReplicaSet[], toRevision = 0): ReplicaSet {
  if (toRevision < 0) throw new UndoError(`unable to find specified revision ${toRevision} in history`);
  const owned = replicaSets.filter((rs) => isControlledBy(rs, d));
  const newRS = findNewReplicaSet(d, owned);
  const all = [...owned.filter((rs) => rs !== newRS), ...(newRS ? [newRS] : [])];
  let latest: ReplicaSet | undefined;
  let latestRev = -1;
  let previous: ReplicaSet | undefined;
  let previousRev = -1;
  for (const rs of all) {
    const v = revisionOf(rs);
    if (toRevision === 0) {
      if (latestRev < v) {
        previousRev = latestRev;
        previous = latest;
        latestRev = v;
        latest = rs;
      } else if (previousRev < v) {
        previousRev = v;
        previous = rs;
      }
    } else if (toRevision === v) {
      return rs;
    }
  }
  if (toRevision > 0) throw new UndoError(`unable to find specified revision ${toRevision} in history`);
  if (!previous) throw new UndoError(`no rollout history found for deployment ${JSON.stringify(d.metadata?.name ?? '')}`);
  return previous;
}

export function planUndo(d: Deployment, replicaSets: ReplicaSet[], toRevision = 0): UndoPlan {
  const rs = replicaSetForRevision(d, replicaSets, toRevision);
  const rev = revisionOf(rs);
  if (d.spec?.paused) throw new UndoError(`you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again`);
  if (equalIgnoreHash(rs.spec?.template, d.spec?.template)) {
    return { kind: 'skipped', toRevision: rev, message: `skipped rollback (current template already matches revision ${rev})` };
  }
  const template = structuredClone(rs.spec?.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH];
  const annotations: Record<string, string> = {};
  const own = d.metadata?.annotations ?? {};
  for (const k of ANNOTATIONS_TO_SKIP) if (k in own) annotations[k] = own[k];
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {})) if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  return {
    kind: 'patch',
    toRevision: rev,
    replicaSet: rs,
    patch: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
  };
}

/** JSON with object keys sorted, so key order never makes equal templates differ. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
