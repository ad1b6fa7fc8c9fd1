import { Readable, Writable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { opensslDecrypt, opensslEncrypt, sh, stopAll } from '@dantaro/testkit';
import { decode } from './decode';
import { deriveKeyIv } from './kdf';
import { createDecryptStream, createEncryptStream, detect } from './openssl-enc';
import { BackupError, explainStreamError } from './errors';

afterAll(stopAll);
const PW = 'unit-test-pw';

describe('key derivation matches `openssl enc -P`', () => {
  test.each([
    ['sha256', ['-md', 'sha256']],
    ['md5', ['-md', 'md5']],
    ['pbkdf2', ['-pbkdf2']],
  ] as const)('%s', async (kdf, flags) => {
    const out = (await sh(`openssl enc -aes-256-cbc -S 0102030405060708 -pass env:BACKUP_PASSWORD ${flags.join(' ')} -P`, { BACKUP_PASSWORD: PW })).toString();
    const { key, iv } = deriveKeyIv(PW, Buffer.from('0102030405060708', 'hex'), kdf);
    expect(out).toContain(`key=${key.toString('hex').toUpperCase()}`);
    expect(out).toContain(`iv =${iv.toString('hex').toUpperCase()}`);
  });
});

describe('streams interoperate with the openssl CLI', () => {
  const plain = gzipSync(Buffer.from('--\n-- PostgreSQL database dump\n--\n' + 'x'.repeat(100_000)));

  test.each(['md5', 'sha256', 'pbkdf2'] as const)('openssl encrypts (%s), we detect and decrypt', async (kdf) => {
    const enc = await opensslEncrypt(plain, PW, kdf);
    expect(detect(enc.subarray(0, 32), PW, 'auto')).toEqual({ kdf, payload: 'gzip' });
    const out = await buffer(Readable.from([enc.subarray(0, 7), enc.subarray(7, 100), enc.subarray(100)]).pipe(createDecryptStream(PW, { kdf })));
    expect(out.equals(plain)).toBe(true);
  });

  test.each(['md5', 'sha256', 'pbkdf2'] as const)('we encrypt (%s), openssl decrypts', async (kdf) => {
    const enc = await buffer(Readable.from([plain.subarray(0, 10), plain.subarray(10)]).pipe(createEncryptStream(PW, { kdf })));
    expect(enc.subarray(0, 8).toString()).toBe('Salted__');
    expect((await opensslDecrypt(enc, PW, kdf)).equals(plain)).toBe(true);
  });

  test('decode gunzips and names the content', async () => {
    const d = await decode(Readable.from([await opensslEncrypt(plain, PW, 'sha256')]), { password: PW, kdf: 'auto' });
    expect([d.kdf, d.gzip, d.payload]).toEqual(['sha256', true, 'sql']);
    expect((await buffer(d.plain)).toString().startsWith('--\n-- PostgreSQL')).toBe(true);
  });

  test('wrong password, wrong forced kdf, no header', async () => {
    const enc = await opensslEncrypt(plain, PW, 'pbkdf2');
    expect(() => detect(enc.subarray(0, 32), 'wrong', 'auto')).toThrow('bad decrypt: wrong password, wrong kdf, or corrupted file');
    expect(() => detect(enc.subarray(0, 32), PW, 'sha256')).toThrow('bad decrypt');
    expect(() => detect(plain.subarray(0, 32), PW, 'auto')).toThrow(/Salted__/);
  });

  test('truncation maps to a truncated-ciphertext verdict', async () => {
    const enc = await opensslEncrypt(plain, PW, 'sha256');
    for (const cut of [enc.length - 5, enc.length - 16]) {
      let err: unknown;
      try {
        await pipeline(Readable.from([enc.subarray(0, cut)]), createDecryptStream(PW, { kdf: 'sha256' }), new Writable({ write: (_c, _e, cb) => cb() }));
      } catch (e) {
        err = explainStreamError(e);
      }
      // cut on a block boundary: padding check fails ~255/256; else wrong final block length
      if (err) expect((err as BackupError).reason).toBe('truncated-ciphertext');
    }
  });
});
