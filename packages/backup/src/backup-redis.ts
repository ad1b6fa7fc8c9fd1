import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { pipeline as pipelineP } from 'node:stream/promises';
import { Writable } from 'node:stream';
import type { Logger } from '@dantaro/core';
import { describeExit, spawnTool } from './child';
import { BackupError, explainStreamError } from './errors';
import { DEFAULT_ITERATIONS } from './kdf';
import type { Manifest } from './manifest';
import { manifestKey, redisKey } from './names';
import { createEncryptStream } from './openssl-enc';
import { RdbVerifier } from './rdb';
import { putJson, uploadStream, type BackupDestination } from './s3-store';
import { Meter } from './stream-util';
import type { BackupResult } from './backup-postgres';
import type { RedisTarget } from './redis-target';

/**
 * `redis-cli --rdb` into a private temp file (password via REDISCLI_AUTH, never argv), check the RDB's
 * CRC-64 before storing anything, then encrypt and upload it.
 */
export async function backupRedis(o: BackupDestination & {
  target: RedisTarget;
  log: Logger;
  signal?: AbortSignal;
  now?: () => Date;
  tempRoot?: string;
}): Promise<BackupResult> {
  const startedAt = (o.now ?? (() => new Date()))();
  const t0 = Date.now();
  const dir = mkdtempSync(join(o.tempRoot ?? tmpdir(), 'dantaro-rdb-'));
  const file = join(dir, 'dump.rdb');
  try {
    const cli = spawnTool('redis-cli', [...o.target.args, '--rdb', file], { env: { ...process.env, ...o.target.env }, stdoutPipe: true, signal: o.signal });
    cli.proc.stdout!.resume();
    const exit = await cli.exited;
    if (exit.code !== 0) throw new BackupError(`redis-cli --rdb from ${o.target.display} failed (${describeExit(exit)}): ${cli.firstError() ?? ''}`.trim(), 'dump-failed');
    const verifier = new RdbVerifier();
    try {
      await pipelineP(createReadStream(file), verifier, new Writable({ write: (_c, _e, cb) => cb() }));
    } catch (e) {
      throw new BackupError(`the RDB from ${o.target.display} is not valid, nothing was stored: ${(explainStreamError(e) as Error).message}`, 'rdb-corrupt');
    }
    const key = redisKey(o.prefix, startedAt);
    o.log.info(`RDB ${verifier.report!.magic} (${verifier.report!.bytes} bytes, checksum ${verifier.report!.checksum}) → s3://${o.bucket}/${key}`);
    const encrypted = new Meter();
    const body = (pipeline as unknown as (...s: unknown[]) => Readable)(createReadStream(file), createEncryptStream(o.password, { kdf: o.kdf, iterations: o.iterations }), encrypted, () => {});
    await uploadStream(o.client, { bucket: o.bucket, key, body, storageClass: o.storageClass, signal: o.signal });
    const manifest: Manifest = {
      version: 1,
      key,
      kind: 'redis',
      createdAt: startedAt.toISOString(),
      cipher: 'aes-256-cbc',
      kdf: o.kdf,
      iterations: o.kdf === 'pbkdf2' ? (o.iterations ?? DEFAULT_ITERATIONS) : undefined,
      sha256: encrypted.sha256(),
      encryptedBytes: encrypted.bytes,
      sourceBytes: verifier.report!.bytes,
      serverVersion: verifier.report!.aux['redis-ver'],
      rdbVersion: verifier.report!.version,
      seconds: (Date.now() - t0) / 1000,
    };
    await putJson(o.client, o.bucket, manifestKey(key), manifest, o.storageClass);
    return { key, bytes: encrypted.bytes, sha256: manifest.sha256, sourceBytes: manifest.sourceBytes, seconds: manifest.seconds, manifest };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

