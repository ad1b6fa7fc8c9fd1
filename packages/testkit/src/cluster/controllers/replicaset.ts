// The ReplicaSet controller: creates and deletes pods to match spec.replicas, reports
// replicas / ready / available (minReadySeconds) and ReplicaFailure (FailedCreate, e.g. quota).
import type { SimClock } from '../clock';
import type { Recorder } from '../events';
import { type Objects, ownerRef } from '../objects';
import { findResource } from '../resources';
import { ApiError } from '../status';
import type { KObject } from '../types';
import { getCondition, removeCondition, setCondition } from './deployment-util';

const RS = findResource('replicasets')!;
const PODS = findResource('pods')!;
const SOURCE = { component: 'replicaset-controller' };
const RETRY_FAILED_CREATE_MS = 5_000;

export const isTerminal = (p: KObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** When the pod became Ready (simulated ms), or undefined when it is not Ready. */
export function readySince(p: KObject): number | undefined {
  const c = getCondition(p.status, 'Ready');
  return c?.status === 'True' ? Date.parse(c.lastTransitionTime ?? '') : undefined;
}

export function podsOwnedBy(objects: Objects, owner: KObject): KObject[] {
  return objects.store.list(PODS, owner.metadata.namespace).filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata.uid));
}

/** Deletion preference (controller.ActivePods ranking): unscheduled, pending, not ready, restarted, newest first. */
function deletionRank(p: KObject): number[] {
  const restarts = (p.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + (c.restartCount ?? 0), 0);
  return [p.spec?.nodeName ? 1 : 0, p.status?.phase === 'Pending' ? 0 : p.status?.phase === 'Unknown' ? 1 : 2, readySince(p) === undefined ? 0 : 1, -restarts, -Date.parse(p.metadata.creationTimestamp ?? '')];
}

export class ReplicaSetController {
  readonly name = 'replicaset';
  private readonly failedAt = new Map<string, number>();

  constructor(
    private readonly objects: Objects,
    private readonly recorder: Recorder,
    private readonly clock: SimClock,
  ) {}

  reconcile(): void {
    for (const rs of this.objects.store.list(RS)) if (!rs.metadata.deletionTimestamp) this.sync(rs);
  }

  private sync(rs0: KObject): void {
    const rs = structuredClone(rs0);
    const now = this.clock.now();
    const active = podsOwnedBy(this.objects, rs).filter((p) => !p.metadata.deletionTimestamp && !isTerminal(p));
    const want = rs.spec?.replicas ?? 0;
    let failure: string | undefined;
    if (active.length < want) {
      const last = this.failedAt.get(rs.metadata.uid!);
      if (last === undefined || now >= last + RETRY_FAILED_CREATE_MS) failure = this.createPods(rs, want - active.length);
      else {
        failure = getCondition(rs.status, 'ReplicaFailure')?.message;
        this.clock.wakeAt(last + RETRY_FAILED_CREATE_MS);
      }
    } else if (active.length > want) {
      const victims = [...active].sort((a, b) => {
        const ra = deletionRank(a);
        const rb = deletionRank(b);
        for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
        return 0;
      });
      for (const p of victims.slice(0, active.length - want)) {
        this.objects.delete(PODS, p.metadata.namespace, p.metadata.name!, {});
        this.recorder.record(RS, rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE);
      }
    }
    this.writeStatus(rs, failure);
  }

  private createPods(rs: KObject, n: number): string | undefined {
    const t = rs.spec.template ?? {};
    for (let i = 0; i < n; i++) {
      try {
        const pod = this.objects.create(PODS, {
          metadata: {
            generateName: `${rs.metadata.name}-`,
            namespace: rs.metadata.namespace,
            labels: { ...t.metadata?.labels },
            annotations: t.metadata?.annotations ? { ...t.metadata.annotations } : undefined,
            ownerReferences: [ownerRef(RS, rs)],
          },
          spec: structuredClone(t.spec),
        });
        this.recorder.record(RS, rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
      } catch (e) {
        const msg = e instanceof ApiError ? e.message : String(e);
        this.failedAt.set(rs.metadata.uid!, this.clock.now());
        this.clock.wakeAt(this.clock.now() + RETRY_FAILED_CREATE_MS);
        this.recorder.record(RS, rs, 'Warning', 'FailedCreate', `Error creating: ${msg}`, SOURCE);
        return msg;
      }
    }
    this.failedAt.delete(rs.metadata.uid!);
    return undefined;
  }

  private writeStatus(rs: KObject, failure: string | undefined): void {
    const now = this.clock.now();
    const minReady = (rs.spec?.minReadySeconds ?? 0) * 1000;
    const pods = podsOwnedBy(this.objects, rs).filter((p) => !p.metadata.deletionTimestamp && !isTerminal(p));
    const labels = rs.spec?.template?.metadata?.labels ?? {};
    let ready = 0;
    let available = 0;
    for (const p of pods) {
      const since = readySince(p);
      if (since === undefined) continue;
      ready++;
      if (minReady === 0 || since + minReady <= now) available++;
      else this.clock.wakeAt(since + minReady);
    }
    const status: any = {
      ...rs.status,
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: rs.metadata.generation,
    };
    if (failure) {
      const iso = this.clock.iso();
      const cur = getCondition(status, 'ReplicaFailure');
      if (cur?.message !== failure) {
        removeCondition(status, 'ReplicaFailure');
        setCondition(status, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: iso, reason: 'FailedCreate', message: failure });
      }
    } else removeCondition(status, 'ReplicaFailure');
    if (!status.conditions?.length) delete status.conditions;
    // zero counts are omitted on the wire (omitempty), as in a real ReplicaSet status
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) if (status[k] === 0) delete status[k];
    if (JSON.stringify(status) === JSON.stringify(rs.status)) return;
    rs.status = status;
    this.objects.save(RS, rs);
  }
}
