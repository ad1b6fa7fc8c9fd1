import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { realRdb, startRedis, stopAll } from '@dantaro/testkit';
import { crc64 } from './crc64';
import { RdbVerifier, type RdbReport } from './rdb';

afterAll(stopAll);

async function check(buf: Buffer, chunk = 1000): Promise<RdbReport> {
  const v = new RdbVerifier();
  const parts = Array.from({ length: Math.ceil(buf.length / chunk) }, (_, i) => buf.subarray(i * chunk, (i + 1) * chunk));
  await pipeline(Readable.from(parts), v, new Writable({ write: (_c, _e, cb) => cb() }));
  return v.report!;
}

describe('CRC-64/Jones', () => {
  test('the vectors in redis crc64.c', () => {
    expect(crc64(Buffer.from('123456789')).toString(16)).toBe('e9c6d914c4b8d9ca');
    const li = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.';
    expect(crc64(Buffer.concat([Buffer.from(li), Buffer.from([0])])).toString(16)).toBe('c7794709e69683b3');
  });
});

describe('RDB verifier against a real redis-server dump', () => {
  let rdb: Buffer;
  beforeAll(async () => {
    const r = await startRedis();
    rdb = await realRdb(r.cli, r.port, 200);
    await r.stop();
  });

  test.each([1, 5, 8, 9, 4096])('good file in %i-byte chunks', async (chunk) => {
    const rep = await check(rdb, chunk);
    expect(rep).toMatchObject({ magic: 'REDIS0010', version: 10, checksum: 'ok', bytes: rdb.length });
    expect(rep.aux['redis-ver']).toMatch(/^7\./);
    expect(Number(rep.aux.ctime)).toBeGreaterThan(1_600_000_000);
  });

  test('one changed byte → checksum mismatch', async () => {
    const bad = Buffer.from(rdb);
    bad[100] ^= 0x01;
    await expect(check(bad)).rejects.toThrow(/RDB checksum mismatch/);
  });

  test('truncated → no EOF opcode', async () => {
    await expect(check(rdb.subarray(0, rdb.length - 30))).rejects.toThrow(/RDB is truncated|checksum mismatch/);
  });

  test('checksum disabled (zero) is reported, not failed; wrong magic fails', async () => {
    const off = Buffer.from(rdb);
    off.fill(0, off.length - 8);
    expect((await check(off)).checksum).toBe('disabled');
    const valkey = Buffer.concat([Buffer.from('VALKEY080'), rdb.subarray(9)]);
    await expect(check(valkey)).rejects.toThrow(/checksum mismatch/); // magic accepted, CRC covers it
    await expect(check(Buffer.concat([Buffer.from('NOTREDIS1'), rdb.subarray(9)]))).rejects.toThrow(/not an RDB file/);
  });
});
