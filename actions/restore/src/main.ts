import { run } from '@dantaro/core';
import { KDF_INPUTS, normalizePrefix, pgTarget } from '@dantaro/backup/inputs';

// restore: inputs → restorePostgres → outputs and summary.
void run(async (ctx) => {
  const i = ctx.inputs;
  const bucket = i.required('bucket', 'an S3 bucket name');
  const password = i.secret('password', { required: true })!;
  const url = i.secret('target-database-url', { required: true })!;
  const target = pgTarget(url, ctx.env);
  ctx.secrets.add(target.password);
  const settings = {
    bucket,
    prefix: normalizePrefix(i.string('prefix', { default: 'database/' })!),
    key: i.string('key'),
    password,
    kdf: i.enum('kdf', KDF_INPUTS, { default: 'auto' })!,
    target,
    confirm: i.required('confirm', "the target database's name"),
    safetyBackup: i.bool('safety-backup', true),
    log: ctx.log,
    signal: ctx.signal,
    env: ctx.env,
  };
  // inputs are valid: now load the S3 SDK and the streaming core
  const { restorePostgres, restoreSummary, s3Client } = await import('@dantaro/backup');
  const report = await ctx.log.group('Restore', () => restorePostgres({ ...settings, client: s3Client() }));
  ctx.output('result', report.ok ? 'restored' : 'failed');
  ctx.output('key', report.key ?? '');
  ctx.output('safety-backup-key', report.safetyKey ?? '');
  ctx.output('seconds', report.seconds?.toFixed(3) ?? '');
  ctx.summary.add(restoreSummary(report, bucket));
  if (!report.ok) throw report.error;
});
