import { Transform, type TransformCallback } from 'node:stream';
import { Crc64 } from './crc64';
import { BackupError } from './errors';

/**
 * Streaming RDB check: magic (`REDIS%04d` or `VALKEY%03d`), the EOF opcode 0xFF, and the trailing
 * CRC-64/Jones (little-endian) over every byte before it. A zero checksum means the server ran with
 * `rdbchecksum no`: reported as unchecked, not as corrupt. A few AUX fields (redis-ver, ctime) are read
 * from the start for the summary.
 */
export interface RdbReport {
  magic: string;
  version: number;
  bytes: number;
  checksum: 'ok' | 'disabled' | 'absent';
  crc?: string;
  aux: Record<string, string>;
}

const HEAD = 64 * 1024;

/** A pass-through: the bytes continue downstream (e.g. to a file for loading) while being checked. */
export class RdbVerifier extends Transform {
  private readonly crc = new Crc64();
  private pending = Buffer.alloc(0);
  private head = Buffer.alloc(0);
  private lastProcessed = -1;
  private total = 0;
  report?: RdbReport;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.observe(chunk);
    cb(null, chunk);
  }

  private observe(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.head.length < HEAD) this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD - this.head.length)]);
    // checksum everything except the last 8 bytes seen so far
    const all = this.pending.length + chunk.length;
    if (all <= 8) {
      this.pending = Buffer.concat([this.pending, chunk]);
      return;
    }
    if (chunk.length >= 8) {
      this.feed(this.pending);
      this.feed(chunk.subarray(0, chunk.length - 8));
      this.pending = Buffer.from(chunk.subarray(chunk.length - 8));
    } else {
      const joined = Buffer.concat([this.pending, chunk]);
      this.feed(joined.subarray(0, joined.length - 8));
      this.pending = joined.subarray(joined.length - 8);
    }
  }

  private feed(b: Buffer): void {
    if (!b.length) return;
    this.crc.update(b);
    this.lastProcessed = b[b.length - 1];
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.report = this.finish();
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  private finish(): RdbReport {
    const magic = this.head.subarray(0, 9).toString('latin1');
    let version: number;
    if (/^REDIS\d{4}$/.test(magic)) version = Number(magic.slice(5));
    else if (/^VALKEY\d{3}$/.test(magic)) version = Number(magic.slice(6));
    else throw new BackupError(`not an RDB file: it starts with ${JSON.stringify(magic.replace(/[^\x20-\x7e]/g, '.'))}, not REDIS#### or VALKEY###`, 'rdb-corrupt');
    const aux = readAux(this.head);
    if (version < 5) {
      if (this.pending[this.pending.length - 1] !== 0xff) throw new BackupError('RDB is truncated: no EOF opcode at the end', 'rdb-corrupt');
      return { magic, version, bytes: this.total, checksum: 'absent', aux };
    }
    if (this.total < 9 + 1 + 8 || this.lastProcessed !== 0xff) {
      throw new BackupError('RDB is truncated: no EOF opcode (0xFF) before the 8-byte checksum', 'rdb-corrupt');
    }
    const stored = this.pending.readBigUInt64LE(0);
    if (stored === 0n) return { magic, version, bytes: this.total, checksum: 'disabled', aux };
    const computed = this.crc.value();
    if (computed !== stored) {
      throw new BackupError(`RDB checksum mismatch: the file says ${hex(stored)}, its bytes give ${hex(computed)} (corrupted or truncated)`, 'rdb-corrupt');
    }
    return { magic, version, bytes: this.total, checksum: 'ok', crc: hex(computed), aux };
  }
}

const hex = (n: bigint) => n.toString(16).padStart(16, '0');

/** Best effort: the AUX (0xFA) key/value strings right after the header. */
export function readAux(head: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 9;
  const str = (): string | undefined => {
    const b = head[pos++];
    if (b === undefined) return undefined;
    const type = b >> 6;
    if (type === 0) return take(b & 0x3f);
    if (type === 1) return take(((b & 0x3f) << 8) | head[pos++]);
    if (type === 2) {
      if (b === 0x80) {
        const n = head.readUInt32BE(pos);
        pos += 4;
        return take(n);
      }
      return undefined;
    }
    // special encodings: 0xC0 int8, 0xC1 int16, 0xC2 int32 (little-endian)
    if (b === 0xc0) return String(head.readInt8(pos++));
    if (b === 0xc1) {
      pos += 2;
      return String(head.readInt16LE(pos - 2));
    }
    if (b === 0xc2) {
      pos += 4;
      return String(head.readInt32LE(pos - 4));
    }
    return undefined;
  };
  const take = (n: number) => {
    if (pos + n > head.length) return undefined;
    pos += n;
    return head.toString('utf8', pos - n, pos);
  };
  try {
    while (head[pos] === 0xfa) {
      pos++;
      const k = str();
      const v = str();
      if (k === undefined || v === undefined) break;
      out[k] = v;
    }
  } catch {}
  return out;
}
