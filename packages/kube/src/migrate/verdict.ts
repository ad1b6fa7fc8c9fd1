import { containerFinding, DEFINITE_PULL_FAILURE, type DetectorOptions, type Finding, type Persisted } from '../detectors';
import type { ContainerStatus, Job, Pod } from '../types';

/**
 * The verdict on a migration Job, from the Job's conditions and — sooner, and robust to sidecars that
 * keep the pod alive — from the migration container's own terminated state. Image-pull and config
 * errors end it early through the rollout's pod detectors. Pure: time enters only via `persisted`.
 */
export type Outcome = 'succeeded' | 'failed' | 'timed-out';

export type FailReason = 'Error' | 'OOMKilled' | 'DeadlineExceeded' | 'BackoffLimitExceeded' | 'ImagePullBackOff' | 'InvalidImageName' | 'CreateContainerConfigError' | 'CreateContainerError' | 'PodFailed' | 'JobFailed';

export interface JobVerdict {
  outcome: Outcome;
  reason: 'Completed' | FailReason;
  message: string;
  exitCode?: number;
  pod?: string;
}

export interface JudgeInput {
  job: Job;
  /** The Job's pods (any order). */
  pods: Pod[];
  /** The migration container (others are sidecars and do not count). */
  container: string;
  persisted: Persisted;
  detector?: Partial<DetectorOptions>;
}

export interface Judgement {
  verdict?: JobVerdict;
  /** Non-fatal findings worth telling the user about while waiting (unschedulable, pull retries…). */
  notes: Finding[];
}

export const MIGRATE_DETECTOR: DetectorOptions = {
  // a pull error can be a registry hiccup the kubelet retries; a missing image is answered at once below
  imagePullGraceMs: 30_000,
  // a Secret or ConfigMap created moments later fixes a config error
  configErrorGraceMs: 30_000,
  crashloopRestarts: Number.MAX_SAFE_INTEGER, // failures are counted against backoffLimit instead
  replicaFailureGraceMs: 30_000,
};

const EARLY = new Set(['ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

const cond = (job: Job, type: string) => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
const time = (p: Pod) => Date.parse(p.metadata?.creationTimestamp ?? '') || 0;

function migrationStatus(pod: Pod, container: string): ContainerStatus | undefined {
  return pod.status?.containerStatuses?.find((c) => c.name === container);
}

interface Failure {
  pod: string;
  exitCode?: number;
  reason: FailReason;
  message: string;
}

/** Every failed run of the migration container, oldest first (restarts in place count, as they do for backoffLimit). */
function failures(pods: Pod[], container: string): Failure[] {
  const out: Failure[] = [];
  for (const p of [...pods].sort((a, b) => time(a) - time(b))) {
    const name = p.metadata?.name ?? '';
    const cs = migrationStatus(p, container);
    const restarts = cs?.restartCount ?? 0;
    if (restarts > 0) {
      const last = cs?.lastState?.terminated;
      for (let i = 0; i < restarts; i++) out.push(termFailure(name, container, last));
    }
    const term = cs?.state?.terminated;
    if (term && term.exitCode !== 0) out.push(termFailure(name, container, term));
    else if (!term && p.status?.phase === 'Failed') {
      out.push({ pod: name, reason: 'PodFailed', message: `pod ${name} failed${p.status.reason ? ` (${p.status.reason})` : ''}${p.status.message ? `: ${p.status.message}` : ''}` });
    }
  }
  return out;
}

function termFailure(pod: string, container: string, t: NonNullable<ContainerStatus['state']>['terminated'] | undefined): Failure {
  const exitCode = t?.exitCode;
  if (t?.reason === 'OOMKilled') {
    return { pod, exitCode: exitCode ?? 137, reason: 'OOMKilled', message: `container ${container} in pod ${pod} was OOMKilled (exit code ${exitCode ?? 137}): raise its memory limit` };
  }
  const why = t?.reason && t.reason !== 'Error' ? ` (${t.reason})` : '';
  return { pod, exitCode, reason: 'Error', message: `container ${container} in pod ${pod} exited with code ${exitCode ?? 'unknown'}${why}${t?.message ? `: ${t.message}` : ''}` };
}

export function judgeJob(i: JudgeInput): Judgement {
  const { job, pods, container } = i;
  const backoffLimit = job.spec?.backoffLimit ?? 6;
  const fails = failures(pods, container);
  const lastFail = fails[fails.length - 1];
  const succeeded = [...pods].sort((a, b) => time(b) - time(a)).find((p) => migrationStatus(p, container)?.state?.terminated?.exitCode === 0);

  if (cond(job, 'Complete') || cond(job, 'SuccessCriteriaMet') || succeeded) {
    // a sidecar may keep the pod (and the Job) running: the migration container's exit 0 is the answer
    return { verdict: { outcome: 'succeeded', reason: 'Completed', message: 'migration completed', exitCode: 0, pod: succeeded?.metadata?.name }, notes: [] };
  }
  const failed = cond(job, 'Failed') ?? cond(job, 'FailureTarget');
  if (failed) {
    if (failed.reason === 'DeadlineExceeded') {
      return { verdict: { outcome: 'timed-out', reason: 'DeadlineExceeded', message: `job ${job.metadata?.name} reached its deadline (activeDeadlineSeconds ${job.spec?.activeDeadlineSeconds}) and was stopped`, exitCode: lastFail?.exitCode, pod: lastFail?.pod }, notes: [] };
    }
    if (lastFail) return { verdict: { outcome: 'failed', ...lastFail, message: `${lastFail.message}; job ${failed.reason ?? 'Failed'}${failed.message ? `: ${failed.message}` : ''}` }, notes: [] };
    return { verdict: { outcome: 'failed', reason: failed.reason === 'BackoffLimitExceeded' ? 'BackoffLimitExceeded' : 'JobFailed', message: `job ${job.metadata?.name} failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim() }, notes: [] };
  }
  if (fails.length > backoffLimit) {
    return { verdict: { outcome: 'failed', ...lastFail, message: backoffLimit > 0 ? `${lastFail.message} (attempt ${fails.length}, backoffLimit ${backoffLimit})` : lastFail.message }, notes: [] };
  }

  // still running: look for what will never get better
  const opts = { ...MIGRATE_DETECTOR, ...i.detector };
  const notes: Finding[] = [];
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp || p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded') continue;
    const name = p.metadata?.name ?? '';
    const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? []).filter((c) => c.name === container)];
    for (const cs of statuses) {
      const f = containerFinding(name, cs, opts, i.persisted);
      if (!f || !EARLY.has(f.reason)) continue;
      const definite = f.reason === 'ImagePullBackOff' && DEFINITE_PULL_FAILURE.test(cs.state?.waiting?.message ?? '');
      if (f.fatal || definite) return { verdict: { outcome: 'failed', reason: f.reason as FailReason, message: f.message, pod: name }, notes: [] };
      notes.push(f);
    }
    const sched = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
    if (sched) notes.push({ fatal: false, reason: 'Unschedulable', pod: name, key: `${name}/unschedulable`, message: `pod ${name} is unschedulable: ${sched.message ?? ''}`.trim() });
  }
  return { notes };
}

/** Keys of the findings a judgement looks at, for the caller's PersistenceTracker. */
export function findingKeys(pods: Pod[], container: string): string[] {
  const keys: string[] = [];
  for (const p of pods) {
    const name = p.metadata?.name ?? '';
    for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? []).filter((c) => c.name === container)]) {
      const f = containerFinding(name, cs, { ...MIGRATE_DETECTOR, imagePullGraceMs: Infinity, configErrorGraceMs: Infinity }, () => 0);
      if (f) keys.push(f.key);
    }
  }
  return keys;
}
