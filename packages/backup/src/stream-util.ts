import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';

/** Read at least `n` bytes (fewer at end of stream) and put them back, so the stream can still be piped. */
export async function peek(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let len = 0;
  let ended = false;
  const onEnd = () => (ended = true);
  stream.once('end', onEnd);
  try {
    while (len < n && !ended) {
      const c = stream.read() as Buffer | null;
      if (c !== null) {
        chunks.push(c);
        len += c.length;
        continue;
      }
      if (stream.readableEnded || stream.destroyed) break;
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          stream.off('readable', done);
          stream.off('end', done);
          stream.off('error', fail);
          resolve();
        };
        const fail = (e: Error) => {
          done();
          reject(e);
        };
        stream.on('readable', done);
        stream.on('end', done);
        stream.on('error', fail);
      });
      if (stream.errored) throw stream.errored;
    }
  } finally {
    stream.off('end', onEnd);
  }
  const buf = Buffer.concat(chunks);
  if (buf.length) stream.unshift(buf);
  return buf.subarray(0, n);
}

/** A pass-through that counts bytes and hashes them (sha256), for sizes and the manifest. */
export class Meter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  constructor() {
    super({ highWaterMark: 1 << 18 });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    cb(null, chunk);
  }
  sha256(): string {
    return this.hash.copy().digest('hex');
  }
}
