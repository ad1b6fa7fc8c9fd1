import { run, UserError } from '@dantaro/core';
import { connectCluster, formatDiagnosis, KubeClient, rolloutSummary, runRollout } from '@dantaro/kube';
import { readInputs } from './inputs';

/** eks-rollout: inputs → cluster access → runRollout → outputs + summary. */
run(async (ctx) => {
  const inp = readInputs(ctx);
  for (const w of inp.imageWarnings) ctx.log.warning(w);

  const connection = await connectCluster(inp.access, ctx, async () => (await import('@dantaro/aws')).eksClusterAccess);
  const namespace = inp.namespace ?? connection.namespace ?? 'default';
  const client = new KubeClient(connection, { log: ctx.log, userAgent: 'dantaro-deploy/eks-rollout' });
  try {
    const r = await runRollout(client, {
      namespace,
      deployments: inp.deployments,
      selector: inp.selector,
      images: inp.images,
      timeoutMs: inp.timeoutMs,
      rollbackOnFailure: inp.rollbackOnFailure,
      failFast: inp.failFast,
      detector: { imagePullGraceMs: inp.imagePullGraceMs, crashloopRestarts: inp.crashloopRestarts, configErrorGraceMs: inp.imagePullGraceMs, replicaFailureGraceMs: inp.imagePullGraceMs },
      changeCause: inp.changeCause,
      dryRun: inp.dryRun,
      log: ctx.log,
      watchSilenceMs: inp.watchSilenceMs,
      signal: ctx.signal,
      fieldManager: 'dantaro-eks-rollout',
    });
    const first = r.deployments[0];
    ctx.output('result', r.result);
    ctx.output('failure-reason', r.failureReason ?? '');
    ctx.output('revision', String(first?.rollbackRevision ?? first?.revision ?? ''));
    ctx.output('previous-revision', String(first?.previousRevision ?? ''));
    ctx.output('previous-images', r.previousImages);
    ctx.output(
      'deployments',
      r.deployments.map((d) => ({ name: d.name, from: d.from, to: d.to, verdict: d.verdict, reason: d.reason, rollback: d.rollback, seconds: Math.round(d.seconds * 10) / 10, revision: d.revision, previousRevision: d.previousRevision, rollbackRevision: d.rollbackRevision })),
    );
    ctx.summary.add(rolloutSummary(r, { namespace, changeCause: inp.changeCause }));
    if (r.result !== 'success') {
      if (r.diagnostics.length) ctx.log.error(r.diagnostics.map(formatDiagnosis).join('\n\n'), { title: `eks-rollout: ${r.failureReason} — failing pods` });
      const after = r.result === 'rolled-back' ? '; every changed deployment was rolled back' : r.result === 'rollback-failed' ? '; the ROLLBACK FAILED too: check the cluster now' : '';
      throw new UserError(`rollout ${r.result === 'failed' ? 'failed' : r.result}: ${r.failureReason}: ${r.failureMessage}${after}`);
    }
    ctx.log.info(r.dryRun ? 'dry run: the server accepted every change; nothing was written' : `all ${r.deployments.length} deployment(s) rolled out in ${r.seconds.toFixed(1)} s`);
  } finally {
    client.close();
  }
});
