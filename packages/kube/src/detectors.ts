import type { ContainerStatus, Deployment, KubeEvent, Pod, ReplicaSet } from './types';

/**
 * Fast-failure detectors (deploy-anchors §6) as pure functions over what the cluster reports. Time
 * enters only through `persisted(key)`: how long (ms) the caller has been seeing that condition, so
 * "lasting past a grace period" stays testable without clocks.
 */
export type FailureReason =
  | 'ProgressDeadlineExceeded'
  | 'ImagePullBackOff'
  | 'InvalidImageName'
  | 'CrashLoopBackOff'
  | 'OOMKilled'
  | 'CreateContainerConfigError'
  | 'CreateContainerError'
  | 'ReplicaFailure'
  | 'Unschedulable'
  | 'Timeout'
  | 'Deleted'
  | 'Superseded'
  | 'RolloutError';

export interface Finding {
  /** Fatal findings end the rollout; others are warnings shown once. */
  fatal: boolean;
  reason: FailureReason;
  message: string;
  pod?: string;
  container?: string;
  /** The key the caller tracks first-seen time under (for persistence). */
  key: string;
}

export interface DetectorOptions {
  imagePullGraceMs: number;
  crashloopRestarts: number;
  /** How long CreateContainerConfigError may last (a secret may appear shortly after). */
  configErrorGraceMs: number;
  /** How long a non-quota ReplicaFailure may last. */
  replicaFailureGraceMs: number;
}

export type Persisted = (key: string) => number;

const IMMEDIATE = new Set(['InvalidImageName', 'ErrImageNeverPull']);
const PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'ImageInspectError', 'RegistryUnavailable', 'SignatureValidationFailed']);

/** Registry answers that no retry will change (the image or tag does not exist, or access is refused). */
export const DEFINITE_PULL_FAILURE = /not found|manifest unknown|does not exist|name unknown|unauthorized|denied|forbidden|\b40[134]\b/i;
const CREATE = new Set(['CreateContainerError', 'PreCreateHookError', 'PreStartHookError', 'PostStartHookError', 'RunContainerError']);

/** Findings for one pod of the new ReplicaSet. */
export function podFindings(pod: Pod, o: DetectorOptions, persisted: Persisted): Finding[] {
  const name = pod.metadata?.name ?? '';
  const out: Finding[] = [];
  const statuses: ContainerStatus[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const cs of statuses) {
    const f = containerFinding(name, cs, o, persisted);
    if (f) out.push(f);
  }
  const sched = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (sched && sched.status === 'False' && sched.reason === 'Unschedulable') {
    out.push({ fatal: false, reason: 'Unschedulable', pod: name, key: `${name}/unschedulable`, message: `pod ${name} is unschedulable: ${sched.message ?? ''}`.trim() });
  }
  return out;
}

export function containerFinding(pod: string, cs: ContainerStatus, o: DetectorOptions, persisted: Persisted): Finding | undefined {
  const at = `pod ${pod} container ${cs.name}`;
  const waiting = cs.state?.waiting;
  const reason = waiting?.reason ?? '';
  const msg = waiting?.message ? `: ${waiting.message}` : '';
  const restarts = cs.restartCount ?? 0;
  const base = { pod, container: cs.name };
  if (IMMEDIATE.has(reason)) return { ...base, fatal: true, reason: 'InvalidImageName', key: `${pod}/${cs.name}/invalid`, message: `${at}: ${reason}${msg}` };
  const lastTerm = cs.lastState?.terminated;
  const term = cs.state?.terminated;
  if (lastTerm?.reason === 'OOMKilled' || term?.reason === 'OOMKilled') {
    return { ...base, fatal: true, reason: 'OOMKilled', key: `${pod}/${cs.name}/oom`, message: `${at} was OOMKilled (exit code ${(lastTerm ?? term)?.exitCode ?? 137}, restarts ${restarts}): raise its memory limit or fix the leak` };
  }
  if (PULL.has(reason)) {
    const key = `${pod}/${cs.name}/pull`;
    // a registry hiccup gets the grace; "not found" or "denied" will not fix itself, so fail at once
    const fatal = DEFINITE_PULL_FAILURE.test(waiting?.message ?? '') || persisted(key) >= o.imagePullGraceMs;
    return { ...base, fatal, reason: 'ImagePullBackOff', key, message: `${at}: ${reason}${msg}` };
  }
  if (reason === 'CrashLoopBackOff' || (restarts > 0 && (lastTerm?.exitCode ?? 0) !== 0)) {
    const key = `${pod}/${cs.name}/crash`;
    const exit = lastTerm ? ` (last exit code ${lastTerm.exitCode}${lastTerm.reason ? `, ${lastTerm.reason}` : ''})` : '';
    return { ...base, fatal: restarts >= o.crashloopRestarts, reason: 'CrashLoopBackOff', key, message: `${at} is crash-looping: ${restarts} restart${restarts === 1 ? '' : 's'}${exit}` };
  }
  if (reason === 'CreateContainerConfigError') {
    const key = `${pod}/${cs.name}/config`;
    return { ...base, fatal: persisted(key) >= o.configErrorGraceMs, reason: 'CreateContainerConfigError', key, message: `${at}: CreateContainerConfigError${msg}` };
  }
  if (CREATE.has(reason)) {
    const key = `${pod}/${cs.name}/create`;
    return { ...base, fatal: persisted(key) >= o.configErrorGraceMs, reason: 'CreateContainerError', key, message: `${at}: ${reason}${msg}` };
  }
  return undefined;
}

const FATAL_AT_ONCE = /exceeded quota|admission webhook .* denied|is forbidden/i;

/** Findings from the Deployment's and new ReplicaSet's conditions (ReplicaFailure, RS create errors). */
export function workloadFindings(d: Deployment, newRS: ReplicaSet | undefined, o: DetectorOptions, persisted: Persisted): Finding[] {
  const out: Finding[] = [];
  const name = d.metadata?.name ?? '';
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ReplicaSetCreateError') {
    out.push({ fatal: true, reason: 'ReplicaFailure', key: `${name}/rs-create`, message: `deployment ${name}: ReplicaSetCreateError: ${progressing.message ?? ''}` });
  }
  const conds = [...(newRS?.status?.conditions ?? []), ...(d.status?.conditions ?? [])];
  const rf = conds.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (rf) {
    const key = `${name}/replica-failure`;
    const fatal = FATAL_AT_ONCE.test(rf.message ?? '') || persisted(key) >= o.replicaFailureGraceMs;
    out.push({ fatal, reason: 'ReplicaFailure', key, message: `deployment ${name}: ReplicaFailure (${rf.reason ?? 'FailedCreate'}): ${rf.message ?? ''}` });
  }
  return out;
}

/** FailedCreate warnings from the ReplicaSet controller about the new ReplicaSet (quota, admission). */
export function eventFindings(events: KubeEvent[], newRS: ReplicaSet | undefined, o: DetectorOptions, persisted: Persisted): Finding[] {
  const rs = newRS?.metadata?.name;
  if (!rs) return [];
  return events
    .filter((e) => e.type === 'Warning' && e.reason === 'FailedCreate' && e.involvedObject?.kind === 'ReplicaSet' && e.involvedObject.name === rs)
    .slice(-1)
    .map((e) => {
      const key = `${rs}/failed-create`;
      return { fatal: FATAL_AT_ONCE.test(e.message ?? '') || persisted(key) >= o.replicaFailureGraceMs, reason: 'ReplicaFailure' as const, key, message: `replicaset ${rs}: FailedCreate: ${e.message ?? ''}` };
    });
}

/** Pods that belong to a ReplicaSet: controlled by it (ownerRef uid), or carrying its pod-template-hash. */
export function podsOf(rs: ReplicaSet | undefined, pods: Pod[]): Pod[] {
  if (!rs) return [];
  const uid = rs.metadata?.uid;
  const hash = rs.metadata?.labels?.['pod-template-hash'];
  return pods.filter((p) => (p.metadata?.ownerReferences ?? []).some((o) => o.controller && o.uid === uid) || (!!hash && p.metadata?.labels?.['pod-template-hash'] === hash && !p.metadata?.ownerReferences?.length));
}

/**
 * Tracks first-seen times of findings for `persisted`. Keys not observed in an update are forgotten,
 * so a condition must persist continuously to count.
 */
export class PersistenceTracker {
  private readonly first = new Map<string, number>();
  constructor(private readonly now: () => number) {}

  /** Record this round's keys and return the persisted() function for evaluating them. */
  observe(keys: Iterable<string>): Persisted {
    const now = this.now();
    const seen = new Set(keys);
    for (const k of this.first.keys()) if (!seen.has(k)) this.first.delete(k);
    for (const k of seen) if (!this.first.has(k)) this.first.set(k, now);
    return (key) => (this.first.has(key) ? now - this.first.get(key)! : 0);
  }
}
