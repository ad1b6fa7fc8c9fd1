import { randomBytes } from 'node:crypto';
import { errorMessage, formatDuration, type Logger } from '@dantaro/core';
import type { KubeClient } from '../client';
import { apiErrorOf } from '../errors';
import { JOBS } from '../resources';
import type { Job } from '../types';
import { formatCommand } from './command';
import { ANN_EXIT, ANN_RESULT, buildMigrationJob } from './job-spec';
import { acquireMigrationLock, holdMigrationLock, type HeldLock, type LockWait } from './lock';
import { jobName, lockName, migrationKey, planJobName, type MigrationImage } from './naming';
import { LineTail, neutralize } from './pod-output';
import { findPriorJobs, type PriorJobs } from './prior';
import { superviseJob, type Supervised } from './supervise';
import type { MigrationTemplate } from './template';
import type { JobVerdict } from './verdict';

/**
 * A database migration as a Kubernetes Job, before the rollout, one at a time: skip it when this
 * release already applied it, wait for the per-target Lease, optionally run a plan Job first, run the
 * migration Job with live logs, judge it, and clean up (Job and lock) on every exit path.
 */
export interface MigrateOptions {
  client: KubeClient;
  namespace: string;
  image: MigrationImage;
  argv: string[];
  planArgv?: string[];
  from: MigrationTemplate;
  timeoutMs: number;
  lock: boolean;
  lockTimeoutMs: number;
  /** Lease duration: a holder that stops renewing for this long is taken over. Default 60 s. */
  leaseSeconds?: number;
  backoffLimit: number;
  ttlSecondsAfterFinished: number;
  keepFailedJob: boolean;
  dryRun: boolean;
  /** Who we are, in the Lease (run, attempt, job, host). */
  holder: string;
  runUrl?: string;
  log: Logger;
  /** Cancellation (the runner's SIGTERM). The client itself must not carry it: cleanup needs the API. */
  signal: AbortSignal;
  lockPollMs?: number;
}

export type MigrateResultKind = 'applied' | 'already-applied' | 'failed' | 'timed-out' | 'planned';

export interface JobRun {
  jobName: string;
  argv: string[];
  verdict?: JobVerdict;
  outcome: Supervised['kind'] | 'not-run';
  logs: LineTail;
  seconds: number;
}

export interface MigrateResult {
  result: MigrateResultKind;
  /** One line for a person. */
  message: string;
  jobName: string;
  exitCode?: number;
  /** Migration Job time (created → verdict), excluding the lock wait. */
  seconds: number;
  lock?: LockWait & { name: string };
  run?: JobRun;
  plan?: JobRun;
  /** The Job that applied it before (already-applied). */
  appliedBy?: string;
  previousFailures: PriorJobs['failed'];
  /** The Job that would run (dry-run without plan). */
  wouldCreate?: Job;
  /** What was deleted or released on the way out. */
  cleanup: string[];
  cancelled?: string;
}

export class MigrationCancelled extends Error {
  constructor(
    message: string,
    readonly result: MigrateResult,
  ) {
    super(message);
    this.name = 'MigrationCancelled';
  }
}

export async function runMigration(o: MigrateOptions): Promise<MigrateResult> {
  const { client, namespace, log } = o;
  const key = migrationKey(o.image.digest, o.argv);
  const base = jobName(o.from.target, key);
  const res: MigrateResult = { result: 'failed', message: '', jobName: base, seconds: 0, previousFailures: [], cleanup: [] };
  const applied = (prior: PriorJobs) => {
    const name = prior.applied!.metadata!.name!;
    Object.assign(res, { result: 'already-applied', jobName: name, appliedBy: name, exitCode: 0, message: `already applied by job ${name} (same image digest and command): nothing to do` });
    log.info(res.message);
    return res;
  };

  // before any lock: a release that already migrated should not queue behind another one
  let prior = await findPriorJobs(client, namespace, o.from.target, key, base);
  if (prior.applied) return applied(prior);
  const build = (name: string, argv: string[], kind: 'migrate' | 'plan', k: string) =>
    buildMigrationJob({ name, namespace, key: k, kind, image: o.image.image, argv, from: o.from, backoffLimit: o.backoffLimit, activeDeadlineSeconds: o.timeoutMs / 1000, ttlSecondsAfterFinished: o.ttlSecondsAfterFinished, runUrl: o.runUrl });
  if (o.dryRun && !o.planArgv) {
    const name = prior.active?.metadata?.name ?? jobName(o.from.target, key, prior.failed.length ? prior.maxAttempt + 1 : 1);
    Object.assign(res, { result: 'planned', jobName: name, wouldCreate: build(name, o.argv, 'migrate', key), message: `dry run: would run \`${formatCommand(o.argv)}\` as job ${name}; nothing was created` });
    log.info(res.message);
    return res;
  }

  let held: HeldLock | undefined;
  const lease = { name: lockName(o.from.target), namespace, holder: o.holder, durationSeconds: o.leaseSeconds ?? 60 };
  const locked = async (): Promise<MigrateResult> => {
    if (o.lock) {
      const wait = await log.group(`Migration lock ${lease.name}`, () => acquireMigrationLock(client, lease, { timeoutMs: o.lockTimeoutMs, log, signal: o.signal, pollMs: o.lockPollMs }));
      res.lock = { ...wait, name: lease.name };
      held = holdMigrationLock(client, lease, log);
      // the run we waited for may have applied this very migration
      prior = await findPriorJobs(client, namespace, o.from.target, key, base);
      if (prior.applied) return applied(prior);
    }
    res.previousFailures = prior.failed;

    if (o.planArgv) {
      const planKey = migrationKey(o.image.digest, [...o.planArgv, randomBytes(4).toString('hex')], 'plan');
      res.plan = await runJob(o, build(planJobName(o.from.target, planKey), o.planArgv, 'plan', planKey), `Plan: ${formatCommand(o.planArgv)}`, res, true);
      if (res.plan.verdict?.outcome !== 'succeeded') return fromRun(res, res.plan, 'plan');
      if (o.dryRun) {
        Object.assign(res, { result: 'planned', jobName: res.plan.jobName, exitCode: 0, message: `dry run: plan job ${res.plan.jobName} succeeded; the migration was not run` });
        return res;
      }
    }

    let job: Job;
    if (prior.active) {
      job = prior.active;
      log.warning(`job ${job.metadata!.name} for this migration is already running (a previous run was interrupted, or ran without the lock): following it instead of starting another`);
    } else {
      const name = jobName(o.from.target, key, prior.maxAttempt + 1);
      for (const f of prior.failed) log.warning(`earlier attempt ${f.name} failed${f.reason ? ` (${f.reason}${f.exitCode ? `, exit code ${f.exitCode}` : ''})` : ''}; it is kept for inspection. Running the migration again as ${name}`);
      job = build(name, o.argv, 'migrate', key);
    }
    res.jobName = job.metadata!.name!;
    res.run = await runJob(o, job, `Migration: ${formatCommand(o.argv)}`, res, !prior.active);
    return fromRun(res, res.run, 'migration');
  };
  try {
    await locked();
  } finally {
    if (held) {
      await held.release();
      res.cleanup.push(`released lock ${lease.name}`);
    }
  }
  if (res.cancelled) throw new MigrationCancelled(`cancelled (${res.cancelled}): ${res.cleanup.join(', ') || 'nothing to clean up'}`, res);
  return res;
}

/** Create (or adopt) one Job, follow it to a verdict, and clean up what the outcome calls for. */
async function runJob(o: MigrateOptions, job: Job, title: string, res: MigrateResult, create: boolean): Promise<JobRun> {
  const { client, namespace, log } = o;
  const name = job.metadata!.name!;
  const isPlan = job.metadata?.labels?.['migrate.dantaro.dev/kind'] === 'plan';
  const run: JobRun = { jobName: name, argv: job.spec!.template!.spec!.containers.find((c) => c.name === o.from.container)!.command as string[], outcome: 'not-run', logs: new LineTail(), seconds: 0 };
  const clock = client.clock;
  return log.group(`${title} (job ${name})`, async () => {
    if (o.signal.aborted) {
      res.cancelled = errorMessage(o.signal.reason ?? 'cancelled');
      return run;
    }
    let created = job;
    if (create) {
      try {
        created = await client.create<Job>(JOBS, namespace, job);
        log.info(`created job ${name} (image ${o.image.image}, timeout ${formatDuration(o.timeoutMs)}, backoffLimit ${o.backoffLimit})`);
      } catch (e) {
        if (apiErrorOf(e)?.status !== 409) throw e;
        created = await client.get<Job>(JOBS, namespace, name);
        log.warning(`job ${name} was created by someone else at the same moment: following it`);
      }
    }
    const t0 = clock.now();
    let pods = 0;
    const out = await superviseJob({
      client,
      namespace,
      job: created,
      container: o.from.container,
      deadline: t0 + o.timeoutMs,
      signal: o.signal,
      log,
      onPod: (pod, attempt) => {
        pods++;
        if (attempt > 1 || pods > 1) log.info(`── pod ${pod} (attempt ${attempt}) ──`);
      },
      onLine: (text) => {
        run.logs.push(text);
        log.info(neutralize(text));
      },
    });
    run.outcome = out.kind;
    run.seconds = (out.at - t0) / 1000;
    if (out.kind === 'verdict') run.verdict = out.verdict;
    const v = run.verdict;
    const outcome = v?.outcome ?? out.kind;
    log.info(v ? `${name}: ${v.outcome}: ${v.message}` : `${name}: ${out.kind === 'deadline' ? `no verdict within ${formatDuration(o.timeoutMs)} (timeout)` : out.kind}`);

    if (out.kind === 'cancelled') res.cancelled = out.reason;
    const remove = out.kind === 'cancelled' || out.kind === 'deadline' || outcome === 'timed-out' || (isPlan && (outcome === 'succeeded' || !o.keepFailedJob)) || (outcome === 'failed' && !o.keepFailedJob);
    if (out.kind !== 'deleted' && !remove && !isPlan && v) await markJob(client, namespace, name, v, log);
    if (out.kind !== 'deleted' && remove) await deleteJob(client, namespace, name, res, log);
    else if (outcome === 'failed' && out.kind !== 'deleted') res.cleanup.push(`kept failed job ${name} for inspection (kubectl -n ${namespace} logs job/${name})`);
    return run;
  });
}

/** Record the verdict on the Job: a sidecar can keep it from ever completing, and re-runs read this. */
async function markJob(client: KubeClient, namespace: string, name: string, v: JobVerdict, log: Logger): Promise<void> {
  const result = v.outcome === 'succeeded' ? 'applied' : v.outcome;
  const annotations: Record<string, string> = { [ANN_RESULT]: result };
  if (v.exitCode !== undefined) annotations[ANN_EXIT] = String(v.exitCode);
  await client.patch(JOBS, namespace, name, { metadata: { annotations } }, 'merge').catch((e) => log.warning(`could not record the result on job ${name}: ${errorMessage(e)}`));
}

/** Delete the Job and (Background propagation) its pods, so a stopped migration does not run on. */
async function deleteJob(client: KubeClient, namespace: string, name: string, res: MigrateResult, log: Logger): Promise<void> {
  try {
    await client.delete(JOBS, namespace, name, { propagationPolicy: 'Background' });
    res.cleanup.push(`deleted job ${name} and its pods`);
    log.info(`deleted job ${name} and its pods`);
  } catch (e) {
    if (apiErrorOf(e)?.status === 404) return;
    res.cleanup.push(`could not delete job ${name}: ${errorMessage(e)}`);
    log.warning(`could not delete job ${name}: ${errorMessage(e)}; delete it with: kubectl -n ${namespace} delete job ${name}`);
  }
}

function fromRun(res: MigrateResult, run: JobRun, what: 'plan' | 'migration'): MigrateResult {
  const v = run.verdict;
  res.seconds = run.seconds;
  res.jobName = run.jobName;
  res.exitCode = v?.exitCode;
  if (v?.outcome === 'succeeded') {
    Object.assign(res, { result: 'applied', message: `migration applied by job ${run.jobName} in ${formatDuration(run.seconds * 1000)}` });
  } else if (v?.outcome === 'timed-out' || run.outcome === 'deadline') {
    Object.assign(res, { result: 'timed-out', message: `${what} job ${run.jobName} timed out after ${formatDuration(run.seconds * 1000)}${v ? `: ${v.message}` : ''}` });
  } else if (run.outcome === 'deleted') {
    Object.assign(res, { result: 'failed', message: `${what} job ${run.jobName} was deleted by someone else before it finished` });
  } else if (v) {
    Object.assign(res, { result: 'failed', message: `${what} job ${run.jobName} failed: ${v.message}` });
  } else {
    Object.assign(res, { result: 'failed', message: `${what} job ${run.jobName} did not finish (${run.outcome})` });
  }
  return res;
}
