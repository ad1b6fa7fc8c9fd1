// The Job controller: creates pods up to parallelism/completions with failure backoff, counts
// succeeded/failed, enforces backoffLimit and activeDeadlineSeconds, sets the 1.31+ terminal
// conditions (SuccessCriteriaMet+Complete / FailureTarget+Failed), and the TTL after finishing.
import type { SimClock } from '../clock';
import type { Recorder } from '../events';
import { type Objects, ownerRef } from '../objects';
import { findResource } from '../resources';
import type { KObject } from '../types';
import { podsOwnedBy, readySince } from './replicaset';

const JOBS = findResource('jobs')!;
const PODS = findResource('pods')!;
const SOURCE = { component: 'job-controller' };
const podBackoff = (failures: number) => Math.min(10_000 * 2 ** Math.max(0, failures - 1), 360_000);

export class JobController {
  readonly name = 'job';
  /** Terminated pods already counted, per job uid (the real controller tracks them with finalizers). */
  private readonly counted = new Map<string, Set<string>>();
  private readonly lastFailure = new Map<string, number>();

  constructor(
    private readonly objects: Objects,
    private readonly recorder: Recorder,
    private readonly clock: SimClock,
  ) {}

  reconcile(): void {
    for (const j of this.objects.store.list(JOBS)) if (!j.metadata.deletionTimestamp) this.sync(structuredClone(j));
  }

  private finishedAt(j: KObject): number | undefined {
    const c = (j.status?.conditions ?? []).find((x: any) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
    return c ? Date.parse(c.lastTransitionTime) : undefined;
  }

  private sync(j: KObject): void {
    const now = this.clock.now();
    const uid = j.metadata.uid!;
    const done = this.finishedAt(j);
    if (done !== undefined) {
      const ttl = j.spec?.ttlSecondsAfterFinished;
      if (ttl !== undefined && ttl !== null) {
        if (now >= done + ttl * 1000) {
          this.objects.delete(JOBS, j.metadata.namespace, j.metadata.name!, { propagationPolicy: 'Background' });
          this.counted.delete(uid);
        } else this.clock.wakeAt(done + ttl * 1000);
      }
      return;
    }
    if (j.spec?.suspend) return;
    const status: any = { ...structuredClone(j.status ?? {}) };
    status.startTime ??= this.clock.iso(now);
    const pods = podsOwnedBy(this.objects, j);
    const counted = this.counted.get(uid) ?? new Set<string>();
    this.counted.set(uid, counted);
    let succeeded = status.succeeded ?? 0;
    let failed = status.failed ?? 0;
    const onFailure = j.spec.template?.spec?.restartPolicy === 'OnFailure';
    for (const p of pods) {
      if (counted.has(p.metadata.uid!)) continue;
      if (p.status?.phase === 'Succeeded') succeeded++;
      else if (p.status?.phase === 'Failed') {
        failed++;
        this.lastFailure.set(uid, now);
      } else continue;
      counted.add(p.metadata.uid!);
    }
    const restarts = onFailure ? pods.reduce((n, p) => n + (p.status?.containerStatuses ?? []).reduce((m: number, c: any) => m + (c.restartCount ?? 0), 0), 0) : 0;
    const active = pods.filter((p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase));
    const completions = j.spec.completions ?? 1;
    const start = Date.parse(status.startTime);
    let failure: [string, string] | undefined;
    if (failed + restarts > (j.spec.backoffLimit ?? 6)) failure = ['BackoffLimitExceeded', 'Job has reached the specified backoff limit'];
    else if (j.spec.activeDeadlineSeconds !== undefined && now >= start + j.spec.activeDeadlineSeconds * 1000) failure = ['DeadlineExceeded', 'Job was active longer than specified deadline'];
    else if (j.spec.activeDeadlineSeconds !== undefined) this.clock.wakeAt(start + j.spec.activeDeadlineSeconds * 1000);
    const iso = this.clock.iso(now);
    const cond = (type: string, reason: string, message: string) => ({ type, status: 'True', lastProbeTime: iso, lastTransitionTime: iso, reason, message });
    if (failure) {
      for (const p of active) this.objects.delete(PODS, p.metadata.namespace, p.metadata.name!, {});
      status.conditions = [...(status.conditions ?? []), cond('FailureTarget', ...failure), cond('Failed', ...failure)];
      this.recorder.record(JOBS, j, 'Warning', failure[0], failure[1], SOURCE);
      status.active = 0;
    } else if (succeeded >= completions) {
      status.conditions = [...(status.conditions ?? []), cond('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'), cond('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods')];
      status.completionTime = iso;
      this.recorder.record(JOBS, j, 'Normal', 'Completed', 'Job completed', SOURCE);
      status.active = 0;
    } else {
      const want = Math.min(j.spec.parallelism ?? 1, completions - succeeded) - active.length;
      const last = this.lastFailure.get(uid);
      const waitUntil = last !== undefined && failed > 0 ? last + podBackoff(failed) : 0;
      if (want > 0 && now >= waitUntil) {
        for (let i = 0; i < want; i++) {
          const t = j.spec.template ?? {};
          const pod = this.objects.create(PODS, {
            metadata: { generateName: `${j.metadata.name}-`, namespace: j.metadata.namespace, labels: { ...t.metadata?.labels }, annotations: t.metadata?.annotations ? { ...t.metadata.annotations } : undefined, ownerReferences: [ownerRef(JOBS, j)] },
            spec: structuredClone(t.spec),
          });
          active.push(pod);
          this.recorder.record(JOBS, j, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
        }
      } else if (want > 0) this.clock.wakeAt(waitUntil);
      status.active = active.length;
    }
    status.succeeded = succeeded;
    status.failed = failed;
    status.ready = active.filter((p) => readySince(p) !== undefined).length;
    status.terminating = pods.filter((p) => p.metadata.deletionTimestamp).length;
    status.uncountedTerminatedPods = {};
    for (const k of ['active', 'succeeded', 'failed']) if (!status[k]) delete status[k];
    if (JSON.stringify(status) === JSON.stringify(j.status)) return;
    j.status = status;
    this.objects.save(JOBS, j);
  }
}
