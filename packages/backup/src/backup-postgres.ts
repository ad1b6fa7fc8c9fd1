import { spawnSync } from 'node:child_process';
import { pipeline, type Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { Logger } from '@dantaro/core';
import { describeExit, spawnTool } from './child';
import { DumpTail } from './dump-footer';
import { BackupError } from './errors';
import { Gate } from './gate';
import { DEFAULT_ITERATIONS } from './kdf';
import type { Manifest } from './manifest';
import { manifestKey, postgresKey, type DumpFormat } from './names';
import { createEncryptStream } from './openssl-enc';
import { pgTool, serverVersion, type PgTarget } from './pg-tools';
import { putJson, uploadStream, type BackupDestination } from './s3-store';
import { Meter } from './stream-util';

/**
 * pg_dump → gzip → openssl-enc → S3 multipart upload, in constant memory. If pg_dump fails or dies
 * mid-stream the upload is aborted and no object appears. Plain dumps are checked for their footer on
 * the way through; the manifest records the sha256 of exactly the bytes stored.
 */
export interface BackupPostgresOptions extends BackupDestination {
  format: DumpFormat;
  target: PgTarget;
  log: Logger;
  signal?: AbortSignal;
  now?: () => Date;
  /** Exact key instead of `<prefix>db_backup_<stamp>…` (safety backups). */
  key?: string;
  env?: Record<string, string | undefined>;
}

export interface BackupResult {
  key: string;
  bytes: number;
  sha256: string;
  sourceBytes: number;
  seconds: number;
  manifest: Manifest;
}

export async function backupPostgres(o: BackupPostgresOptions): Promise<BackupResult> {
  const env = o.env ?? process.env;
  const startedAt = (o.now ?? (() => new Date()))();
  const t0 = Date.now();
  const version = await serverVersion(o.target, o.signal).catch((e: Error) => {
    throw new BackupError(`cannot connect to ${o.target.display}: ${e.message.replace(/^psql on [^:]+: /, '')}`, 'dump-failed', { cause: e });
  });
  const dumpBin = pgTool('pg_dump', env);
  const dumpVersion = spawnSync(dumpBin, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  const key = o.key ?? postgresKey(o.prefix, o.format, startedAt);
  o.log.info(`pg_dump (${o.format}) of ${o.target.display}, PostgreSQL ${version} → s3://${o.bucket}/${key}`);

  // -Z0 for custom: we gzip the whole archive ourselves, so one CRC covers everything, as for plain
  const args = ['-w', ...(o.format === 'custom' ? ['-Fc', '-Z0'] : []), ...o.target.args];
  const dump = spawnTool(dumpBin, args, { env: { ...env, ...o.target.env } as NodeJS.ProcessEnv, stdoutPipe: true, signal: o.signal });
  const source = new Meter();
  const tail = new DumpTail();
  const encrypted = new Meter();
  const gate = new Gate(async () => {
    const exit = await dump.exited;
    if (exit.code !== 0) {
      throw new BackupError(`pg_dump failed (${describeExit(exit)}): ${dump.firstError() ?? 'no message'}; the upload was aborted, nothing was stored`, 'dump-failed');
    }
    if (o.format === 'plain' && !tail.result().ok) throw new BackupError(`pg_dump output is incomplete (${tail.result().problem}); the upload was aborted`, 'dump-failed');
  });
  const stages: Array<Readable | NodeJS.ReadWriteStream> = [dump.proc.stdout!, source, ...(o.format === 'plain' ? [tail] : []), createGzip({ level: 6 }), createEncryptStream(o.password, { kdf: o.kdf, iterations: o.iterations }), encrypted, gate];
  let pipeErr: unknown;
  const body = (pipeline as unknown as (...s: unknown[]) => Readable)(...stages, (e: unknown) => (pipeErr = e ?? pipeErr));
  try {
    await uploadStream(o.client, { bucket: o.bucket, key, body, storageClass: o.storageClass, signal: o.signal });
  } catch (e) {
    dump.proc.kill('SIGTERM');
    throw pipeErr instanceof BackupError ? pipeErr : e;
  }
  const manifest: Manifest = {
    version: 1,
    key,
    kind: 'postgres',
    createdAt: startedAt.toISOString(),
    format: o.format,
    cipher: 'aes-256-cbc',
    kdf: o.kdf,
    iterations: o.kdf === 'pbkdf2' ? (o.iterations ?? DEFAULT_ITERATIONS) : undefined,
    sha256: encrypted.sha256(),
    encryptedBytes: encrypted.bytes,
    sourceBytes: source.bytes,
    serverVersion: version,
    pgDumpVersion: dumpVersion,
    footer: o.format === 'plain' ? tail.result().ok : undefined,
    seconds: (Date.now() - t0) / 1000,
  };
  await putJson(o.client, o.bucket, manifestKey(key), manifest, o.storageClass);
  return { key, bytes: encrypted.bytes, sha256: manifest.sha256, sourceBytes: source.bytes, seconds: manifest.seconds, manifest };
}
