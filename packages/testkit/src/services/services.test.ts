import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { liveServices, stopAll } from '../process';
import { startPostgres } from './postgres';
import { startRedis } from './redis';
import { startS3 } from './s3';

afterAll(stopAll);

/** Pids of every process still alive whose command line mentions `needle`. */
function processesMatching(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(needle) && !l.includes('ps -eo'));
}

describe('sandbox services', () => {
  test('postgres: password auth over TCP, databases, psql; stop leaves nothing', async () => {
    const pg = await startPostgres({ password: 'pw-under-test' });
    expect(pg.url).toMatch(/^postgres:\/\/dantaro:pw-under-test@127\.0\.0\.1:\d+\/app$/);
    expect(await pg.psql('select current_user')).toBe('dantaro');
    await pg.createDatabase('other');
    expect(await pg.psql('select current_database()', 'other')).toBe('other');
    expect(existsSync(`${pg.socketDir}/.s.PGSQL.${pg.port}`)).toBe(true);
    const dataDir = pg.socketDir.replace(/sock$/, 'data');
    await pg.stop();
    expect(processesMatching(dataDir)).toEqual([]);
    expect(existsSync(dataDir)).toBe(false);
  });

  test('redis: cli with password via env; stop leaves nothing', async () => {
    const r = await startRedis({ password: 'redis-pw' });
    expect(await r.cli(['SET', 'k', 'v'])).toBe('OK');
    expect(await r.cli(['DBSIZE'])).toBe('1');
    expect(processesMatching(`127.0.0.1:${r.port}`).length + processesMatching(`--port ${r.port}`).length).toBeGreaterThan(0);
    await r.stop();
    expect(processesMatching(`--port ${r.port}`)).toEqual([]);
  });

  test('s3: put/get/list through the SDK, AccessDenied fault, stop leaves nothing', async () => {
    const s3 = await startS3();
    const bucket = await s3.bucket('backups-test');
    const c = s3.client();
    await c.send(new PutObjectCommand({ Bucket: bucket, Key: 'database/a.enc', Body: 'abc' }));
    const got = await c.send(new GetObjectCommand({ Bucket: bucket, Key: 'database/a.enc' }));
    expect(await got.Body!.transformToString()).toBe('abc');
    await s3.setFaults({ deny: [{ method: 'GET', prefix: 'database/' }] });
    await expect(c.send(new GetObjectCommand({ Bucket: bucket, Key: 'database/a.enc' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    const list = await c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'database/' }));
    expect(list.Contents?.map((o) => o.Key)).toEqual(['database/a.enc']);
    c.destroy();
    await s3.stop();
    expect(processesMatching(s3.endpoint.split(':').pop()!)).toEqual([]);
  });

  test('stopAll leaves no tracked service', async () => {
    await startRedis();
    await stopAll();
    expect(liveServices()).toEqual([]);
  });
});
