import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BackupError, explainStreamError } from './errors';
import type { Kdf } from './kdf';
import { sniff, type Payload } from './magic';
import { createDecryptStream, detect, HEADER_LEN } from './openssl-enc';
import { Meter, peek } from './stream-util';

/**
 * Encrypted object → plaintext stream: detects the derivation from the first block, decrypts, and
 * gunzips when the plaintext is gzip. `payload` is what the (decompressed) content is.
 */
export interface Decoded {
  plain: Readable;
  kdf: Kdf;
  gzip: boolean;
  payload: Exclude<Payload, 'gzip'>;
  /** Encrypted bytes read so far and their sha256. */
  encrypted: Meter;
}

export async function decode(source: Readable, opts: { password: string; kdf: Kdf | 'auto'; iterations?: number }): Promise<Decoded> {
  const encrypted = new Meter();
  const metered = pipeline(source, encrypted, () => {});
  const head = await peek(metered, HEADER_LEN + 16);
  const found = detect(head, opts.password, opts.kdf, opts.iterations);
  const decrypt = createDecryptStream(opts.password, { kdf: found.kdf, iterations: opts.iterations });
  const gzip = found.payload === 'gzip';
  const plain = gzip ? pipeline(metered, decrypt, createGunzip({ chunkSize: 256 * 1024 }), () => {}) : pipeline(metered, decrypt, () => {});
  let payload = found.payload;
  if (gzip) {
    let inner: Buffer;
    try {
      inner = await peek(plain, 16);
    } catch (e) {
      throw explainStreamError(e);
    }
    const p = sniff(inner);
    if (!p || p === 'gzip') throw new BackupError('the backup decrypts to gzip, but the gzip holds neither a pg_dump nor an RDB file', 'unknown-content');
    payload = p;
  }
  return { plain, kdf: found.kdf, gzip, payload: payload as Decoded['payload'], encrypted };
}
