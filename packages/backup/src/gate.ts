import { Transform, type TransformCallback } from 'node:stream';

/**
 * Holds back end-of-stream until `check` resolves: the uploader must not see a clean end (and so must
 * not complete the object) before the producer (pg_dump) has exited 0 and the dump is whole.
 */
export class Gate extends Transform {
  constructor(private readonly check: () => Promise<void>) {
    super({ highWaterMark: 1 << 18 });
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    this.check().then(() => cb(), (e) => cb(e));
  }
}
