import { Transform, type TransformCallback } from 'node:stream';

/**
 * For verification restores of plain dumps: drop ownership and privilege statements (what
 * `pg_restore --no-owner --no-privileges` does for archives), since the scratch cluster lacks the
 * production roles. Only whole top-level lines in pg_dump's own forms are dropped; COPY data is
 * passed through untouched (found with a native search for the `\.` terminator, so it stays fast).
 */
const DROP = /^(ALTER [A-Z ]+ .* OWNER TO .*;|GRANT .*;|REVOKE .*;|ALTER DEFAULT PRIVILEGES .*;)\r?$/;
const COPY_START = /^COPY .* FROM stdin;\r?$/;
const END_OF_DATA = Buffer.from('\n\\.\n');

export class OwnerFilter extends Transform {
  private carry = Buffer.alloc(0);
  private inCopy = false;
  private lineStart = true;
  dropped = 0;

  constructor() {
    super({ highWaterMark: 1 << 18 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < buf.length) {
      if (this.inCopy) {
        // data lines until a line that is exactly "\."
        let end = -1;
        if (this.lineStart) {
          if (buf.length - pos < 3) break;
          if (buf[pos] === 0x5c && buf[pos + 1] === 0x2e && buf[pos + 2] === 0x0a) end = pos + 3;
        }
        if (end < 0) {
          const at = buf.indexOf(END_OF_DATA, pos);
          if (at >= 0) end = at + END_OF_DATA.length;
        }
        if (end < 0) {
          // keep the last 3 bytes: they might begin the terminator
          const keep = Math.max(pos, buf.length - 3);
          if (keep > pos) {
            out.push(buf.subarray(pos, keep));
            this.lineStart = buf[keep - 1] === 0x0a;
          }
          pos = keep;
          break;
        }
        out.push(buf.subarray(pos, end));
        pos = end;
        this.inCopy = false;
        continue;
      }
      const nl = buf.indexOf(0x0a, pos);
      if (nl < 0) break;
      const line = buf.toString('utf8', pos, nl);
      if (DROP.test(line)) this.dropped++;
      else out.push(buf.subarray(pos, nl + 1));
      if (COPY_START.test(line)) {
        this.inCopy = true;
        this.lineStart = true;
      }
      pos = nl + 1;
    }
    this.carry = Buffer.from(buf.subarray(pos));
    cb(null, out.length ? Buffer.concat(out) : undefined);
  }

  override _flush(cb: TransformCallback): void {
    cb(null, this.carry.length ? this.carry : undefined);
  }
}
