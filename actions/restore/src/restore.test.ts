import { gzipSync } from 'node:zlib';
import {
  argvRecorder, assertNoLeak, opensslEncrypt, pgDumpEncrypted, runAction, seedShop, sh, startPostgres, startS3, stopAll,
  type PostgresHandle, type S3Handle,
} from '@dantaro/testkit';

// restore end to end: the bundle against a real PostgreSQL and the S3 emulator.
const PASSWORD = 'canary-Restore-Pw-0d1e';
let pg: PostgresHandle;
let s3: S3Handle;
let bucket: string;

const restore = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  runAction('restore', { inputs: { bucket, password: PASSWORD, 'target-database-url': pg.urlFor('target'), confirm: 'target', ...inputs }, env: { ...s3.env, ...env }, timeoutMs: 90_000 });
const count = (sql: string) => pg.psql(sql, 'target');

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres({ password: 'canary-Pg-Target-77' }), startS3()]);
  bucket = await s3.bucket('dantaro-restore-test');
  await seedShop(pg); // the source: users 500, orders 1500
  await s3.put(bucket, 'database/db_backup_20260101_000000.sql.gz.enc', await pgDumpEncrypted(pg, { password: PASSWORD, kdf: 'sha256' }));
  await s3.put(bucket, 'custom/db_backup_20260101_000000.dump.enc', await pgDumpEncrypted(pg, { password: PASSWORD, kdf: 'pbkdf2', format: 'custom' }));
  const sql = (await sh(`pg_dump '${pg.url.replace(/:[^:@/]*@/, '@')}'`, { PGPASSWORD: pg.password })).toString();
  const cut = sql.indexOf('\n', Math.floor(sql.length * 0.8)) + 1;
  await s3.put(bucket, 'cut/db_backup_20260101_000000.sql.gz.enc', await opensslEncrypt(gzipSync(sql.slice(0, cut)), PASSWORD, 'md5'));
  // the target: different data that the restore must replace, in public and another schema
  await pg.createDatabase('target');
  await pg.psql('CREATE TABLE users (id int, legacy text); INSERT INTO users VALUES (1, \'old\'); CREATE SCHEMA stale; CREATE TABLE stale.t (x int);', 'target');
}, 60_000);

afterAll(stopAll);

describe('restore', () => {
  test('confirm must match the real database name; nothing is touched otherwise', async () => {
    const r = await restore({ confirm: 'prod' });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/input "confirm": must equal the target database's name \("target"\)/);
    expect(r.outputs['safety-backup-key']).toBe('');
    expect(await s3.list(bucket, 'safety/')).toEqual([]);
    expect(await count('select legacy from users')).toBe('old');
  });

  test('a truncated dump fails and leaves the target unchanged (one transaction)', async () => {
    const r = await restore({ prefix: 'cut/', 'safety-backup': 'false' });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/dump is truncated/);
    expect(r.summary).toMatch(/The target database is unchanged/);
    expect(await count('select legacy from users')).toBe('old');
    expect(await count("select count(*) from pg_tables where schemaname = 'stale'")).toBe('1');
  });

  test('restores the newest backup after a safety backup; says what was replaced', async () => {
    const rec = argvRecorder();
    const r = await restore({}, { PATH: `${rec.dir}:${process.env.PATH}` });
    expect(r.stdout).not.toMatch(/::error::/);
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('restored');
    expect(r.outputs.key).toBe('database/db_backup_20260101_000000.sql.gz.enc');
    expect(r.outputs['safety-backup-key']).toMatch(/^safety\/target\/db_backup_\d{8}_\d{6}\.sql\.gz\.enc$/);
    expect(await s3.exists(bucket, r.outputs['safety-backup-key'])).toBe(true);
    expect(r.summary).toMatch(/Replaced \| 2 table\(s\): public\.users, stale\.t/);
    expect(r.summary).toContain(`s3://${bucket}/${r.outputs['safety-backup-key']} — restore this key to undo`);
    expect(await count('select count(*) from users')).toBe('500');
    expect(await count('select count(*) from orders')).toBe('1500');
    expect(await count("select count(*) from pg_namespace where nspname = 'stale'")).toBe('0');
    for (const s of [PASSWORD, pg.password]) expect(rec.read()).not.toContain(s);
    assertNoLeak(r, [PASSWORD, pg.password]);

    // the safety backup restores the previous contents
    const undo = await restore({ key: r.outputs['safety-backup-key'], 'safety-backup': 'false' });
    expect(undo.code).toBe(0);
    expect(await count('select legacy from users')).toBe('old');
    expect(await count('select count(*) from stale.t')).toBe('0');
  });

  test('custom-format archives restore through pg_restore', async () => {
    const r = await restore({ prefix: 'custom/', 'safety-backup': 'false' });
    expect(r.code).toBe(0);
    expect(await count('select count(*) from orders')).toBe('1500');
  });
});
