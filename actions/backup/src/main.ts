import { run, UserError } from '@dantaro/core';
import type { BackupResult, RetentionResult } from '@dantaro/backup';
import { normalizePrefix, pgTarget, redisPrefixFor, redisTarget } from '@dantaro/backup/inputs';

// backup: inputs → backupPostgres (+ backupRedis) → retention → outputs and summary.
void run(async (ctx) => {
  const i = ctx.inputs;
  const bucket = i.required('bucket', 'an S3 bucket name');
  const password = i.secret('password', { required: true })!;
  const databaseUrl = i.secret('database-url');
  const redisUrl = i.secret('redis-url');
  const target = pgTarget(databaseUrl, ctx.env);
  ctx.secrets.add(target.password);
  const redis = redisUrl ? redisTarget(redisUrl) : undefined;
  ctx.secrets.add(redis?.password);
  if (!databaseUrl && !ctx.env.PGHOST && !ctx.env.PGDATABASE) throw new UserError('input "database-url" is required: give postgres://user:pass@host:5432/db (or set PGHOST/PGUSER/PGDATABASE)');
  const settings = {
    bucket,
    password,
    kdf: i.enum('kdf', ['pbkdf2', 'sha256', 'md5'] as const, { default: 'pbkdf2' })!,
    storageClass: i.string('storage-class'),
    log: ctx.log,
    signal: ctx.signal,
  };
  const prefix = normalizePrefix(i.string('prefix', { default: 'database/' })!);
  const format = i.enum('format', ['plain', 'custom'] as const, { default: 'plain' })!;
  const days = i.int('retention-days', { default: 30, min: 0 })!;
  const dryRun = i.bool('dry-run', false);
  // inputs are valid: now load the S3 SDK and the streaming core
  const { applyRetention, backupPostgres, backupRedis, backupSummary, s3Client } = await import('@dantaro/backup');
  const common = { ...settings, client: s3Client() };

  const t0 = Date.now();
  let pg: BackupResult | undefined;
  let rd: BackupResult | undefined;
  const retention: Array<{ prefix: string; result: RetentionResult }> = [];
  try {
    pg = await ctx.log.group('Back up PostgreSQL', () => backupPostgres({ ...common, prefix, format, target, env: ctx.env }));
    if (redis) rd = await ctx.log.group('Back up Redis', () => backupRedis({ ...common, prefix: redisPrefixFor(prefix), target: redis, tempRoot: ctx.env.RUNNER_TEMP || undefined }));
    await ctx.log.group('Retention', async () => {
      for (const p of redis ? [prefix, redisPrefixFor(prefix)] : [prefix]) retention.push({ prefix: p, result: await applyRetention({ ...common, prefix: p, days, dryRun }) });
    });
  } catch (e) {
    ctx.summary.add(backupSummary({ bucket, pg, redis: rd, retention, error: e instanceof Error ? e.message : String(e) }));
    throw e;
  }
  ctx.output('key', pg.key);
  ctx.output('redis-key', rd?.key ?? '');
  ctx.output('bytes', pg.bytes);
  ctx.output('sha256', pg.sha256);
  ctx.output('seconds', ((Date.now() - t0) / 1000).toFixed(3));
  ctx.summary.add(backupSummary({ bucket, pg, redis: rd, retention }));
});
