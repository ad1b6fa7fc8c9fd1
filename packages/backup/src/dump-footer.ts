import { Transform, type TransformCallback } from 'node:stream';

/**
 * Streaming truncation check for plain pg_dump output. A plain dump cut at a line boundary restores
 * "successfully", so the only signal is the `-- PostgreSQL database dump complete` footer — and, in
 * dumps since 2025-08 (15.14+), the `\restrict KEY` at the top matched by `\unrestrict KEY` at the end.
 * Keeps the first 4 KiB and the last 64 KiB; everything else just passes through.
 */
export const FOOTER = '-- PostgreSQL database dump complete';
const HEAD = 4096;
const TAIL = 65536;

export interface FooterCheck {
  footer: boolean;
  /** undefined when the dump predates \restrict. */
  restrictKey?: string;
  unrestrictMatches?: boolean;
  dumpedFrom?: string;
  dumpedBy?: string;
  ok: boolean;
  problem?: string;
}

export class DumpTail extends Transform {
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  bytes = 0;

  constructor() {
    super({ highWaterMark: 1 << 18 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.observe(chunk);
    cb(null, chunk);
  }

  observe(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.head.length < HEAD) this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD - this.head.length)]);
    this.tail = chunk.length >= TAIL ? Buffer.from(chunk.subarray(chunk.length - TAIL)) : Buffer.concat([this.tail, chunk]).subarray(-TAIL);
  }

  result(): FooterCheck {
    return checkFooter(this.head.toString('utf8'), this.tail.toString('utf8'));
  }
}

export function checkFooter(head: string, tail: string): FooterCheck {
  const restrictKey = /^\\restrict (\S+)\s*$/m.exec(head)?.[1];
  const dumpedFrom = /^-- Dumped from database version (.+)$/m.exec(head)?.[1]?.trim();
  const dumpedBy = /^-- Dumped by pg_dump version (.+)$/m.exec(head)?.[1]?.trim();
  const footerAt = tail.lastIndexOf(FOOTER);
  const footer = footerAt >= 0;
  let unrestrictMatches: boolean | undefined;
  if (restrictKey !== undefined) {
    const un = /^\\unrestrict (\S+)\s*$/m.exec(tail.slice(Math.max(0, footerAt)));
    unrestrictMatches = un?.[1] === restrictKey;
  }
  let problem: string | undefined;
  if (!footer) problem = `dump is truncated: the footer "${FOOTER}" is missing`;
  else if (unrestrictMatches === false) problem = 'dump is truncated: \\restrict at the top has no matching \\unrestrict at the end';
  return { footer, restrictKey: restrictKey ? '(present)' : undefined, unrestrictMatches, dumpedFrom, dumpedBy, ok: !problem, problem };
}
