import type { KubeClient } from '../client';
import { PersistenceTracker, podFindings, podsOf, workloadFindings, type DetectorOptions, type FailureReason, type Finding } from '../detectors';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../resources';
import { revisionOf, rolloutStatus } from '../rollout-status';
import { selectorString } from '../selector';
import type { Deployment, Pod, ReplicaSet } from '../types';
import { findNewReplicaSet, isControlledBy } from '../undo';
import { listWatch } from '../watch';

/**
 * Watch one Deployment to a verdict: kubectl's status semantics on every change (list+watch with a
 * field selector, as `kubectl rollout status`), plus the fast-failure detectors over the new
 * ReplicaSet's pods (a second list+watch on the Deployment's selector). A tick re-evaluates so grace
 * periods expire without new events; the deadline ends it as Timeout.
 */
export interface MonitorOptions {
  namespace: string;
  name: string;
  /** The generation our write produced: earlier states of the object are not a verdict. */
  generation?: number;
  /** Images we set (container → image): someone else changing them means Superseded. */
  expectImages?: Record<string, string>;
  deadline: number;
  failFast: boolean;
  detector: DetectorOptions;
  silenceMs?: number;
  signal?: AbortSignal;
  onProgress: (line: string) => void;
  onWarning: (message: string) => void;
  tickMs?: number;
}

export interface MonitorVerdict {
  ok: boolean;
  reason?: FailureReason;
  message: string;
  deployment?: Deployment;
  newRS?: ReplicaSet;
  /** Pods the failure was seen on (for diagnosis). */
  failingPods: Pod[];
  /** All pods of the new ReplicaSet at the verdict. */
  newPods: Pod[];
  revision: number;
  at: number;
}

export async function monitorDeployment(client: KubeClient, o: MonitorOptions): Promise<MonitorVerdict> {
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const tracker = new PersistenceTracker(() => client.clock.now());
  const pods = new Map<string, Pod>();
  const warned = new Set<string>();
  let dep: Deployment | undefined;
  let newRS: ReplicaSet | undefined;
  let rsFor = -1; // the deployment revision newRS was looked up for
  let rsLookup: Promise<void> | undefined;
  let lastRsLookup = 0;
  let lastMessage = '';
  let unschedulable: Finding | undefined;
  let settle!: (v: MonitorVerdict) => void;
  let fail!: (e: unknown) => void;
  const verdict = new Promise<MonitorVerdict>((res, rej) => ((settle = res), (fail = rej)));
  let decided = false;

  const finish = (ok: boolean, message: string, reason?: FailureReason, failing: Pod[] = []) => {
    if (decided) return;
    decided = true;
    const newPods = podsOf(newRS, [...pods.values()]);
    settle({ ok, reason, message, deployment: dep, newRS, failingPods: failing, newPods, revision: dep ? revisionOf(dep) : 0, at: client.clock.now() });
  };

  const lookupRS = () => {
    if (!dep || rsLookup) return;
    const d = dep;
    lastRsLookup = client.clock.now();
    rsLookup = client
      .list<ReplicaSet>(REPLICASETS, o.namespace, { labelSelector: selectorString(d.spec?.selector) })
      .then((list) => {
        const found = findNewReplicaSet(d, list.items.filter((rs) => isControlledBy(rs, d)));
        if (found) {
          newRS = found;
          rsFor = revisionOf(d);
        }
      })
      .catch((e) => client.log.debug(`listing replicasets of ${o.name}: ${(e as Error).message}`))
      .finally(() => {
        rsLookup = undefined;
        evaluate();
      });
  };

  const evaluate = () => {
    if (decided || !dep) return;
    const d = dep;
    const current = (d.metadata?.generation ?? 0) >= (o.generation ?? 0);
    if (!current) return;
    if (o.expectImages && (d.metadata?.generation ?? 0) > (o.generation ?? 0)) {
      const now = Object.fromEntries([...(d.spec?.template?.spec?.containers ?? []), ...(d.spec?.template?.spec?.initContainers ?? [])].map((c) => [c.name, c.image]));
      const changed = Object.entries(o.expectImages).find(([c, img]) => now[c] !== img);
      if (changed) return finish(false, `deployment "${o.name}" was changed by someone else while rolling out (container ${changed[0]} is now ${now[changed[0]]})`, 'Superseded');
    }
    const st = rolloutStatus(d);
    if (st.message !== lastMessage) {
      lastMessage = st.message;
      o.onProgress(st.message);
    }
    if (st.done) return finish(true, st.message);
    // the new RS follows the revision annotation; look it up again whenever that moves
    if (revisionOf(d) !== rsFor && client.clock.now() - lastRsLookup > 1_000) lookupRS();
    const rsCurrent = newRS && revisionOf(d) === rsFor ? newRS : undefined;
    const newPods = podsOf(rsCurrent, [...pods.values()]);
    const gather = (persisted: (k: string) => number) => [...newPods.flatMap((p) => podFindings(p, o.detector, persisted)), ...workloadFindings(d, rsCurrent, o.detector, persisted)];
    const persisted = tracker.observe(gather(() => 0).map((f) => f.key));
    const findings = gather(persisted);
    unschedulable = findings.find((f) => f.reason === 'Unschedulable');
    for (const f of findings) {
      if (!f.fatal && !warned.has(f.reason + f.key)) {
        warned.add(f.reason + f.key);
        o.onWarning(f.message);
      }
    }
    if (st.failed) {
      const reason = unschedulable ? 'Unschedulable' : 'ProgressDeadlineExceeded';
      return finish(false, unschedulable ? `${st.message}: ${unschedulable.message}` : st.message, reason, failingPods(newPods, findings));
    }
    const fatal = findings.find((f) => f.fatal);
    if (fatal) {
      if (o.failFast) return finish(false, fatal.message, fatal.reason, failingPods(newPods, findings));
      if (!warned.has('fatal' + fatal.key)) {
        warned.add('fatal' + fatal.key);
        o.onWarning(`${fatal.message} (fail-fast is off: waiting for the deadline)`);
      }
    }
  };

  const watchDeployment = async () => {
    for await (const ev of listWatch<Deployment>(client, DEPLOYMENTS, o.namespace, { fieldSelector: `metadata.name=${o.name}`, silenceMs: o.silenceMs, signal: stop.signal })) {
      if (ev.type === 'SYNC') {
        dep = ev.items.find((d) => d.metadata?.name === o.name);
        if (!dep) return finish(false, `deployment "${o.name}" not found (deleted while rolling out)`, 'Deleted');
      } else if (ev.type === 'DELETED') {
        return finish(false, `deployment "${o.name}" has been deleted`, 'Deleted');
      } else if (ev.object.metadata?.name === o.name) {
        dep = ev.object;
      }
      if (!podsStarted) startPods();
      evaluate();
    }
  };

  let podsStarted = false;
  const startPods = () => {
    podsStarted = true;
    const selector = selectorString(dep?.spec?.selector);
    if (!selector) return;
    (async () => {
      for await (const ev of listWatch<Pod>(client, PODS, o.namespace, { labelSelector: selector, silenceMs: o.silenceMs, signal: stop.signal })) {
        if (ev.type === 'SYNC') {
          pods.clear();
          for (const p of ev.items) pods.set(p.metadata?.uid ?? p.metadata?.name ?? '', p);
        } else if (ev.type === 'DELETED') pods.delete(ev.object.metadata?.uid ?? ev.object.metadata?.name ?? '');
        else pods.set(ev.object.metadata?.uid ?? ev.object.metadata?.name ?? '', ev.object);
        evaluate();
      }
    })().catch((e) => {
      // losing the pod view costs fast failure, not the verdict: say so and go on with status only
      if (!stop.signal.aborted) o.onWarning(`cannot watch pods of ${o.name}: ${(e as Error).message}; fast-failure detection is off`);
    });
  };

  const tick = setInterval(evaluate, o.tickMs ?? 500);
  const deadlineTimer = setTimeout(
    () => {
      const why = unschedulable ? `: ${unschedulable.message}` : '';
      finish(false, `timed out after waiting for deployment "${o.name}"${lastMessage ? ` (last status: ${lastMessage})` : ''}${why}`, unschedulable ? 'Unschedulable' : 'Timeout', unschedulable ? podsOf(newRS, [...pods.values()]).slice(0, 3) : []);
    },
    Math.max(0, o.deadline - client.clock.now()),
  );
  watchDeployment().catch((e) => {
    if (!stop.signal.aborted && !decided) {
      decided = true;
      fail(e);
    }
  });
  o.signal?.addEventListener('abort', () => finish(false, `deployment "${o.name}": stopped (${(o.signal?.reason as Error)?.message ?? 'aborted'})`, 'Timeout'), { once: true });
  try {
    return await verdict;
  } finally {
    clearInterval(tick);
    clearTimeout(deadlineTimer);
    o.signal?.removeEventListener('abort', onOuterAbort);
    stop.abort(new Error('verdict reached'));
  }
}

function failingPods(newPods: Pod[], findings: Finding[]): Pod[] {
  const names = new Set(findings.filter((f) => f.pod).map((f) => f.pod));
  const hit = newPods.filter((p) => names.has(p.metadata?.name));
  return (hit.length ? hit : newPods.filter((p) => p.status?.phase !== 'Running')).slice(0, 3);
}
