import { hostname } from 'node:os';
import { errorMessage, githubContext, run, UserError, type ActionContext } from '@dantaro/core';
import { apiErrorOf, connectCluster, DEPLOYMENTS, KubeClient, MigrationCancelled, migrationSummary, runMigration, sensitiveLiterals, templateFromDeployment, type Deployment, type MigrateResult } from '@dantaro/kube';
import { readInputs, type MigrateInputs } from './inputs';

/** migrate: inputs → cluster access → runMigration (a Job, one at a time) → outputs + summary. */
run(async (ctx) => {
  const inp = readInputs(ctx);
  const connection = await connectCluster(inp.access, ctx, async () => (await import('@dantaro/aws')).eksClusterAccess);
  const namespace = inp.namespace ?? connection.namespace ?? 'default';
  // no signal on the client: after a cancel it must still delete the Job and release the lock
  const client = new KubeClient(connection, { log: ctx.log, userAgent: 'dantaro-deploy/migrate' });
  try {
    const from = inp.podTemplate ?? templateFromDeployment(await readDeployment(client, namespace, inp.fromDeployment!), inp.container);
    // the action never reads the Secrets the pod refers to; literal credentials in the template it does see are masked
    for (const v of sensitiveLiterals(from.template)) ctx.secrets.add(v);
    const gh = githubContext(ctx.env);
    const report = (r: MigrateResult) => publish(ctx, inp, r, namespace, from.target);
    let r: MigrateResult;
    try {
      r = await runMigration({
        client,
        namespace,
        image: inp.image,
        argv: inp.argv,
        planArgv: inp.planArgv,
        from,
        timeoutMs: inp.timeoutMs,
        lock: inp.lock,
        lockTimeoutMs: inp.lockTimeoutMs,
        backoffLimit: inp.backoffLimit,
        ttlSecondsAfterFinished: inp.ttlSecondsAfterFinished,
        keepFailedJob: inp.keepFailedJob,
        dryRun: inp.dryRun,
        holder: `${gh.repository || 'local'} run ${gh.runId || '-'}/${gh.runAttempt} job ${gh.job || '-'} (${hostname()} pid ${process.pid})`,
        runUrl: gh.runUrl,
        log: ctx.log,
        signal: ctx.signal,
      });
    } catch (e) {
      // outputs and summary on every exit path past the inputs (a lock timeout, a 403 …)
      report(e instanceof MigrationCancelled ? e.result : { result: 'failed', message: errorMessage(e), jobName: '', seconds: 0, previousFailures: [], cleanup: [] });
      throw e;
    }
    report(r);
    if (r.result === 'failed' || r.result === 'timed-out') throw new UserError(r.message, { hint: r.cleanup.find((c) => c.startsWith('kept failed job')) });
  } finally {
    client.close();
  }
});

async function readDeployment(client: KubeClient, namespace: string, name: string): Promise<Deployment> {
  try {
    return await client.get<Deployment>(DEPLOYMENTS, namespace, name);
  } catch (e) {
    if (apiErrorOf(e)?.status === 404) throw new UserError(`input "from-deployment": deployment "${name}" not found in namespace "${namespace}"; expected the name of the Deployment whose pod template the migration copies`);
    throw e;
  }
}

function publish(ctx: ActionContext, inp: MigrateInputs, r: MigrateResult, namespace: string, target: string): void {
  ctx.output('result', r.cancelled ? 'failed' : r.result);
  ctx.output('job-name', r.jobName);
  ctx.output('exit-code', r.exitCode === undefined ? '' : String(r.exitCode));
  ctx.output('seconds', String(Math.round(r.seconds * 10) / 10));
  ctx.summary.add(migrationSummary(r, { namespace, image: inp.image.image, argv: inp.argv, target, lockEnabled: inp.lock }));
}
