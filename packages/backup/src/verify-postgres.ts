import type { Kdf } from './kdf';
import type { EncryptedSource, VerifiedBackup } from './s3-store';
import { formatDuration, type Logger } from '@dantaro/core';
import { evaluate, type Check, type CheckResult } from './checks';
import { decode } from './decode';
import type { FooterCheck } from './dump-footer';
import { BackupError } from './errors';
import { startLocalPostgres } from './local-postgres';
import { manifestKey } from './names';
import { pgTarget, psqlQuery, USER_TABLES_SQL, type PgTarget } from './pg-tools';
import { restoreStream } from './restore-stream';
import { findBackup, getJson, openObject } from './s3-store';
import type { Manifest } from './manifest';

/**
 * backup-verify for PostgreSQL: find the backup, check its age (RPO) and size, stream
 * S3 → decrypt → gunzip → psql into a scratch database inside one transaction that is rolled back,
 * count rows, run the checks. Always returns a report; `error` says why it failed.
 */
export interface VerifyPostgresOptions extends EncryptedSource {
  maxAgeMs?: number;
  minSize?: number;
  restore: boolean;
  databaseUrl?: string;
  checks: Check[];
  requireRows: string[];
  log: Logger;
  signal?: AbortSignal;
  now?: () => number;
  tempRoot?: string;
  env?: Record<string, string | undefined>;
}

export interface PostgresVerifyReport extends VerifiedBackup {
  sha256?: string;
  manifest?: { found: boolean; sha256Matches?: boolean; serverVersion?: string };
  kdf?: Kdf;
  format?: 'plain' | 'custom';
  sqlBytes?: number;
  footer?: FooterCheck;
  restored: boolean;
  target?: string;
  restoreSeconds?: number;
  rows?: Record<string, number>;
  checks: CheckResult[];
  requireRows: Array<{ table: string; rows?: number; ok: boolean }>;
}

export async function verifyPostgres(o: VerifyPostgresOptions): Promise<PostgresVerifyReport> {
  const now = o.now ?? Date.now;
  const report: PostgresVerifyReport = { ok: false, restored: false, checks: [], requireRows: [] };
  try {
    const obj = await findBackup(o.client, o.bucket, o.prefix, o.key);
    Object.assign(report, { key: obj.key, takenAt: obj.takenAt.toISOString(), size: obj.size, ageSeconds: Math.max(0, Math.round((now() - obj.takenAt.getTime()) / 1000)) });
    o.log.info(`backup: s3://${o.bucket}/${obj.key} (${obj.size} bytes, taken ${obj.takenAt.toISOString()})`);
    if (o.maxAgeMs !== undefined && now() - obj.takenAt.getTime() > o.maxAgeMs) {
      throw new BackupError(
        `backup older than max-age: ${obj.key} was taken ${formatDuration(now() - obj.takenAt.getTime())} ago (${obj.takenAt.toISOString()}); max-age is ${formatDuration(o.maxAgeMs)}`,
        'too-old',
      );
    }
    if (o.minSize !== undefined && obj.size < o.minSize) throw new BackupError(`backup is smaller than min-size: ${obj.size} bytes < ${o.minSize}`, 'too-small');
    const manifest = await getJson<Manifest>(o.client, o.bucket, manifestKey(obj.key));
    report.manifest = { found: !!manifest, serverVersion: manifest?.serverVersion };

    // decode first: a wrong password or a damaged header fails before any database is started
    const d = await decode(await openObject(o.client, o.bucket, obj.key, o.signal), { password: o.password, kdf: o.kdf, iterations: o.iterations });
    report.kdf = d.kdf;
    if (d.payload === 'rdb') {
      d.plain.destroy();
      throw new BackupError(`${obj.key} is a Redis RDB backup, not a PostgreSQL dump: use redis-key / redis-prefix`, 'unknown-content');
    }
    o.log.info(`decrypts with kdf ${d.kdf}; ${d.gzip ? 'gzip of ' : ''}${d.payload === 'pgdmp' ? 'a pg_dump custom archive' : 'a plain SQL dump'}`);
    let target: PgTarget | undefined;
    let local: Awaited<ReturnType<typeof startLocalPostgres>> | undefined;
    try {
      if (o.restore) {
        if (o.databaseUrl) {
          target = pgTarget(o.databaseUrl, o.env);
          await guardScratch(target, o.signal, o.env);
        } else {
          local = await startLocalPostgres({ log: o.log, tempRoot: o.tempRoot, env: o.env, signal: o.signal });
          target = local.target;
        }
        report.target = target.display;
      }
      // RTO: the download happens here, streamed through the restore
      const started = now();
      const r = await restoreStream(d.plain, d.payload, { target, mode: 'verify', checks: o.checks, signal: o.signal, env: o.env });
      Object.assign(report, { format: r.format, footer: r.footer, sqlBytes: r.sqlBytes, sha256: d.encrypted.sha256() });
      if (manifest?.sha256) {
        report.manifest.sha256Matches = manifest.sha256 === report.sha256;
        if (!report.manifest.sha256Matches) throw new BackupError(`the object does not match its manifest: sha256 ${report.sha256} ≠ ${manifest.sha256} (altered after upload)`, 'gzip-corrupt');
      }
      if (r.session) {
        report.restored = true;
        report.restoreSeconds = (now() - started) / 1000;
        report.rows = r.session.rows;
        report.checks = o.checks.map((c, i) => evaluate(c, r.session!.checks[i]));
        report.requireRows = o.requireRows.map((t) => {
          const name = t.includes('.') ? t : `public.${t}`;
          const rows = r.session!.rows[name];
          return { table: name, rows, ok: (rows ?? 0) > 0 };
        });
      }
    } finally {
      d.plain.destroy();
      await local?.stop();
    }
    const bad = [...report.checks.filter((c) => !c.ok).map((c) => `check "${c.name}" ${c.error ?? `got ${c.value}, expected ${c.expect}`}`),
      ...report.requireRows.filter((r) => !r.ok).map((r) => `${r.table} ${r.rows === undefined ? 'is missing' : 'has no rows'}`)];
    if (bad.length) throw new BackupError(`the restored backup failed its checks: ${bad.join('; ')}`, 'checks-failed');
    report.ok = true;
  } catch (e) {
    report.error = e;
  }
  return report;
}

/** A scratch database must hold no user tables: we never restore over data. */
export async function guardScratch(target: PgTarget, signal?: AbortSignal, env?: Record<string, string | undefined>): Promise<void> {
  const tables = (await psqlQuery(target, USER_TABLES_SQL, { signal, env })).map((r) => r[0]);
  if (tables.length) {
    throw new BackupError(
      `refusing to restore into ${target.display}: it holds ${tables.length} user table(s) (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''}); database-url must be an empty scratch database`,
      'unsafe-target',
    );
  }
}
