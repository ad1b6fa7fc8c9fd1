import { gzipSync } from 'node:zlib';
import {
  argvRecorder, assertNoLeak, opensslEncrypt, pgDumpEncrypted, putObject, realRdb, runAction, seedShop, sh, startPostgres, startRedis, startS3, stopAll,
  type PostgresHandle, type RedisHandle, type S3Handle,
} from '@dantaro/testkit';
import { writeFileSync } from 'node:fs';
import { tempDir } from '@dantaro/testkit';
import { join } from 'node:path';
type S3Client = ReturnType<S3Handle['client']>;

// backup-verify end to end: the bundle, real openssl/pg_dump/redis backups, the S3 emulator.
const PASSWORD = 'canary-Backup-Pw-7f3e9a';
let pg: PostgresHandle;
let redis: RedisHandle;
let s3: S3Handle;
let client: S3Client;
let bucket: string;
let plainSql: Buffer;

const verify = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  runAction('backup-verify', { inputs: { bucket, password: PASSWORD, ...inputs }, env: { ...s3.env, ...env }, timeoutMs: 90_000 });

beforeAll(async () => {
  [pg, redis, s3] = await Promise.all([startPostgres(), startRedis(), startS3()]);
  bucket = await s3.bucket('dantaro-backups-test');
  client = s3.client();
  await seedShop(pg);
  await pg.createDatabase('scratch');
  plainSql = await sh(`pg_dump '${pg.url.replace(/:[^:@/]*@/, '@')}'`, { PGPASSWORD: pg.password });
  // the spec's pipeline, in each derivation, plain and custom
  for (const kdf of ['md5', 'sha256', 'pbkdf2'] as const) {
    await putObject(client, bucket, `cli-${kdf}/db_backup_20260101_000000.sql.gz.enc`, await pgDumpEncrypted(pg, { password: PASSWORD, kdf }));
    await putObject(client, bucket, `cli-custom-${kdf}/db_backup_20260101_000000.dump.enc`, await pgDumpEncrypted(pg, { password: PASSWORD, kdf, format: 'custom' }));
  }
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await stopAll();
});

describe('backup-verify: backups made by openssl enc + pg_dump', () => {
  test.each(['md5', 'sha256', 'pbkdf2'])('plain dump, -md/-pbkdf2 %s: verified into a temporary local PostgreSQL', async (kdf) => {
    const r = await verify({ prefix: `cli-${kdf}/`, 'require-rows': 'users, orders, audit.events' });
    expect(r.stderr + r.stdout).not.toMatch(/::error::/);
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('verified');
    expect(r.outputs['backup-key']).toBe(`cli-${kdf}/db_backup_20260101_000000.sql.gz.enc`);
    expect(JSON.parse(r.outputs.rows)).toEqual({ 'audit.events': 10, 'public.alembic_version': 1, 'public.orders': 1500, 'public.users': 500 });
    expect(r.outputs.tables).toBe('4');
    expect(Number(r.outputs['restore-seconds'])).toBeGreaterThan(0);
    expect(r.summary).toContain(`kdf ${kdf}`);
    expect(r.summary).toContain('Restore (RTO)');
    assertNoLeak(r, [PASSWORD]);
  });

  test.each(['md5', 'sha256', 'pbkdf2'])('custom -Fc dump, %s, into a scratch database-url that is left as found', async (kdf) => {
    const r = await verify({ prefix: `cli-custom-${kdf}/`, 'database-url': pg.urlFor('scratch') });
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('verified');
    expect(JSON.parse(r.outputs.rows)['public.users']).toBe(500);
    expect(r.summary).toContain('custom');
    expect(await pg.psql("select count(*) from pg_tables where schemaname not in ('pg_catalog','information_schema')", 'scratch')).toBe('0');
    assertNoLeak(r, [PASSWORD, pg.password]);
  });
});

describe('backup-verify: damaged backups fail with a clear reason', () => {
  let good: Buffer;
  beforeAll(async () => {
    good = await pgDumpEncrypted(pg, { password: PASSWORD, kdf: 'pbkdf2' });
  });

  test('one flipped byte in the middle → gzip CRC / data error', async () => {
    const bad = Buffer.from(good);
    bad[Math.floor(bad.length / 2)] ^= 0x01;
    await putObject(client, bucket, 'flip/db_backup_20260101_000000.sql.gz.enc', bad);
    const r = await verify({ prefix: 'flip/', restore: 'false' });
    expect(r.code).not.toBe(0);
    expect(r.outputs.result).toBe('failed');
    expect(r.stdout).toMatch(/gzip (CRC mismatch|data error): the backup is corrupted/);
  });

  test('truncated object → truncated or altered', async () => {
    await putObject(client, bucket, 'trunc/db_backup_20260101_000000.sql.gz.enc', good.subarray(0, good.length - 100));
    const r = await verify({ prefix: 'trunc/' });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/truncated or altered/);
  });

  test('plain dump cut at a line boundary (valid gzip, valid encryption) → dump is truncated, nothing committed', async () => {
    const text = plainSql.toString('utf8');
    const cut = text.indexOf('\n', Math.floor(text.length * 0.7)) + 1;
    await putObject(client, bucket, 'cut/db_backup_20260101_000000.sql.gz.enc', await opensslEncrypt(gzipSync(Buffer.from(text.slice(0, cut))), PASSWORD, 'sha256'));
    const r = await verify({ prefix: 'cut/', 'database-url': pg.urlFor('scratch') });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/dump is truncated: the footer "-- PostgreSQL database dump complete" is missing/);
    expect(await pg.psql("select count(*) from pg_tables where schemaname = 'public'", 'scratch')).toBe('0');
  });

  test('wrong password → bad decrypt', async () => {
    const r = await verify({ prefix: 'cli-sha256/', password: 'not-the-password' });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('bad decrypt: wrong password, wrong kdf, or corrupted file');
  });

  test('wrong kdf forced → bad decrypt', async () => {
    const r = await verify({ prefix: 'cli-pbkdf2/', kdf: 'md5' });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('bad decrypt: wrong password, wrong kdf, or corrupted file');
  });
});

describe('backup-verify: policy and access', () => {
  test('RPO: a backup older than max-age fails; a fresh one passes', async () => {
    const old = await verify({ prefix: 'cli-sha256/', 'max-age': '26h', restore: 'false' });
    expect(old.code).not.toBe(0);
    expect(old.stdout).toMatch(/backup older than max-age: .* max-age is 26h/);
    expect(Number(old.outputs['backup-age-seconds'])).toBeGreaterThan(26 * 3600);
    const now = new Date().toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
    await putObject(client, bucket, `fresh/db_backup_${now}.sql.gz.enc`, await pgDumpEncrypted(pg, { password: PASSWORD, kdf: 'sha256' }));
    const fresh = await verify({ prefix: 'fresh/', 'max-age': '26h', restore: 'false' });
    expect(fresh.code).toBe(0);
    expect(fresh.summary).toMatch(/RPO max-age 26h0m ✅/);
  });

  test('refuses a database-url that holds user tables', async () => {
    const r = await verify({ prefix: 'cli-sha256/', 'database-url': pg.url });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/refusing to restore into .*: it holds 4 user table/);
    assertNoLeak(r, [pg.password]);
  });

  test('access denied and no backups say so', async () => {
    await s3.setFaults({ deny: [{ method: 'GET', prefix: 'cli-md5/' }] });
    try {
      const r = await verify({ key: 'cli-md5/db_backup_20260101_000000.sql.gz.enc' });
      expect(r.code).not.toBe(0);
      expect(r.stdout).toMatch(/access denied: read s3:\/\/dantaro-backups-test\/cli-md5/);
    } finally {
      await s3.setFaults({});
    }
    const none = await verify({ prefix: 'nothing-here/' });
    expect(none.code).not.toBe(0);
    expect(none.stdout).toMatch(/no backups under s3:\/\/dantaro-backups-test\/nothing-here\//);
  });

  test('SQL checks file and require-rows: each check reported, a failing one fails the run', async () => {
    const dir = tempDir('checks');
    const file = join(dir, 'checks.yml');
    writeFileSync(
      file,
      [
        '- name: users present', '  sql: select count(*) from users', "  expect: '>= 100'",
        '- name: alembic at head', '  sql: select version_num from alembic_version', "  expect: '= 0042_head'",
        '- name: no orphan orders', '  sql: select count(*) from orders o left join users u on u.id = o.user_id where u.id is null', "  expect: '= 0'",
      ].join('\n'),
    );
    const ok = await verify({ prefix: 'cli-pbkdf2/', checks: file, 'require-rows': 'users' });
    expect(ok.code).toBe(0);
    expect(ok.summary).toMatch(/users present \| &gt;= 100 \| 500 \| ✅/);
    writeFileSync(file, '- name: too many\n  sql: select count(*) from users\n  expect: "> 10000"\n- name: broken\n  sql: select nope from users\n');
    const bad = await verify({ prefix: 'cli-pbkdf2/', checks: file, 'require-rows': 'users, missing_table' });
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/check "too many" got 500, expected > 10000/);
    expect(bad.stdout).toMatch(/check "broken" column "nope" does not exist/);
    expect(bad.stdout).toMatch(/public\.missing_table is missing/);
  });
});

describe('backup-verify: Redis RDB', () => {
  let rdb: Buffer;
  beforeAll(async () => {
    rdb = await realRdb(redis.cli, redis.port);
    await putObject(client, bucket, 'redis/redis_backup_20260101_000000.rdb.enc', await opensslEncrypt(rdb, PASSWORD, 'sha256'));
    const corrupt = Buffer.from(rdb);
    corrupt[Math.floor(corrupt.length / 2)] ^= 0x40;
    await putObject(client, bucket, 'redis-corrupt/redis_backup_20260101_000000.rdb.enc', await opensslEncrypt(corrupt, PASSWORD, 'pbkdf2'));
    await putObject(client, bucket, 'redis-trunc/redis_backup_20260101_000000.rdb.enc', await opensslEncrypt(rdb.subarray(0, rdb.length - 20), PASSWORD, 'md5'));
  });

  test('good RDB verified and loaded into a temporary redis-server', async () => {
    const r = await verify({ prefix: 'cli-sha256/', restore: 'false', 'redis-prefix': 'redis/', 'redis-load': 'true' });
    expect(r.code).toBe(0);
    expect(r.outputs['redis-result']).toBe('verified');
    expect(r.summary).toMatch(/REDIS0010, checksum ok/);
    expect(r.summary).toMatch(/51 keys/);
  });

  test('corrupt RDB → checksum mismatch; truncated → no EOF / mismatch', async () => {
    const bad = await verify({ prefix: 'cli-sha256/', restore: 'false', 'redis-prefix': 'redis-corrupt/' });
    expect(bad.code).not.toBe(0);
    expect(bad.outputs['redis-result']).toBe('failed');
    expect(bad.outputs.result).toBe('failed');
    expect(bad.stdout).toMatch(/RDB checksum mismatch/);
    const trunc = await verify({ prefix: 'cli-sha256/', restore: 'false', 'redis-prefix': 'redis-trunc/' });
    expect(trunc.code).not.toBe(0);
    expect(trunc.stdout).toMatch(/RDB (is truncated|checksum mismatch)/);
  });
});

describe('backup-verify: the password stays out of every argv', () => {
  test('children recorded through PATH wrappers never see the password', async () => {
    const rec = argvRecorder();
    const r = await verify(
      { prefix: 'cli-pbkdf2/', 'redis-prefix': 'redis/', 'redis-load': 'true' },
      { PATH: `${rec.dir}:${process.env.PATH}` },
    );
    expect(r.code).toBe(0);
    const argv = rec.read();
    expect(argv).toMatch(/^psql /m);
    expect(argv).toMatch(/^initdb /m);
    expect(argv).toMatch(/^redis-server /m);
    expect(argv).not.toContain(PASSWORD);
    assertNoLeak(r, [PASSWORD]);
  });
});
