// Pod status as the kubelet reports it: phase, the five conditions, container statuses with
// state / lastState / restartCount, from the simulated kubelet's runtime records.
import { createHash } from 'node:crypto';
import type { SimClock } from '../clock';
import type { Behaviour, KObject } from '../types';
import type { LocalExit, LocalProcess } from './local-process';
import type { LogBuffer } from './logs';

export type Stage = 'new' | 'pull' | 'pulling' | 'pullBackoff' | 'config' | 'running' | 'crashBackoff' | 'done' | 'stuck';

export interface Term {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: number;
  finishedAt: number;
  containerID?: string;
}

export interface Ctr {
  name: string;
  spec: any;
  init: boolean;
  sidecar: boolean;
  local: boolean;
  stage: Stage;
  nextAt?: number;
  waiting?: { reason: string; message?: string };
  startedAt?: number;
  terminated?: Term;
  lastTerminated?: Term;
  restartCount: number;
  exits: number;
  runs: LogBuffer[];
  behaviour: Behaviour;
  readyAt?: number;
  exitAt?: number;
  pullStartedAt?: number;
  pullResult?: 'pending' | 'ok' | 'fail';
  pullFailures: number;
  pullMessage?: string;
  showBackoffAt?: number;
  retryAt?: number;
  configEventAt?: number;
  proc?: LocalProcess;
  exitInfo?: LocalExit;
  containerID?: string;
  pulled: boolean;
}

export interface PodRt {
  uid: string;
  ns: string;
  name: string;
  inits: Ctr[];
  ctrs: Ctr[];
  ip: string;
  startTime: number;
  killedAt?: number;
}


function ctrStatus(clock: SimClock, c: Ctr, initsDone: boolean, now: number): any {
  const image = c.spec.image;
  const ready = c.stage === 'running' && c.readyAt !== undefined && now >= c.readyAt && !c.init;
  let state: any;
  if (c.stage === 'running') state = { running: { startedAt: clock.iso(c.startedAt) } };
  else if (c.stage === 'done' && c.terminated) state = { terminated: termJson(clock, c.terminated) };
  else if (c.waiting) state = { waiting: { reason: c.waiting.reason, ...(c.waiting.message ? { message: c.waiting.message } : {}) } };
  else state = { waiting: { reason: !c.init && !initsDone ? 'PodInitializing' : 'ContainerCreating' } };
  return {
    name: c.name,
    state,
    lastState: c.lastTerminated ? { terminated: termJson(clock, c.lastTerminated) } : {},
    ready: c.sidecar ? c.stage === 'running' : ready,
    restartCount: c.restartCount,
    image,
    imageID: c.pulled ? `${image.replace(/[:@].*$/, '')}@sha256:${createHash('sha256').update(image).digest('hex')}` : '',
    ...(c.containerID ? { containerID: c.containerID } : {}),
    started: c.stage === 'running',
  };
}

/** The pod status the kubelet reports for the runtime state (phase, conditions, containers). */
export function podStatus(clock: SimClock, pod: KObject, rt: PodRt, initsDone: boolean, now: number): any {
  const cs = rt.ctrs.map((c) => ctrStatus(clock, c, initsDone, now));
  const is = rt.inits.map((c) => ctrStatus(clock, c, initsDone, now));
  const allDone = rt.ctrs.every((c) => c.stage === 'done');
  const initFailed = rt.inits.some((c) => c.stage === 'done' && c.terminated!.exitCode !== 0);
  let phase = 'Pending';
  if (initFailed) phase = 'Failed';
  else if (allDone) phase = rt.ctrs.every((c) => c.terminated!.exitCode === 0) ? 'Succeeded' : 'Failed';
  else if (initsDone && rt.ctrs.every((c) => c.runs.length > 0)) phase = 'Running';
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const allReady = cs.every((s) => s.ready);
  const unready = cs.filter((s) => !s.ready).map((s) => s.name);
  const incomplete = rt.inits.filter((c) => !(c.sidecar ? c.stage === 'running' : c.stage === 'done')).map((c) => c.name);
  const prev: any[] = pod.status?.conditions ?? [];
  const cond = (type: string, ok: boolean, reason?: string, message?: string) => {
    const status = ok ? 'True' : 'False';
    const old = prev.find((c) => c.type === type);
    const c: any = { type, status, lastProbeTime: null, lastTransitionTime: old?.status === status ? old.lastTransitionTime : clock.iso(now) };
    if (!ok && reason) c.reason = reason;
    if (!ok && message) c.message = message;
    return c;
  };
  const readyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const readyMsg = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const conditions = [
    cond('PodReadyToStartContainers', !terminal),
    cond('Initialized', initsDone, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
    cond('Ready', allReady && !terminal, readyReason, readyMsg),
    cond('ContainersReady', allReady && !terminal, readyReason, readyMsg),
    prev.find((c) => c.type === 'PodScheduled') ?? cond('PodScheduled', true),
  ];
  const status: any = {
    phase,
    conditions,
    hostIP: '10.0.0.10',
    hostIPs: [{ ip: '10.0.0.10' }],
    podIP: rt.ip,
    podIPs: [{ ip: rt.ip }],
    startTime: clock.iso(rt.startTime),
    ...(is.length ? { initContainerStatuses: is } : {}),
    containerStatuses: cs,
    qosClass: pod.status?.qosClass ?? 'BestEffort',
  };
  return status;
}


export function termJson(clock: SimClock, t: Term): any {
  return { exitCode: t.exitCode, reason: t.reason, ...(t.message ? { message: t.message } : {}), startedAt: clock.iso(t.startedAt), finishedAt: clock.iso(t.finishedAt), ...(t.containerID ? { containerID: t.containerID } : {}) };
}

