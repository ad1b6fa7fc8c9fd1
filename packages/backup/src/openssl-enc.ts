import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { BackupError, BAD_DECRYPT } from './errors';
import { DEFAULT_ITERATIONS, deriveKeyIv, KDFS, type Kdf } from './kdf';
import { sniff, type Payload } from './magic';

/**
 * The `openssl enc -aes-256-cbc -salt` file format: "Salted__" + 8-byte salt + AES-256-CBC with PKCS#7
 * padding, no MAC. Done in-process so the password never reaches an argv.
 */
export const MAGIC = Buffer.from('Salted__', 'latin1');
export const HEADER_LEN = 16;

export interface EncOptions {
  kdf: Kdf;
  iterations?: number;
}

export function createEncryptStream(password: string, opts: EncOptions): Transform {
  const salt = randomBytes(8);
  const { key, iv } = deriveKeyIv(password, salt, opts.kdf, opts.iterations ?? DEFAULT_ITERATIONS);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  let headerSent = false;
  const header = (t: Transform) => {
    if (!headerSent) {
      headerSent = true;
      t.push(Buffer.concat([MAGIC, salt]));
    }
  };
  return new Transform({
    highWaterMark: 1 << 18,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      header(this);
      cb(null, cipher.update(chunk));
    },
    flush(cb) {
      header(this);
      cb(null, cipher.final());
    },
  });
}

export interface Detected {
  kdf: Kdf;
  payload: Payload;
}

/**
 * Which derivation opens this file: decrypt only the first block with each candidate and accept the
 * one whose plaintext starts like a backup (gzip, PGDMP, REDIS/VALKEY, SQL). `head` = first 32 bytes.
 */
export function detect(head: Buffer, password: string, kdf: Kdf | 'auto', iterations = DEFAULT_ITERATIONS): Detected {
  if (head.length < 8 || !head.subarray(0, 8).equals(MAGIC)) {
    throw new BackupError('not an openssl enc file: the object does not start with "Salted__" (was it encrypted with -nosalt, or not encrypted at all?)', 'not-encrypted');
  }
  if (head.length < HEADER_LEN + 16) {
    throw new BackupError(`the encrypted backup is truncated: only ${head.length} bytes`, 'truncated-ciphertext');
  }
  const salt = head.subarray(8, 16);
  const block = head.subarray(16, 32);
  for (const k of kdf === 'auto' ? KDFS : [kdf]) {
    const { key, iv } = deriveKeyIv(password, salt, k, iterations);
    const d = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
    const payload = sniff(Buffer.concat([d.update(block), d.final()]));
    if (payload) return { kdf: k, payload };
  }
  throw new BackupError(BAD_DECRYPT, 'bad-decrypt', {
    hint:
      kdf === 'auto'
        ? `tried EVP_BytesToKey with sha256 and md5, and PBKDF2 with ${iterations} iterations; if the file was made with -iter N, set iterations`
        : `kdf is forced to ${kdf}; try kdf: auto`,
  });
}

/** Decrypts a whole object (header included) with a known derivation. */
export function createDecryptStream(password: string, opts: EncOptions): Transform {
  let header: Buffer | undefined = Buffer.alloc(0);
  let decipher: ReturnType<typeof createDecipheriv> | undefined;
  return new Transform({
    highWaterMark: 1 << 18,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      try {
        if (header) {
          header = Buffer.concat([header, chunk]);
          if (header.length < HEADER_LEN) return cb();
          if (!header.subarray(0, 8).equals(MAGIC)) throw new BackupError('not an openssl enc file: no "Salted__" header', 'not-encrypted');
          const { key, iv } = deriveKeyIv(password, header.subarray(8, 16), opts.kdf, opts.iterations ?? DEFAULT_ITERATIONS);
          decipher = createDecipheriv('aes-256-cbc', key, iv);
          chunk = header.subarray(HEADER_LEN);
          header = undefined;
        }
        cb(null, decipher!.update(chunk));
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        if (!decipher) throw new BackupError('the encrypted backup is truncated: shorter than its 16-byte header', 'truncated-ciphertext');
        cb(null, decipher.final());
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}
