// startCluster(): the HTTPS Kubernetes API simulator with its controllers. See README-like notes
// in types.ts (options) and the Cluster interface below (what tests use).
import { Auth } from './auth';
import { makeCerts } from './certs';
import { SimClock } from './clock';
import { DeploymentController } from './controllers/deployment';
import { GarbageCollector } from './controllers/gc';
import { JobController } from './controllers/job';
import { Kubelet } from './controllers/kubelet';
import { ReplicaSetController } from './controllers/replicaset';
import { NODE_NAME, Scheduler } from './controllers/scheduler';
import { Recorder } from './events';
import { Faults } from './faults';
import { type KubeconfigOpts, kubeconfigYaml, writeKubeconfigFile } from './kubeconfig';
import { Objects } from './objects';
import { podQuota } from './quota';
import { Reconciler } from './reconciler';
import { findResource } from './resources';
import { ApiServer, type RequestRecord } from './server';
import { Store } from './store';
import type { ClusterOptions, ForbidRule, KObject } from './types';

export type { ClusterOptions, KObject, Behaviour, EksOptions, TokenInfo, ForbidRule, NodeCapacity } from './types';
export { BEHAVIOUR_KEY, RUN_KEY } from './types';
export type { FaultSpec, Fault, Faults } from './faults';
export type { RequestRecord } from './server';
export type { Kubelet } from './controllers/kubelet';
export { parseBehaviour } from './controllers/behaviour';
export { ApiError } from './status';

export interface Cluster {
  /** https://127.0.0.1:<port> */
  url: string;
  /** The cluster CA (PEM), for certificate-authority-data. */
  caPem: string;
  /** An admin bearer token. */
  token: string;
  kubeconfig(opts?: KubeconfigOpts): string;
  writeKubeconfig(path: string, opts?: KubeconfigOpts): void;
  /** Create or replace directly in the store (status kept as given); namespaces are created as needed. */
  apply(obj: KObject | KObject[]): KObject[];
  get(kind: string, ns: string | undefined, name: string): KObject | undefined;
  list(kind: string, ns?: string): KObject[];
  /** Delete through the API semantics (graceful pods, cascading owners). */
  delete(kind: string, ns: string | undefined, name: string, opts?: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; gracePeriodSeconds?: number }): void;
  kubelet: Kubelet;
  faults: Faults;
  /** Every request, in arrival order (clear with `requests.length = 0`). */
  requests: RequestRecord[];
  clock: { now(): number; advance(ms: number): void; timeScale: number };
  /** Freeze/resume the controllers (to observe in-between states). */
  controllers: { pause(): void; resume(): void; readonly paused: boolean };
  /** Drop the watch history: every watch resuming from an older resourceVersion gets 410. */
  compact(): void;
  waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs?: number, what?: string): Promise<void>;
  addToken(token: string, info: { user: string; forbid?: ForbidRule[]; groups?: string[] }): void;
  stop(): Promise<void>;
}

const NAMESPACES = findResource('namespaces')!;
const NODES = findResource('nodes')!;
const QUIET = new Set(['events', 'leases']);

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const certs = await makeCerts();
  const store = new Store(opts.watchHistory ?? 10_000);
  const reconciler = new Reconciler();
  const kick = () => reconciler.kick();
  const clock = new SimClock(opts.timeScale ?? 1, kick);
  const objects = new Objects(store, clock);
  objects.admit.push(podQuota(objects));
  const recorder = new Recorder(objects);
  const kubelet = new Kubelet(objects, recorder, clock, kick, { imageExists: opts.imageExists, imageLabels: opts.imageLabels, runJobsLocally: opts.runJobsLocally });
  reconciler.controllers.push(
    new DeploymentController(objects, recorder, clock),
    new ReplicaSetController(objects, recorder, clock),
    new JobController(objects, recorder, clock),
    new Scheduler(objects, recorder, clock, (p) => kubelet.unschedulable(p)),
    kubelet,
    new GarbageCollector(objects, store),
  );
  store.subscribe((e) => {
    if (!QUIET.has(e.def.plural)) kick();
  });

  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) objects.create(NAMESPACES, { metadata: { name: ns } });
  const cap = opts.nodeCapacity ?? {};
  const capacity = { cpu: cap.cpu ?? '8', memory: cap.memory ?? '32Gi', pods: String(cap.pods ?? 110), 'ephemeral-storage': '100Gi' };
  objects.create(
    NODES,
    {
      metadata: { name: NODE_NAME, labels: { 'kubernetes.io/hostname': NODE_NAME, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...cap.labels } },
      spec: {},
      status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }], nodeInfo: { kubeletVersion: 'v1.32.0-sandbox' } },
    },
    { keepStatus: true },
  );

  const auth = new Auth(opts.tokens, opts.eks);
  const faults = new Faults();
  const requests: RequestRecord[] = [];
  const server = new ApiServer(certs, auth, faults, requests, { objects, store, logs: kubelet, bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000 });
  const url = await server.listen(opts.port ?? 0);

  const resource = (kind: string) => objects.def(kind);
  const cluster: Cluster = {
    url,
    caPem: certs.caPem,
    token: auth.adminToken,
    kubeconfig: (o = {}) => kubeconfigYaml(url, certs.caPem, o.token ?? auth.adminToken, o.namespace),
    writeKubeconfig: (path, o = {}) => writeKubeconfigFile(path, kubeconfigYaml(url, certs.caPem, o.token ?? auth.adminToken, o.namespace)),
    apply(input) {
      const out: KObject[] = [];
      for (const obj of Array.isArray(input) ? input : [input]) {
        const def = objects.def(obj.kind ?? '');
        const ns = def.namespaced ? (obj.metadata?.namespace ?? 'default') : undefined;
        if (ns && !store.get(NAMESPACES, undefined, ns)) objects.create(NAMESPACES, { metadata: { name: ns } });
        const existing = store.get(def, ns, obj.metadata.name!);
        const body = { ...obj, metadata: { ...obj.metadata, namespace: ns, resourceVersion: undefined } };
        out.push(existing ? objects.update(def, ns, obj.metadata.name!, body, { keepStatus: obj.status !== undefined }) : objects.create(def, body, { keepStatus: obj.status !== undefined }));
      }
      return out;
    },
    get: (kind, ns, name) => {
      const o = store.get(resource(kind), ns, name);
      return o && structuredClone(o);
    },
    list: (kind, ns) => store.list(resource(kind), ns).map((o) => structuredClone(o)),
    delete: (kind, ns, name, o = {}) => void objects.delete(resource(kind), ns, name, o),
    kubelet,
    faults,
    requests,
    clock: { now: () => clock.now(), advance: (ms) => clock.advance(ms), timeScale: clock.timeScale },
    controllers: {
      pause: () => reconciler.pause(),
      resume: () => reconciler.resume(),
      get paused() {
        return reconciler.paused;
      },
    },
    compact: () => store.compact(),
    async waitFor(predicate, timeoutMs = 10_000, what = 'condition') {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (await predicate()) return;
        if (Date.now() > deadline) throw new Error(`cluster.waitFor timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    addToken: (token, info) => void auth.tokens.set(token, info),
    async stop() {
      reconciler.stop();
      clock.stop();
      await kubelet.stop();
      await server.close();
    },
  };
  kick();
  return cluster;
}
