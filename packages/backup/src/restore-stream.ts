import { Writable, type Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BackupError, explainStreamError } from './errors';
import { describeExit, spawnTool } from './child';
import { DumpTail, type FooterCheck } from './dump-footer';
import { OwnerFilter } from './owner-filter';
import { pgTool, type PgTarget } from './pg-tools';
import { runPsqlSession, type SessionMode, type SessionResult } from './psql-session';
import type { Check } from './checks';

/**
 * A decoded dump (plain SQL or a PGDMP archive) into a database through one psql session — or, with no
 * target, read to the end and checked (footer / pg_restore) without restoring anything.
 */
export interface StreamRestore {
  format: 'plain' | 'custom';
  footer: FooterCheck;
  session?: SessionResult;
  /** Bytes of SQL that reached psql (or were checked). */
  sqlBytes: number;
}

export interface StreamRestoreOptions {
  target?: PgTarget;
  mode: SessionMode;
  checks: Check[];
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
}

const devNull = () => new Writable({ write: (_c, _e, cb) => cb() });

export async function restoreStream(plain: Readable, payload: 'sql' | 'pgdmp', opts: StreamRestoreOptions): Promise<StreamRestore> {
  const tail = new DumpTail();
  const format = payload === 'pgdmp' ? 'custom' : 'plain';
  const footerGate = async () => {
    const f = tail.result();
    if (!f.ok) throw new BackupError(f.problem!, 'dump-truncated');
  };

  let sql: Readable = plain;
  const filters: Transform[] = [];
  let restoreTool: ReturnType<typeof spawnTool> | undefined;
  let upstream: Promise<unknown> = Promise.resolve(undefined);
  if (payload === 'pgdmp') {
    // pg_restore turns the archive into SQL (reading every data block, so truncation fails it)
    const args = ['-f', '-', ...(opts.mode === 'verify' ? ['--no-owner', '--no-privileges'] : [])];
    restoreTool = spawnTool(pgTool('pg_restore', opts.env), args, { env: opts.env ?? process.env, stdinPipe: true, stdoutPipe: true, signal: opts.signal });
    upstream = pipeline(plain, restoreTool.proc.stdin!).then(
      () => undefined,
      (e) => e,
    );
    sql = restoreTool.proc.stdout!;
  } else if (opts.mode === 'verify') {
    filters.push(new OwnerFilter());
  }
  const complete = async () => {
    if (restoreTool) {
      const [err, exit] = await Promise.all([upstream, restoreTool.exited]);
      if (err && (err as { code?: string }).code !== 'EPIPE') throw explainStreamError(err);
      if (exit.code !== 0) throw new BackupError(`dump is truncated or damaged: pg_restore ${describeExit(exit)}: ${restoreTool.firstError() ?? ''}`.trim(), 'dump-truncated');
    }
    await footerGate();
  };

  try {
    if (!opts.target) {
      await pipeline([sql, ...filters, tail, devNull()]);
      await complete();
      return { format, footer: tail.result(), sqlBytes: tail.bytes };
    }
    const session = await runPsqlSession([sql, ...filters, tail], { target: opts.target, mode: opts.mode, checks: opts.checks, complete, signal: opts.signal, env: opts.env });
    return { format, footer: tail.result(), session, sqlBytes: tail.bytes };
  } catch (e) {
    restoreTool?.proc.kill('SIGTERM');
    // an upstream decode error explains a pg_restore failure better than pg_restore does
    const up = await Promise.race([upstream, new Promise((r) => setTimeout(r, 50, undefined))]);
    if (up && (up as { code?: string }).code !== 'EPIPE' && !(e instanceof BackupError && e.reason !== 'dump-truncated' && e.reason !== 'restore-failed')) throw explainStreamError(up);
    throw explainStreamError(e);
  }
}
