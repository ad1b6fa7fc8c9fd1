// A one-node scheduler: binds pods to `sandbox-node` unless the nodeSelector does not match,
// requests exceed the free capacity, or a behaviour says unschedulable — then PodScheduled=False
// (Unschedulable) and a FailedScheduling event with the scheduler's wording.
import type { SimClock } from '../clock';
import type { Recorder } from '../events';
import type { Objects } from '../objects';
import { findResource } from '../resources';
import type { KObject } from '../types';
import { isTerminal } from './replicaset';

const PODS = findResource('pods')!;
const NODES = findResource('nodes')!;
export const NODE_NAME = 'sandbox-node';
const SOURCE = { component: 'default-scheduler' };

export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined || q === null || q === '') return 0;
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+)(m|k|Ki|Mi|Gi|Ti|K|M|G|T|Pi|P|E|Ei)?$/.exec(q.trim());
  if (!m) return Number(q) || 0;
  const mult: Record<string, number> = { m: 1e-3, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6 };
  return Number(m[1]) * (m[2] ? mult[m[2]] : 1);
}

function requests(pod: KObject): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.spec?.containers ?? []) {
    const r = c.resources?.requests ?? c.resources?.limits ?? {};
    cpu += parseQuantity(r.cpu);
    memory += parseQuantity(r.memory);
  }
  return { cpu, memory };
}

export class Scheduler {
  readonly name = 'scheduler';

  constructor(
    private readonly objects: Objects,
    private readonly recorder: Recorder,
    private readonly clock: SimClock,
    private readonly isUnschedulable: (pod: KObject) => boolean | 'pending',
  ) {}

  reconcile(): void {
    const node = this.objects.store.get(NODES, undefined, NODE_NAME);
    if (!node) return;
    const pods = this.objects.store.list(PODS);
    const pending = pods.filter((p) => !p.spec?.nodeName && !p.metadata.deletionTimestamp).sort((a, b) => (a.metadata.creationTimestamp! < b.metadata.creationTimestamp! ? -1 : 1));
    if (!pending.length) return;
    const alloc = node.status?.allocatable ?? {};
    const used = { cpu: 0, memory: 0, pods: 0 };
    for (const p of pods) {
      if (p.spec?.nodeName !== NODE_NAME || isTerminal(p)) continue;
      const r = requests(p);
      used.cpu += r.cpu;
      used.memory += r.memory;
      used.pods++;
    }
    for (const pod of pending) {
      const verdict = this.isUnschedulable(pod);
      if (verdict === 'pending') continue;
      const reasons: string[] = [];
      const sel: Record<string, string> = pod.spec?.nodeSelector ?? {};
      if (verdict) reasons.push("1 node(s) had untolerated taint {sandbox.dantaro.dev/unschedulable: }");
      else if (Object.entries(sel).some(([k, v]) => node.metadata.labels?.[k] !== v)) reasons.push("1 node(s) didn't match Pod's node affinity/selector");
      else {
        const r = requests(pod);
        if (used.cpu + r.cpu > parseQuantity(alloc.cpu)) reasons.push('1 Insufficient cpu');
        if (used.memory + r.memory > parseQuantity(alloc.memory)) reasons.push('1 Insufficient memory');
        if (used.pods + 1 > parseQuantity(alloc.pods)) reasons.push('1 Too many pods');
        if (!reasons.length) {
          used.cpu += r.cpu;
          used.memory += r.memory;
          used.pods++;
          this.bind(pod);
          continue;
        }
      }
      const resources = reasons.some((x) => x.includes('Insufficient') || x.includes('Too many'));
      const msg = `0/1 nodes are available: ${reasons.join(', ')}. preemption: 0/1 nodes are available: 1 ${resources ? 'No preemption victims found for incoming pod' : 'Preemption is not helpful for scheduling'}.`;
      this.markUnschedulable(pod, msg);
    }
  }

  private bind(pod0: KObject): void {
    const pod = structuredClone(pod0);
    pod.spec.nodeName = NODE_NAME;
    const now = this.clock.iso();
    pod.status ??= { phase: 'Pending' };
    pod.status.conditions = [...(pod.status.conditions ?? []).filter((c: any) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }];
    this.objects.save(PODS, pod);
    this.recorder.record(PODS, pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${NODE_NAME}`, SOURCE);
  }

  private markUnschedulable(pod0: KObject, message: string): void {
    const cur = (pod0.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled');
    if (cur?.status === 'False' && cur.message === message) return;
    const pod = structuredClone(pod0);
    pod.status ??= { phase: 'Pending' };
    pod.status.conditions = [
      ...(pod.status.conditions ?? []).filter((c: any) => c.type !== 'PodScheduled'),
      { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: this.clock.iso(), reason: 'Unschedulable', message },
    ];
    this.objects.save(PODS, pod);
    this.recorder.record(PODS, pod, 'Warning', 'FailedScheduling', message, SOURCE);
  }
}
