// A simulated kubelet on `sandbox-node`: per container, image checks and pulls (ErrImagePull →
// ImagePullBackOff, InvalidImageName), config (CreateContainerConfigError), start, readiness,
// scripted exits with kubelet restart backoff (CrashLoopBackOff, OOMKilled), logs per run, and
// graceful termination. Job pods may run their first container as a real local process.
import { randomBytes } from 'node:crypto';
import type { SimClock } from '../clock';
import type { Recorder } from '../events';
import type { Objects } from '../objects';
import { findResource } from '../resources';
import { ApiError } from '../status';
import { BEHAVIOUR_KEY, type Behaviour, type KObject, RUN_KEY } from '../types';
import { type BehaviourMatch, type BehaviourRule, parseBehaviour, ruleMatches, validImageRef } from './behaviour';
import { resolveEnv } from './env';
import { type LocalExit, type LocalProcess, runLocal } from './local-process';
import { LogBuffer } from './logs';
import { NODE_NAME } from './scheduler';

const PODS = findResource('pods')!;
const JOBS = findResource('jobs')!;
const SOURCE = { component: 'kubelet', host: NODE_NAME };
const PULL_MS = 500;
const DEFAULT_RUN_MS = 2000;
const JOB_RUN_MS = 1000;
const TERMINATION_MS = 1000;
const CONFIG_EVENT_EVERY_MS = 10_000;
const backoff = (n: number) => Math.min(10_000 * 2 ** Math.max(0, n - 1), 300_000);

import { type Ctr, type PodRt, podStatus, type Term } from './pod-status';

export interface KubeletOptions {
  imageExists?: (image: string) => Promise<boolean>;
  imageLabels?: (image: string) => Promise<Record<string, string> | undefined>;
  runJobsLocally?: boolean;
}

export class Kubelet {
  readonly name = 'kubelet';
  private readonly rules: BehaviourRule[] = [];
  private readonly pods = new Map<string, PodRt>();
  private readonly images = new Set<string>();
  private readonly labels = new Map<string, Record<string, string> | undefined | 'pending'>();
  private readonly procs = new Set<LocalProcess>();
  private ipSeq = 2;
  private stopped = false;

  constructor(
    private readonly objects: Objects,
    private readonly recorder: Recorder,
    private readonly clock: SimClock,
    private readonly kick: () => void,
    private readonly opts: KubeletOptions = {},
  ) {}

  /** Script how matching containers behave (newest rule wins). Returns a function removing it. */
  behave(match: BehaviourMatch, behaviour: Behaviour | string): () => void {
    const rule = { match, behaviour: typeof behaviour === 'string' ? parseBehaviour(behaviour) : behaviour };
    this.rules.unshift(rule);
    this.kick();
    return () => {
      const i = this.rules.indexOf(rule);
      if (i >= 0) this.rules.splice(i, 1);
    };
  }

  /** Image config labels, fetched once per image through the hook. */
  private imageLabelsOf(image: string): Record<string, string> | undefined | 'pending' {
    if (!this.opts.imageLabels) return undefined;
    if (!this.labels.has(image)) {
      this.labels.set(image, 'pending');
      this.opts
        .imageLabels(image)
        .catch(() => undefined)
        .then((l) => {
          this.labels.set(image, l);
          this.kick();
        });
    }
    return this.labels.get(image);
  }

  /** The behaviour of one container: container annotation > pod annotation > rule > image label. */
  behaviourFor(pod: KObject, spec: any): Behaviour | 'pending' {
    const a = pod.metadata.annotations ?? {};
    const own = a[`${BEHAVIOUR_KEY}.${spec.name}`] ?? a[BEHAVIOUR_KEY];
    if (own !== undefined) return safeParse(own);
    const rule = this.rules.find((r) => ruleMatches(r, pod, spec.image));
    if (rule) return rule.behaviour;
    const labels = this.imageLabelsOf(spec.image);
    if (labels === 'pending') return 'pending';
    const fromImage = labels?.[BEHAVIOUR_KEY];
    return fromImage ? safeParse(fromImage) : {};
  }

  /** For the scheduler. */
  unschedulable(pod: KObject): boolean | 'pending' {
    let pending = false;
    for (const c of pod.spec?.containers ?? []) {
      const b = this.behaviourFor(pod, c);
      if (b === 'pending') pending = true;
      else if (b.unschedulable) return true;
    }
    return pending ? 'pending' : false;
  }

  private runsLocally(pod: KObject): boolean {
    if (pod.metadata.annotations?.[RUN_KEY] === 'local') return true;
    const jobRef = pod.metadata.ownerReferences?.find((r) => r.kind === 'Job' && r.controller);
    if (!jobRef) return false;
    if (this.opts.runJobsLocally) return true;
    const job = this.objects.store.get(JOBS, pod.metadata.namespace, jobRef.name);
    return job?.metadata.annotations?.[RUN_KEY] === 'local';
  }

  reconcile(): void {
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const pod of this.objects.store.list(PODS)) {
      if (pod.spec?.nodeName !== NODE_NAME) continue;
      seen.add(pod.metadata.uid!);
      this.syncPod(pod);
    }
    for (const [uid, rt] of this.pods) if (!seen.has(uid)) this.forget(rt);
  }

  private forget(rt: PodRt): void {
    for (const c of [...rt.inits, ...rt.ctrs]) {
      c.proc?.kill(0);
      for (const r of c.runs) r.end();
    }
    this.pods.delete(rt.uid);
  }

  private runtime(pod: KObject): PodRt {
    let rt = this.pods.get(pod.metadata.uid!);
    if (rt) return rt;
    const local = this.runsLocally(pod);
    const mk = (spec: any, init: boolean, i: number): Ctr => ({
      name: spec.name,
      spec,
      init,
      sidecar: init && spec.restartPolicy === 'Always',
      local: local && !init && i === 0,
      stage: 'new',
      restartCount: 0,
      exits: 0,
      runs: [],
      behaviour: {},
      pullFailures: 0,
      pulled: false,
    });
    rt = {
      uid: pod.metadata.uid!,
      ns: pod.metadata.namespace!,
      name: pod.metadata.name!,
      inits: (pod.spec.initContainers ?? []).map((s: any, i: number) => mk(s, true, i)),
      ctrs: (pod.spec.containers ?? []).map((s: any, i: number) => mk(s, false, i)),
      ip: `10.244.0.${this.ipSeq++ % 250 || 2}`,
      startTime: this.clock.now(),
    };
    this.pods.set(rt.uid, rt);
    return rt;
  }

  private ev(pod: KObject, type: 'Normal' | 'Warning', reason: string, message: string, c?: Ctr): void {
    this.recorder.record(PODS, pod, type, reason, message, SOURCE, c ? `spec.${c.init ? 'initContainers' : 'containers'}{${c.name}}` : undefined);
  }

  private syncPod(pod: KObject): void {
    const rt = this.runtime(pod);
    const now = this.clock.now();
    if (pod.metadata.deletionTimestamp) return this.terminate(pod, rt, now);
    let initsDone = true;
    for (const c of rt.inits) {
      this.step(pod, rt, c, now);
      const ok = c.sidecar ? c.stage === 'running' && c.startedAt !== undefined : c.stage === 'done' && c.terminated?.exitCode === 0;
      if (!ok) {
        initsDone = false;
        break;
      }
    }
    if (initsDone) for (const c of rt.ctrs) this.step(pod, rt, c, now);
    // a local Job container decides the pod: the other containers are stopped when it is done
    const main = rt.ctrs[0];
    if (main?.local && main.stage === 'done')
      for (const c of [...rt.ctrs.slice(1), ...rt.inits.filter((i) => i.sidecar)])
        if (c.stage !== 'done') this.finish(pod, c, { exitCode: 0, reason: 'Completed' }, now, false);
    this.writeStatus(pod, rt, initsDone, now);
    const next = Math.min(...[...rt.inits, ...rt.ctrs].map((c) => c.nextAt ?? Infinity));
    if (Number.isFinite(next)) this.clock.wakeAt(next);
  }

  private step(pod: KObject, rt: PodRt, c: Ctr, now: number): void {
    const image: string = c.spec.image;
    c.nextAt = undefined;
    for (let guard = 0; guard < 20; guard++) {
      switch (c.stage) {
        case 'new': {
          if (!validImageRef(image)) {
            const msg = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
            c.waiting = { reason: 'InvalidImageName', message: msg };
            c.stage = 'stuck';
            this.ev(pod, 'Warning', 'InspectFailed', msg, c);
            this.ev(pod, 'Warning', 'Failed', 'Error: InvalidImageName', c);
            return;
          }
          c.stage = 'pull';
          continue;
        }
        case 'pull': {
          const policy = c.spec.imagePullPolicy ?? 'IfNotPresent';
          if (policy !== 'Always' && this.images.has(image)) {
            this.ev(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, c);
            c.pulled = true;
            c.stage = 'config';
            continue;
          }
          if (policy === 'Never') {
            c.waiting = { reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` };
            c.stage = 'stuck';
            this.ev(pod, 'Warning', 'ErrImageNeverPull', c.waiting.message!, c);
            this.ev(pod, 'Warning', 'Failed', 'Error: ErrImageNeverPull', c);
            return;
          }
          const b = this.behaviourFor(pod, c.spec);
          if (b === 'pending') return;
          this.ev(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, c);
          c.waiting ??= { reason: 'ContainerCreating' };
          c.stage = 'pulling';
          c.pullStartedAt = now;
          c.pullResult = 'pending';
          const check = b.pullFails ? Promise.resolve(false) : this.opts.imageExists ? this.opts.imageExists(image).catch(() => false) : Promise.resolve(true);
          void check.then((ok) => {
            c.pullResult = ok ? 'ok' : 'fail';
            this.kick();
          });
          return;
        }
        case 'pulling': {
          if (c.pullResult === 'pending') return;
          if (now < c.pullStartedAt! + PULL_MS) {
            c.nextAt = c.pullStartedAt! + PULL_MS;
            return;
          }
          if (c.pullResult === 'ok') {
            this.images.add(image);
            c.pulled = true;
            c.pullFailures = 0;
            this.ev(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${PULL_MS}ms (${PULL_MS}ms including waiting). Image size: 28184421 bytes.`, c);
            c.stage = 'config';
            continue;
          }
          c.pullFailures++;
          const ref = image.includes('/') ? image : `docker.io/library/${image}`;
          c.pullMessage = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
          c.waiting = { reason: 'ErrImagePull', message: c.pullMessage };
          this.ev(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${c.pullMessage}`, c);
          this.ev(pod, 'Warning', 'Failed', 'Error: ErrImagePull', c);
          c.stage = 'pullBackoff';
          c.showBackoffAt = now + 1000;
          c.retryAt = now + backoff(c.pullFailures);
          continue;
        }
        case 'pullBackoff': {
          if (c.showBackoffAt !== undefined && now >= c.showBackoffAt) {
            c.showBackoffAt = undefined;
            c.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${c.pullMessage}` };
            this.ev(pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, c);
            this.ev(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', c);
          }
          if (now >= c.retryAt!) {
            c.stage = 'pull';
            continue;
          }
          c.nextAt = Math.min(c.showBackoffAt ?? Infinity, c.retryAt!);
          return;
        }
        case 'config': {
          const b = this.behaviourFor(pod, c.spec);
          if (b === 'pending') return;
          const env = resolveEnv(this.objects, { ...pod, status: { ...pod.status, podIP: rt.ip, hostIP: '10.0.0.10' } }, c.spec);
          if ('error' in env) {
            const again = c.waiting?.message !== env.error || now >= (c.configEventAt ?? 0) + CONFIG_EVENT_EVERY_MS;
            c.waiting = { reason: 'CreateContainerConfigError', message: env.error };
            if (again) {
              c.configEventAt = now;
              this.ev(pod, 'Warning', 'Failed', `Error: ${env.error}`, c);
            }
            c.nextAt = c.configEventAt! + CONFIG_EVENT_EVERY_MS;
            return;
          }
          this.start(pod, rt, c, b, env.env, now);
          continue;
        }
        case 'running': {
          if (c.exitInfo) {
            const ex = c.exitInfo;
            c.exitInfo = undefined;
            this.finish(pod, c, ex, now, true);
            continue;
          }
          if (c.exitAt !== undefined && now >= c.exitAt) {
            const code = c.behaviour.exitCode ?? 0;
            const run = c.runs[c.runs.length - 1];
            if (c.behaviour.oom) run.line('Killed');
            else run.line(code === 0 ? 'done' : `error: exiting with code ${code}`);
            this.finish(pod, c, { exitCode: code, reason: c.behaviour.oom ? 'OOMKilled' : code === 0 ? 'Completed' : 'Error' }, now, true);
            continue;
          }
          const pendingReady = c.readyAt !== undefined && now < c.readyAt ? c.readyAt : Infinity;
          const next = Math.min(c.exitAt ?? Infinity, pendingReady);
          if (Number.isFinite(next)) c.nextAt = next;
          return;
        }
        case 'crashBackoff': {
          if (now >= c.retryAt!) {
            c.stage = 'pull';
            continue;
          }
          c.nextAt = c.retryAt;
          return;
        }
        default:
          return;
      }
    }
  }

  private start(pod: KObject, rt: PodRt, c: Ctr, b: Behaviour, env: Record<string, string>, now: number): void {
    if (c.runs.length > 0) c.restartCount++;
    c.behaviour = b;
    const run = new LogBuffer(() => this.clock.now());
    c.runs.push(run);
    c.containerID = `containerd://${randomBytes(32).toString('hex')}`;
    c.waiting = undefined;
    c.terminated = undefined;
    c.startedAt = now;
    c.stage = 'running';
    this.ev(pod, 'Normal', 'Created', `Created container: ${c.name}`, c);
    this.ev(pod, 'Normal', 'Started', `Started container ${c.name}`, c);
    const probe = c.spec.readinessProbe;
    c.readyAt = b.neverReady ? undefined : now + (b.readyAfterMs ?? (probe ? (probe.initialDelaySeconds ?? 0) * 1000 : 0));
    if (b.neverReady) this.ev(pod, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', c);
    c.exitAt = undefined;
    if (c.local) {
      const proc = runLocal(c.spec, env, run);
      c.proc = proc;
      this.procs.add(proc);
      void proc.exited.then((ex) => {
        this.procs.delete(proc);
        if (c.proc === proc) {
          c.proc = undefined;
          c.exitInfo = ex;
          this.kick();
        }
      });
      return;
    }
    const vars: Record<string, string> = { pod: rt.name, container: c.name, image: c.spec.image, attempt: String(c.runs.length) };
    const lines = b.logs ?? [`starting ${c.name} (${c.spec.image}), attempt ${c.runs.length}`, ...(b.exitCode === undefined && pod.spec.restartPolicy === 'Always' && !c.init ? ['listening on :8080'] : [])];
    for (const l of lines) run.line(l.replace(/\{(pod|container|image|attempt)\}/g, (_, k: string) => vars[k]));
    const isJobLike = c.init ? !c.sidecar : pod.spec.restartPolicy !== 'Always';
    if (b.exitCode !== undefined) c.exitAt = now + (b.runForMs ?? DEFAULT_RUN_MS);
    else if (isJobLike) {
      c.behaviour = { ...b, exitCode: 0 };
      c.exitAt = now + (b.runForMs ?? (c.init ? PULL_MS : JOB_RUN_MS));
    }
  }

  private finish(pod: KObject, c: Ctr, ex: LocalExit | { exitCode: number; reason: string; message?: string }, now: number, mayRestart: boolean): void {
    c.runs[c.runs.length - 1]?.end();
    const term: Term = { exitCode: ex.exitCode, reason: ex.reason, ...(ex.message ? { message: ex.message } : {}), startedAt: c.startedAt ?? now, finishedAt: now, containerID: c.containerID };
    c.startedAt = undefined;
    c.readyAt = undefined;
    c.exitAt = undefined;
    c.exits++;
    const policy = pod.spec.restartPolicy ?? 'Always';
    const restart = mayRestart && (c.sidecar || (c.init ? ex.exitCode !== 0 && policy !== 'Never' : policy === 'Always' || (policy === 'OnFailure' && ex.exitCode !== 0)));
    if (!restart) {
      c.terminated = term;
      c.stage = 'done';
      return;
    }
    c.lastTerminated = term;
    const delay = c.exits <= 1 ? 0 : backoff(c.exits - 1);
    if (delay === 0) {
      c.stage = 'pull';
      return;
    }
    c.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${delay / 1000}s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` };
    c.stage = 'crashBackoff';
    c.retryAt = now + delay;
    this.ev(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`, c);
  }

  private terminate(pod: KObject, rt: PodRt, now: number): void {
    const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    if (rt.killedAt === undefined) {
      rt.killedAt = now;
      for (const c of [...rt.ctrs, ...rt.inits]) {
        if (c.stage !== 'running') continue;
        this.ev(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, c);
        c.proc?.kill(this.clock.wallMs(graceMs));
      }
    }
    const procsLeft = [...rt.ctrs, ...rt.inits].some((c) => c.proc);
    const due = rt.killedAt + Math.min(TERMINATION_MS, graceMs);
    if (procsLeft || now < due) {
      if (!procsLeft) this.clock.wakeAt(due);
      return;
    }
    this.forget(rt);
    this.objects.store.remove(PODS, pod.metadata.namespace, pod.metadata.name!);
  }

  private writeStatus(pod: KObject, rt: PodRt, initsDone: boolean, now: number): void {
    const status = podStatus(this.clock, pod, rt, initsDone, now);
    if (JSON.stringify(status) === JSON.stringify(pod.status)) return;
    this.objects.save(PODS, { ...structuredClone(pod), status });
  }

  /** pods/log: the run a request means, or the kubelet's 400 when there is none. */
  buffer(pod: KObject, container: string | undefined, previous: boolean): LogBuffer {
    const name = pod.metadata.name;
    const names: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name);
    const initNames: string[] = (pod.spec?.initContainers ?? []).map((c: any) => c.name);
    if (!container) {
      if (names.length !== 1)
        throw new ApiError(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]${initNames.length ? ` or one of the init containers: [${initNames.join(' ')}]` : ''}`);
      container = names[0];
    }
    if (!names.includes(container) && !initNames.includes(container)) throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
    const rt = this.pods.get(pod.metadata.uid!);
    const c = rt && [...rt.ctrs, ...rt.inits].find((x) => x.name === container);
    if (previous) {
      if (!c?.lastTerminated) throw new ApiError(400, 'BadRequest', `previous terminated container "${container}" in pod "${name}" not found`);
      return c.runs[c.stage === 'running' ? c.runs.length - 2 : c.runs.length - 1];
    }
    if (!c || !c.runs.length) {
      const w = c?.waiting?.reason ?? 'ContainerCreating';
      const why = w === 'ErrImagePull' ? 'trying and failing to pull image' : w === 'ImagePullBackOff' ? "image can't be pulled" : w;
      throw new ApiError(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ${why}`);
    }
    return c.runs[c.runs.length - 1];
  }

  /** Kill every local process (cluster stop). */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.procs];
    for (const p of all) p.kill(2000);
    await Promise.all(all.map((p) => p.exited));
    for (const rt of [...this.pods.values()]) this.forget(rt);
  }

  /** Local processes still running (for tests and stop). */
  get localProcesses(): number {
    return this.procs.size;
  }
}

function safeParse(s: string): Behaviour {
  try {
    return parseBehaviour(s);
  } catch (e) {
    console.warn(`[cluster] ignoring behaviour "${s}": ${(e as Error).message}`);
    return {};
  }
}
