import { errorMessage, type Logger } from '@dantaro/core';
import { KubeClient } from '../client';
import { PersistenceTracker } from '../detectors';
import { EVENTS, JOBS, PODS } from '../resources';
import type { Job, KubeEvent, Pod } from '../types';
import { listWatch } from '../watch';
import { containerStarted, followContainer } from './pod-logs';
import { findingKeys, judgeJob, type JobVerdict } from './verdict';

/**
 * Watch one Job and its pods to a verdict: every change of either is judged at once (so the verdict
 * follows the container's exit by one watch event), each pod's migration container is followed into
 * `onLine`, and waiting is bounded by `deadline` and `signal`. Returns once logs are drained.
 */
export interface SuperviseOptions {
  client: KubeClient;
  namespace: string;
  job: Job;
  container: string;
  /** Absolute clock ms: past it the outcome is `deadline`. */
  deadline: number;
  signal: AbortSignal;
  log: Logger;
  onLine: (text: string, pod: string) => void;
  /** A new pod of the Job appeared (attempt number from 1). */
  onPod?: (pod: string, attempt: number) => void;
  /** How long to wait for the last log lines after the verdict. */
  drainMs?: number;
  silenceMs?: number;
}

export type Supervised = { kind: 'verdict'; verdict: JobVerdict; at: number } | { kind: 'deadline'; at: number } | { kind: 'cancelled'; at: number; reason: string } | { kind: 'deleted'; at: number };

export async function superviseJob(o: SuperviseOptions): Promise<Supervised> {
  const { client, namespace, container } = o;
  const name = o.job.metadata!.name!;
  const clock = client.clock;
  let job: Job = o.job;
  const pods = new Map<string, Pod>();
  const tracker = new PersistenceTracker(() => clock.now());
  const noted = new Set<string>();
  const followers = new Map<string, Promise<void>>();
  const stopWatch = new AbortController();
  const stopLogs = new AbortController();
  // streams get clients of their own whose signal really aborts a request still waiting for headers
  // (the shared client has no per-request signal, and must outlive a cancel to clean up)
  const scoped = (signal: AbortSignal) => new KubeClient(client.connection, { ...client.opts, signal });
  const watchClient = scoped(stopWatch.signal);
  const logClient = scoped(stopLogs.signal);
  const onCancel = () => stopLogs.abort();
  o.signal.addEventListener('abort', onCancel, { once: true });
  let settle!: (s: Supervised) => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<Supervised>((res, rej) => ((settle = res), (reject = rej)));
  let settled = false;
  const finish = (s: Supervised) => {
    if (settled) return;
    settled = true;
    settle(s);
  };

  const evaluate = () => {
    if (settled) return;
    for (const p of pods.values()) {
      const podName = p.metadata?.name ?? '';
      if (!followers.has(podName) && containerStarted(p, container)) {
        o.onPod?.(podName, followers.size + 1);
        followers.set(
          podName,
          followContainer({ client: logClient, namespace, pod: podName, container, current: () => pods.get(podName), onLine: (t) => o.onLine(t, podName), signal: stopLogs.signal }).catch((e) =>
            o.log.debug(`following ${podName}: ${errorMessage(e)}`),
          ),
        );
      }
    }
    const list = [...pods.values()];
    const j = judgeJob({ job, pods: list, container, persisted: tracker.observe(findingKeys(list, container)) });
    for (const f of j.notes) {
      if (noted.has(f.key)) continue;
      noted.add(f.key);
      o.log.warning(f.message);
    }
    if (j.verdict) finish({ kind: 'verdict', verdict: j.verdict, at: clock.now() });
  };

  const watchJob = async () => {
    for await (const ev of listWatch<Job>(watchClient, JOBS, namespace, { fieldSelector: `metadata.name=${name}`, signal: stopWatch.signal, silenceMs: o.silenceMs })) {
      if (ev.type === 'SYNC') {
        const j = ev.items.find((x) => x.metadata?.name === name);
        if (!j) return finish({ kind: 'deleted', at: clock.now() });
        job = j;
      } else if (ev.type === 'DELETED') return finish({ kind: 'deleted', at: clock.now() });
      else job = ev.object;
      if (job.metadata?.deletionTimestamp) return finish({ kind: 'deleted', at: clock.now() });
      evaluate();
    }
  };
  const watchPods = async () => {
    for await (const ev of listWatch<Pod>(watchClient, PODS, namespace, { labelSelector: `job-name=${name}`, signal: stopWatch.signal, silenceMs: o.silenceMs })) {
      if (ev.type === 'SYNC') {
        pods.clear();
        for (const p of ev.items) pods.set(p.metadata!.name!, p);
      } else if (ev.type === 'DELETED') pods.delete(ev.object.metadata!.name!);
      else pods.set(ev.object.metadata!.name!, ev.object);
      evaluate();
    }
  };
  const fail = (e: unknown) => {
    if (!settled && !stopWatch.signal.aborted) {
      settled = true;
      stopWatch.abort();
      stopLogs.abort();
      reject(e);
    }
  };
  void watchJob().catch(fail);
  void watchPods().catch(fail);

  // time-based checks (grace periods, Job events) need a tick even when nothing changes
  let lastEvents = 0;
  const tick = setInterval(() => {
    if (settled) return;
    if (clock.now() >= o.deadline) return finish({ kind: 'deadline', at: clock.now() });
    evaluate();
    if (pods.size === 0 && clock.now() - lastEvents >= 5_000) {
      lastEvents = clock.now();
      void jobEventProblem(client, namespace, name)
        .then((msg) => {
          if (msg && !noted.has(msg)) {
            noted.add(msg);
            o.log.warning(msg);
          }
        })
        .catch(() => {});
    }
  }, 250);
  const onAbort = () => finish({ kind: 'cancelled', at: clock.now(), reason: errorMessage(o.signal.reason ?? 'cancelled') });
  if (o.signal.aborted) onAbort();
  o.signal.addEventListener('abort', onAbort, { once: true });

  try {
    const outcome = await done;
    stopWatch.abort();
    if (outcome.kind === 'verdict') {
      // the container has ended: its log streams end by themselves; give them a moment to drain
      const drained = Promise.all(followers.values());
      const timer = new Promise<void>((r) => setTimeout(r, o.drainMs ?? 3_000).unref());
      await Promise.race([drained, timer]);
    }
    stopLogs.abort();
    await Promise.all(followers.values());
    return outcome;
  } finally {
    clearInterval(tick);
    stopWatch.abort();
    stopLogs.abort();
    o.signal.removeEventListener('abort', onAbort);
    o.signal.removeEventListener('abort', onCancel);
    watchClient.close();
    logClient.close();
  }
}

// reasons the Job controller cannot even create the pod: quota, admission, a missing service account
const FATAL_CREATE = /forbidden|exceeded quota|denied|not found/i;

/** A FailedCreate warning on the Job: the reason no pod appears. */
async function jobEventProblem(client: KubeClient, namespace: string, job: string): Promise<string | undefined> {
  const list = await client.list<KubeEvent>(EVENTS, namespace, { fieldSelector: `involvedObject.name=${job}` });
  const e = list.items.filter((x) => x.type === 'Warning' && x.reason === 'FailedCreate').pop();
  if (!e) return undefined;
  return `job ${job} cannot create its pod${FATAL_CREATE.test(e.message ?? '') ? '' : ' (yet)'}: ${e.message ?? ''}`;
}
