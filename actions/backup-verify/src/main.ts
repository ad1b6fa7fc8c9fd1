import { run } from '@dantaro/core';
import { KDF_INPUTS, loadChecks, normalizePrefix, parseSize, pgTarget } from '@dantaro/backup/inputs';

// backup-verify: inputs → verifyPostgres (+ verifyRedis) → outputs and summary.
void run(async (ctx) => {
  const i = ctx.inputs;
  const bucket = i.required('bucket', 'an S3 bucket name');
  const password = i.secret('password', { required: true })!;
  const databaseUrl = i.secret('database-url');
  if (databaseUrl) ctx.secrets.add(pgTarget(databaseUrl).password);
  const forcePathStyle = i.bool('force-path-style', false);
  const settings = {
    bucket,
    password,
    kdf: i.enum('kdf', KDF_INPUTS, { default: 'auto' })!,
    iterations: i.int('iterations', { default: 10_000, min: 1 }),
    maxAgeMs: i.duration('max-age'),
    log: ctx.log,
    signal: ctx.signal,
    tempRoot: ctx.env.RUNNER_TEMP || undefined,
  };
  const pgOpts = {
    ...settings,
    prefix: normalizePrefix(i.string('prefix', { default: 'database/' })!),
    key: i.string('key'),
    minSize: parseSize(i.string('min-size'), 'min-size'),
    restore: i.bool('restore', true),
    databaseUrl,
    checks: i.has('checks') ? loadChecks(i.raw('checks')) : [],
    requireRows: i.list('require-rows'),
  };
  const redisKey = i.string('redis-key');
  const redisPrefix = i.string('redis-prefix');
  const redisLoad = i.bool('redis-load', false);
  // inputs are valid: now load the S3 SDK and the streaming core
  const { s3Client, verifyPostgres, verifyRedis, verifySummary } = await import('@dantaro/backup');
  const client = s3Client({ forcePathStyle });
  const common = { ...settings, client };

  const pg = await ctx.log.group('Verify the PostgreSQL backup', () => verifyPostgres({ ...pgOpts, client }));
  const redis = redisKey || redisPrefix
    ? await ctx.log.group('Verify the Redis backup', () => verifyRedis({ ...common, prefix: normalizePrefix(redisPrefix ?? ''), key: redisKey, load: redisLoad }))
    : undefined;

  ctx.output('result', pg.ok && (!redis || redis.ok) ? 'verified' : 'failed');
  ctx.output('backup-key', pg.key ?? '');
  ctx.output('backup-age-seconds', pg.ageSeconds ?? '');
  ctx.output('restore-seconds', pg.restoreSeconds?.toFixed(3) ?? '');
  ctx.output('tables', pg.rows ? Object.keys(pg.rows).length : '');
  ctx.output('rows', pg.rows ?? {});
  ctx.output('bytes', pg.size ?? '');
  ctx.output('redis-result', redis ? (redis.ok ? 'verified' : 'failed') : 'skipped');
  ctx.summary.add(verifySummary(pg, redis, { bucket, maxAgeMs: common.maxAgeMs }));
  if (!pg.ok) throw pg.error;
  if (redis && !redis.ok) throw redis.error;
});
