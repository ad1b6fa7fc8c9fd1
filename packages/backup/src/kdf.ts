import { createHash, pbkdf2Sync } from 'node:crypto';

/**
 * Key derivations of `openssl enc -aes-256-cbc`: EVP_BytesToKey with MD5 (OpenSSL < 1.1.0) or SHA-256
 * (1.1.0+, the default without -pbkdf2), or PBKDF2-HMAC-SHA256 (`-pbkdf2`, 10 000 iterations unless -iter).
 */
export type Kdf = 'md5' | 'sha256' | 'pbkdf2';
export const KDFS: readonly Kdf[] = ['sha256', 'md5', 'pbkdf2'];
/** The `kdf` input of every action. */
export const KDF_INPUTS = ['auto', 'md5', 'sha256', 'pbkdf2'] as const;
export const DEFAULT_ITERATIONS = 10_000;

export interface KeyIv {
  key: Buffer;
  iv: Buffer;
}

export function deriveKeyIv(password: string, salt: Buffer, kdf: Kdf, iterations = DEFAULT_ITERATIONS): KeyIv {
  const pw = Buffer.from(password, 'utf8');
  if (kdf === 'pbkdf2') {
    const out = pbkdf2Sync(pw, salt, iterations, 48, 'sha256');
    return { key: out.subarray(0, 32), iv: out.subarray(32, 48) };
  }
  // EVP_BytesToKey, count 1: D_i = H(D_{i-1} || password || salt)
  const parts: Buffer[] = [];
  let prev = Buffer.alloc(0);
  let total = 0;
  while (total < 48) {
    prev = createHash(kdf).update(Buffer.concat([prev, pw, salt])).digest();
    parts.push(prev);
    total += prev.length;
  }
  const all = Buffer.concat(parts);
  return { key: all.subarray(0, 32), iv: all.subarray(32, 48) };
}
