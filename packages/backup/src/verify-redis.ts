import type { Kdf } from './kdf';
import type { EncryptedSource, VerifiedBackup } from './s3-store';
import { mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDuration, type Logger } from '@dantaro/core';
import { decode } from './decode';
import { BackupError, explainStreamError } from './errors';
import { RdbVerifier, type RdbReport } from './rdb';
import { loadRdb } from './redis-load';
import { findBackup, openObject } from './s3-store';

/** backup-verify for Redis: decrypt, check magic + CRC-64, optionally load into a scratch redis-server. */
export interface VerifyRedisOptions extends EncryptedSource {
  maxAgeMs?: number;
  load: boolean;
  log: Logger;
  signal?: AbortSignal;
  now?: () => number;
  tempRoot?: string;
}

export interface RedisVerifyReport extends VerifiedBackup {
  kdf?: Kdf;
  rdb?: RdbReport;
  loaded?: { keys: number; seconds: number };
}

export async function verifyRedis(o: VerifyRedisOptions): Promise<RedisVerifyReport> {
  const now = o.now ?? Date.now;
  const report: RedisVerifyReport = { ok: false };
  let dir: string | undefined;
  try {
    const obj = await findBackup(o.client, o.bucket, o.prefix, o.key);
    Object.assign(report, { key: obj.key, takenAt: obj.takenAt.toISOString(), size: obj.size, ageSeconds: Math.max(0, Math.round((now() - obj.takenAt.getTime()) / 1000)) });
    if (o.maxAgeMs !== undefined && now() - obj.takenAt.getTime() > o.maxAgeMs) {
      throw new BackupError(`backup older than max-age: ${obj.key} was taken ${formatDuration(now() - obj.takenAt.getTime())} ago; max-age is ${formatDuration(o.maxAgeMs)}`, 'too-old');
    }
    const d = await decode(await openObject(o.client, o.bucket, obj.key, o.signal), { password: o.password, kdf: o.kdf, iterations: o.iterations });
    report.kdf = d.kdf;
    if (d.payload !== 'rdb') throw new BackupError(`${obj.key} is not an RDB backup (it holds a ${d.payload === 'pgdmp' ? 'pg_dump archive' : 'SQL dump'})`, 'unknown-content');
    const verifier = new RdbVerifier();
    // the RDB goes to a private temp file only when it is to be loaded
    dir = o.load ? mkdtempSync(join(o.tempRoot ?? tmpdir(), 'dantaro-rdb-')) : undefined;
    const sink = dir ? createWriteStream(join(dir, 'dump.rdb'), { mode: 0o600 }) : new Writable({ write: (_c, _e, cb) => cb() });
    try {
      await pipeline(d.plain, verifier, sink);
    } catch (e) {
      throw explainStreamError(e);
    }
    report.rdb = verifier.report;
    o.log.info(`RDB ${report.rdb?.magic}: ${report.rdb?.bytes} bytes, checksum ${report.rdb?.checksum}`);
    if (dir) report.loaded = await loadRdb(dir, 'dump.rdb', { signal: o.signal });
    report.ok = true;
  } catch (e) {
    report.error = e;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  return report;
}
