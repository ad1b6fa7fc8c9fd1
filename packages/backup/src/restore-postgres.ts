import type { EncryptedSource } from './s3-store';
import { UserError, type Logger } from '@dantaro/core';
import { backupPostgres } from './backup-postgres';
import { siblingPrefix } from './names';
import { decode } from './decode';
import { BackupError } from './errors';
import { postgresKey } from './names';
import { psqlQuery, USER_TABLES_SQL, type PgTarget } from './pg-tools';
import { restoreStream } from './restore-stream';
import { findBackup, openObject } from './s3-store';

/**
 * restore: replace a database's contents with a backup. Checks `confirm` against the real database
 * name and that the backup decrypts before anything is touched; takes a safety backup of the target
 * with the backup core; then drops every user schema, recreates `public` and runs the dump — all in ONE
 * transaction, committed only after the dump proved complete. Any failure leaves the target unchanged.
 */
export interface RestoreOptions extends EncryptedSource {
  target: PgTarget;
  confirm: string;
  safetyBackup: boolean;
  log: Logger;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  now?: () => Date;
}

export interface RestoreReport {
  ok: boolean;
  error?: unknown;
  /** What the target holds now: unchanged (failed before or rolled back), restored, or unknown. */
  state: 'unchanged' | 'restored' | 'unknown';
  key?: string;
  database?: string;
  target: string;
  safetyKey?: string;
  tablesBefore?: string[];
  rows?: Record<string, number>;
  seconds?: number;
}

export async function restorePostgres(o: RestoreOptions): Promise<RestoreReport> {
  const t0 = Date.now();
  const report: RestoreReport = { ok: false, state: 'unchanged', target: o.target.display };
  try {
    const database = (await psqlQuery(o.target, 'SELECT current_database()', { signal: o.signal, env: o.env }))[0][0];
    report.database = database;
    if (o.confirm !== database) {
      throw new UserError(`input "confirm": must equal the target database's name (${JSON.stringify(database)}) to replace it; got ${JSON.stringify(o.confirm)}`);
    }
    const obj = await findBackup(o.client, o.bucket, o.prefix, o.key);
    report.key = obj.key;
    // prove the password/kdf before touching anything (the stream is re-opened for the restore)
    const probe = await decode(await openObject(o.client, o.bucket, obj.key, o.signal), { password: o.password, kdf: o.kdf, iterations: o.iterations });
    probe.plain.destroy();
    if (probe.payload === 'rdb') throw new BackupError(`${obj.key} is a Redis RDB backup, not a PostgreSQL dump`, 'unknown-content');
    report.tablesBefore = (await psqlQuery(o.target, USER_TABLES_SQL, { signal: o.signal, env: o.env })).map((r) => r[0]);
    if (o.safetyBackup) {
      const at = (o.now ?? (() => new Date()))();
      const key = postgresKey(`${siblingPrefix(o.prefix, 'safety')}${database}/`, 'plain', at);
      o.log.info(`safety backup of ${o.target.display} → s3://${o.bucket}/${key}`);
      const safety = await backupPostgres({ client: o.client, bucket: o.bucket, prefix: '', key, password: o.password, kdf: 'pbkdf2', format: 'plain', target: o.target, log: o.log, signal: o.signal, env: o.env });
      report.safetyKey = safety.key;
    }
    o.log.info(`restoring s3://${o.bucket}/${obj.key} into ${o.target.display} (one transaction)`);
    const d = await decode(await openObject(o.client, o.bucket, obj.key, o.signal), { password: o.password, kdf: probe.kdf, iterations: o.iterations });
    const r = await restoreStream(d.plain, d.payload as 'sql' | 'pgdmp', { target: o.target, mode: 'restore', checks: [], signal: o.signal, env: o.env });
    report.rows = r.session?.rows;
    report.state = 'restored';
    report.ok = true;
  } catch (e) {
    report.error = e;
    // only a failure at COMMIT itself could leave doubt; everything before it rolls back
    if (e instanceof BackupError && e.reason === 'restore-failed' && /COMMIT/i.test(e.message)) report.state = 'unknown';
  }
  report.seconds = (Date.now() - t0) / 1000;
  return report;
}
