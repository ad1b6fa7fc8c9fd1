import { errorMessage } from '@dantaro/core';
import type { KubeClient } from '../client';
import type { FailureReason } from '../detectors';
import { revisionOf } from '../rollout-status';
import type { Deployment } from '../types';
import { diagnosePod, formatDiagnosis } from './diagnose';
import { monitorDeployment, type MonitorVerdict } from './monitor';
import { checkAccess, resolveTargets } from './preflight';
import { undoDeployment } from './rollback';
import type { DeploymentReport, PodDiagnosis, RolloutOptions, RolloutResult, Target, TimelineEntry } from './types';
import { applyImages } from './update';

export * from './types';
export { diagnosePod, formatDiagnosis } from './diagnose';
export { monitorDeployment, type MonitorOptions, type MonitorVerdict } from './monitor';
export { resolveTargets, checkAccess } from './preflight';
export { undoDeployment, type UndoOutcome } from './rollback';
export { applyImages } from './update';
export { rolloutSummary } from './report';

/**
 * The whole rollout: pre-flight (nothing written unless every check passes), all targets patched in
 * parallel, each watched to a kubectl-identical verdict with fast-failure detection, failing pods
 * diagnosed, and — when enabled — every Deployment this run changed rolled back with `rollout undo`
 * semantics and watched to its own verdict.
 */
export async function runRollout(client: KubeClient, o: RolloutOptions): Promise<RolloutResult> {
  const clock = client.clock;
  const t0 = clock.now();
  const at = () => clock.now() - t0;
  const timeline: TimelineEntry[] = [];
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    o.log.warning(m);
  };
  const deadline = t0 + o.timeoutMs;
  client.deadline = deadline;

  // 1. pre-flight
  const { targets, dryRuns } = await o.log.group('Pre-flight checks', async () => {
    const { targets, skipped } = await resolveTargets(client, o);
    for (const s of skipped) o.log.info(`deployment "${s}" matches the selector but has no container the images apply to: left alone`);
    const changing = targets.filter((t) => t.changes.some((c) => c.from !== c.to));
    const dryRuns = await checkAccess(client, o, changing);
    for (const t of targets) {
      for (const c of t.changes) o.log.info(`${t.name}: ${c.init ? 'init container' : 'container'} ${c.container}: ${c.from === c.to ? `already ${c.to}` : `${c.from} → ${c.to}`}`);
    }
    o.log.info(`ok: ${targets.length} deployment(s) in namespace "${o.namespace}", permissions verified by a server-side dry run`);
    return { targets, dryRuns };
  });
  timeline.push({ section: 'pre-flight', name: 'checks', startMs: 0, endMs: at(), status: 'done' });
  const previousImages = Object.fromEntries(targets.map((t) => [t.name, Object.fromEntries(t.changes.map((c) => [c.container, c.from]))]));
  const base = (t: Target): DeploymentReport => ({
    name: t.name,
    changes: t.changes,
    from: Object.fromEntries(t.changes.map((c) => [c.container, c.from])),
    to: Object.fromEntries(t.changes.map((c) => [c.container, c.to])),
    verdict: 'success',
    message: '',
    seconds: 0,
    previousRevision: t.previousRevision,
  });

  if (o.dryRun) {
    const reports = targets.map((t) => ({ ...base(t), verdict: 'dry-run' as const, message: t.changes.every((c) => c.from === c.to) ? 'no change' : 'the server accepted the change (dryRun=All); nothing was written' }));
    void dryRuns;
    return { result: 'success', dryRun: true, deployments: reports, previousImages, diagnostics: [], warnings, timeline, startedAt: t0, seconds: at() / 1000 };
  }

  // 2. update all targets in parallel
  const reports = new Map(targets.map((t) => [t.name, base(t)]));
  const started = new Map<string, number>();
  const generations = new Map<string, number | undefined>();
  const changed = new Set<string>();
  const updateErrors: string[] = [];
  await o.log.group(`Updating ${targets.length} deployment(s)`, async () => {
    await Promise.all(
      targets.map(async (t) => {
        started.set(t.name, at());
        const before = t.deployment.metadata?.generation;
        try {
          const after: Deployment = await applyImages(client, o.namespace, t, o.images, o.changeCause, o.fieldManager);
          generations.set(t.name, after.metadata?.generation);
          if (after.metadata?.generation !== before) changed.add(t.name);
          const r = reports.get(t.name)!;
          Object.assign(r, { from: Object.fromEntries(t.changes.map((c) => [c.container, c.from])), to: Object.fromEntries(t.changes.map((c) => [c.container, c.to])), changes: t.changes });
          o.log.info(changed.has(t.name) ? `deployment.apps/${t.name} image updated` : `deployment.apps/${t.name}: images already current; watching its status`);
        } catch (e) {
          updateErrors.push(`${t.name}: ${errorMessage(e)}`);
          const r = reports.get(t.name)!;
          Object.assign(r, { verdict: 'failed', reason: 'RolloutError', message: `update failed: ${errorMessage(e)}` });
        }
      }),
    );
  });
  if (updateErrors.length === targets.length && changed.size === 0) {
    // nothing was written: this is an error to report, not a rollout to roll back
    throw Object.assign(new Error(`could not update: ${updateErrors.join('; ')}`), { name: updateErrors.length === 1 && /forbidden/.test(updateErrors[0]) ? 'UserError' : 'Error' });
  }

  // 3. watch each to a verdict (fail fast: one failure stops the others when they will be rolled back)
  const stopAll = new AbortController();
  const onCancel = () => stopAll.abort(o.signal?.reason ?? new Error('cancelled'));
  o.signal?.addEventListener('abort', onCancel, { once: true });
  let trigger: { name: string; reason: FailureReason; message: string } | undefined = updateErrors.length ? { name: targets.find((t) => reports.get(t.name)!.verdict === 'failed')!.name, reason: 'RolloutError', message: updateErrors[0] } : undefined;
  const verdicts = new Map<string, MonitorVerdict>();
  await o.log.group('Waiting for the rollout', async () => {
    await Promise.all(
      targets
        .filter((t) => generations.has(t.name))
        .map(async (t) => {
          const r = reports.get(t.name)!;
          const v = await monitorDeployment(client, {
            namespace: o.namespace,
            name: t.name,
            generation: generations.get(t.name),
            expectImages: changed.has(t.name) ? r.to : undefined,
            deadline,
            failFast: o.failFast,
            detector: o.detector,
            silenceMs: o.watchSilenceMs,
            signal: stopAll.signal,
            onProgress: (line) => o.log.info(line),
            onWarning: warn,
          }).catch((e): MonitorVerdict => ({ ok: false, reason: 'RolloutError', message: `watching ${t.name} failed: ${errorMessage(e)}`, failingPods: [], newPods: [], revision: 0, at: clock.now() }));
          verdicts.set(t.name, v);
          const aborted = !v.ok && stopAll.signal.aborted && trigger && trigger.name !== t.name;
          Object.assign(r, {
            verdict: v.ok ? 'success' : aborted ? 'aborted' : v.reason === 'Superseded' ? 'superseded' : 'failed',
            reason: v.ok || aborted ? undefined : v.reason,
            message: aborted ? `stopped: ${trigger!.name} failed` : v.message,
            seconds: (v.at - t0 - started.get(t.name)!) / 1000,
            revision: v.revision || revisionOf(v.deployment ?? {}),
          });
          timeline.push({ section: t.name, name: 'rollout', startMs: started.get(t.name)!, endMs: v.at - t0, status: v.ok ? 'done' : 'crit' });
          if (!v.ok && !aborted) {
            o.log.error(`${t.name}: ${v.reason}: ${v.message}`, { title: `eks-rollout: ${t.name} ${v.reason}` });
            trigger ??= { name: t.name, reason: v.reason ?? 'RolloutError', message: v.message };
            if (o.failFast && o.rollbackOnFailure) stopAll.abort(new Error(`${t.name} failed`));
          }
        }),
    );
  });
  o.signal?.removeEventListener('abort', onCancel);

  // 4. diagnose failing pods
  const diagnostics: PodDiagnosis[] = [];
  const failing = [...verdicts.entries()].filter(([n, v]) => !v.ok && reports.get(n)!.verdict !== 'aborted' && v.failingPods.length);
  if (failing.length) {
    await o.log.group('Failing pods', async () => {
      const all = await Promise.all(failing.flatMap(([n, v]) => v.failingPods.map((p) => diagnosePod(client, o.namespace, n, p))));
      for (const d of all) {
        diagnostics.push(d);
        o.log.info(formatDiagnosis(d));
      }
    });
  }

  const failed = [...reports.values()].some((r) => r.verdict === 'failed' || r.verdict === 'superseded');
  let result: RolloutResult['result'] = failed ? 'failed' : 'success';

  // 5. roll back what this run changed
  if (failed && o.rollbackOnFailure) {
    const toUndo = targets.filter((t) => changed.has(t.name) && reports.get(t.name)!.verdict !== 'superseded');
    const rbDeadline = clock.now() + o.timeoutMs;
    client.deadline = rbDeadline;
    let allOk = true;
    await o.log.group(`Rolling back ${toUndo.length} deployment(s)`, async () => {
      await Promise.all(
        toUndo.map(async (t) => {
          const r = reports.get(t.name)!;
          const startMs = at();
          try {
            const undo = await undoDeployment(client, o.namespace, t.name, t.previousRevision > 0 ? t.previousRevision : 0, o.fieldManager);
            o.log.info(undo.message);
            if (undo.error) throw new Error(undo.message);
            const v = await monitorDeployment(client, { namespace: o.namespace, name: t.name, generation: undo.generation, deadline: rbDeadline, failFast: true, detector: o.detector, silenceMs: o.watchSilenceMs, onProgress: (l) => o.log.info(l), onWarning: warn });
            r.rollbackRevision = v.revision;
            r.rollbackMessage = v.ok ? `rolled back to revision ${undo.toRevision} (now revision ${v.revision})` : `rollback did not complete: ${v.reason}: ${v.message}`;
            if (!v.ok) allOk = false;
            r.rollback = v.ok ? 'rolled-back' : 'rollback-failed';
            timeline.push({ section: t.name, name: 'rollback', startMs, endMs: at(), status: v.ok ? 'done' : 'crit' });
          } catch (e) {
            allOk = false;
            r.rollbackMessage = `rollback failed: ${errorMessage(e)}`;
            r.rollback = 'rollback-failed';
            o.log.error(`${t.name}: ${r.rollbackMessage}`, { title: `eks-rollout: rollback of ${t.name} failed` });
            timeline.push({ section: t.name, name: 'rollback', startMs, endMs: at(), status: 'crit' });
          }
        }),
      );
    });
    result = allOk ? 'rolled-back' : 'rollback-failed';
  }

  return {
    result,
    failureReason: trigger?.reason,
    failureMessage: trigger?.message,
    dryRun: false,
    deployments: targets.map((t) => reports.get(t.name)!),
    previousImages,
    diagnostics,
    warnings,
    timeline,
    startedAt: t0,
    seconds: at() / 1000,
  };
}
