import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  argvRecorder, assertNoLeak, opensslArgs, postgresBinDir, putObject, runAction, seedShop, sh, startPostgres, startRedis, startS3, stopAll, tempDir,
  type PostgresHandle, type RedisHandle, type S3Handle,
} from '@dantaro/testkit';

// backup end to end: the bundle against a real PostgreSQL and Redis and the S3 emulator.
const PASSWORD = 'canary-Backup-Enc-91b2';
const REDIS_PASSWORD = 'canary-Redis-Auth-55aa';
let pg: PostgresHandle;
let redis: RedisHandle;
let s3: S3Handle;
let bucket: string;
type S3Client = ReturnType<S3Handle['client']>;
let client: S3Client;

const backup = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  runAction('backup', { inputs: { bucket, password: PASSWORD, 'database-url': pg.url, ...inputs }, env: { ...s3.env, ...env }, timeoutMs: 90_000 });
const verify = (inputs: Record<string, string>) =>
  runAction('backup-verify', { inputs: { bucket, password: PASSWORD, ...inputs }, env: s3.env, timeoutMs: 90_000 });
const keys = (prefix: string) => s3.list(bucket, prefix);

beforeAll(async () => {
  [pg, redis, s3] = await Promise.all([startPostgres({ password: 'canary-Pg-Pass-3c4d' }), startRedis({ password: REDIS_PASSWORD }), startS3()]);
  bucket = await s3.bucket('dantaro-backups-prod');
  client = s3.client();
  await seedShop(pg);
  for (let i = 0; i < 20; i++) await redis.cli(['SET', `k${i}`, String(i)]);
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await stopAll();
});

describe('backup', () => {
  test('plain + Redis: stored with manifests, verified by backup-verify, no secret anywhere', async () => {
    const rec = argvRecorder();
    const r = await backup({ prefix: 'database/', 'redis-url': redis.url }, { PATH: `${rec.dir}:${process.env.PATH}` });
    expect(r.stdout).not.toMatch(/::error::/);
    expect(r.code).toBe(0);
    expect(r.outputs.key).toMatch(/^database\/db_backup_\d{8}_\d{6}\.sql\.gz\.enc$/);
    expect(r.outputs['redis-key']).toMatch(/^redis\/redis_backup_\d{8}_\d{6}\.rdb\.enc$/);
    expect(r.outputs.sha256).toMatch(/^[0-9a-f]{64}$/);
    const manifest = JSON.parse((await s3.get(bucket, `${r.outputs.key}.manifest.json`)).toString());
    expect(manifest).toMatchObject({ kind: 'postgres', format: 'plain', kdf: 'pbkdf2', iterations: 10000, footer: true, sha256: r.outputs.sha256, encryptedBytes: Number(r.outputs.bytes) });
    expect(manifest.serverVersion).toMatch(/^15\./);
    const argv = rec.read();
    expect(argv).toMatch(/^pg_dump /m);
    expect(argv).toMatch(/^redis-cli .*--rdb/m);
    for (const secret of [PASSWORD, pg.password, REDIS_PASSWORD]) expect(argv).not.toContain(secret);
    assertNoLeak(r, [PASSWORD, pg.password, REDIS_PASSWORD]);

    const v = await verify({ key: r.outputs.key, 'redis-key': r.outputs['redis-key'], 'redis-load': 'true', 'require-rows': 'users' });
    expect(v.code).toBe(0);
    expect(v.summary).toMatch(/manifest sha256 ✅/);
    expect(v.summary).toMatch(/21 keys|20 keys/);
  });

  test("kdf sha256 writes what the spec's restore script reads (openssl enc -d | gunzip)", async () => {
    const r = await backup({ prefix: 'spec/', kdf: 'sha256', 'retention-days': '0' });
    expect(r.code).toBe(0);
    const obj = await s3.get(bucket, r.outputs.key);
    const dir = tempDir('spec');
    writeFileSync(join(dir, 'b.enc'), obj);
    // exactly the spec's decrypt (no -md: OpenSSL 3 defaults to sha256), password via env
    const sql = (await sh(`openssl enc -aes-256-cbc -d -in '${join(dir, 'b.enc')}' -pass env:BACKUP_PASSWORD | gunzip -c`, { BACKUP_PASSWORD: PASSWORD })).toString();
    expect(sql).toContain('-- PostgreSQL database dump complete');
    expect(sql).toContain('COPY public.users');
    expect(opensslArgs('sha256')).toContain('sha256');
  });

  test('custom format: .dump.gz.enc, verified by backup-verify', async () => {
    const r = await backup({ prefix: 'custom/', format: 'custom', 'retention-days': '0' });
    expect(r.code).toBe(0);
    expect(r.outputs.key).toMatch(/^custom\/db_backup_\d{8}_\d{6}\.dump\.gz\.enc$/);
    const v = await verify({ prefix: 'custom/', 'force-path-style': 'true' });
    expect(v.code).toBe(0);
    expect(JSON.parse(v.outputs.rows)['public.orders']).toBe(1500);
  });

  test('pg_dump killed mid-stream (after multipart began) or failing early leaves no object', async () => {
    const dir = tempDir('fakedump');
    const dies = join(dir, 'pg_dump_dies');
    // 20 MB of incompressible output → multipart upload under way, then SIGKILL
    writeFileSync(dies, `#!/bin/bash\nhead -c 20000000 /dev/urandom\nkill -9 $$\n`);
    const fails = join(dir, 'pg_dump_fails');
    writeFileSync(fails, `#!/bin/bash\n'${postgresBinDir()}/pg_dump' "$@" | head -c 3000\necho 'pg_dump: error: connection lost' >&2\nexit 1\n`);
    chmodSync(dies, 0o755);
    chmodSync(fails, 0o755);
    const a = await backup({ prefix: 'killed/' }, { DANTARO_PG_DUMP: dies });
    expect(a.code).not.toBe(0);
    expect(a.stdout).toMatch(/pg_dump failed \(killed by SIGKILL\).*the upload was aborted, nothing was stored/);
    const b = await backup({ prefix: 'killed/' }, { DANTARO_PG_DUMP: fails });
    expect(b.code).not.toBe(0);
    expect(b.stdout).toMatch(/pg_dump failed \(exit code 1\): pg_dump: error: connection lost/);
    expect(await keys('killed/')).toEqual([]);
    expect(await s3.pendingUploads(bucket)).toEqual([]);
  });

  test('retention: deletes what is older than retention-days, never the newest 3; dry-run only lists', async () => {
    const day = 86_400_000;
    const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
    const old = [60, 50, 40, 35].map((n) => `ret/db_backup_${stamp(new Date(Date.now() - n * day))}.sql.gz.enc`);
    for (const k of old) {
      await putObject(client, bucket, k, 'x');
      await putObject(client, bucket, `${k}.manifest.json`, '{}');
    }
    const dry = await backup({ prefix: 'ret/', 'dry-run': 'true' });
    expect(dry.code).toBe(0);
    expect(dry.summary).toMatch(/would delete 2/);
    expect((await keys('ret/')).filter((k) => k.endsWith('.enc'))).toHaveLength(5);
    await new Promise((r) => setTimeout(r, 1100)); // object names have one-second resolution
    const real = await backup({ prefix: 'ret/' });
    expect(real.code).toBe(0);
    expect(real.summary).toMatch(/deleted 3/);
    const left = await keys('ret/');
    // 6 backups now: the newest 3 (35 days old, dry, real) stay whatever their age
    expect(left.filter((k) => k.endsWith('.enc'))).toEqual([old[3], dry.outputs.key, real.outputs.key].sort());
    expect(left).not.toContain(`${old[0]}.manifest.json`);
    expect(await s3.exists(bucket, old[1])).toBe(false);
  });

  test('bad inputs fail before anything is touched', async () => {
    const r = await backup({ prefix: 'bad/', format: 'tar' });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/input "format": "tar" is not valid; expected one of plain, custom/);
    expect(await keys('bad/')).toEqual([]);
  });
});
