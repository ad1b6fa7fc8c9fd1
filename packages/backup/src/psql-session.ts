import { pipeline } from 'node:stream/promises';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { BackupError, explainStreamError } from './errors';
import { spawnTool, describeExit } from './child';
import { pgTool, type PgTarget } from './pg-tools';
import type { Check } from './checks';

/**
 * One psql session carries a whole restore: our `BEGIN` (plus, for a real restore, dropping the user
 * schemas), the dump, then — only once the producer says the dump is complete — row counts, checks and
 * `COMMIT` (restore) or `ROLLBACK` (verify). So a truncated, corrupt or failing dump never commits:
 * the database is left exactly as it was.
 */
export type SessionMode = 'verify' | 'restore';

const MARK = '@@dantaro:';

const DROP_USER_SCHEMAS = `DO $dantaro$ DECLARE s record; BEGIN
  FOR s IN SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname NOT IN ('pg_catalog','information_schema') AND nspname !~ '^pg_(toast|temp)' LOOP
    EXECUTE pg_catalog.format('DROP SCHEMA %I CASCADE', s.nspname);
  END LOOP;
  CREATE SCHEMA public;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'pg_database_owner') THEN ALTER SCHEMA public OWNER TO pg_database_owner; END IF;
  GRANT USAGE ON SCHEMA public TO PUBLIC;
END $dantaro$;
`;

const COUNT_ROWS = `SELECT coalesce(pg_catalog.json_object_agg(n.nspname || '.' || c.relname,
  (pg_catalog.xpath('/row/c/text()', pg_catalog.query_to_xml(pg_catalog.format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint
  ORDER BY n.nspname, c.relname), '{}')
 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r','p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname !~ '^pg_(toast|temp)';`;

function prelude(mode: SessionMode): string {
  return `BEGIN;\n${mode === 'restore' ? DROP_USER_SCHEMAS : ''}`;
}

function epilogue(mode: SessionMode, checks: Check[]): string {
  const lines = ['', `\\echo ${MARK}tables`, COUNT_ROWS, 'RESET ALL;', '\\set ON_ERROR_STOP 0'];
  checks.forEach((c, i) => {
    lines.push(`\\echo ${MARK}check:${i}`, `\\warn ${MARK}check:${i}`, 'SAVEPOINT dantaro_check;', `${c.sql};`, 'ROLLBACK TO SAVEPOINT dantaro_check;');
  });
  lines.push(`\\warn ${MARK}end`, '\\set ON_ERROR_STOP 1', `\\echo ${MARK}end`, mode === 'restore' ? 'COMMIT;' : 'ROLLBACK;', '');
  return lines.join('\n');
}

/** Wraps the dump: prelude first, epilogue only after `complete()` resolves (it throws if the dump is not whole). */
class Frame extends Transform {
  private started = false;
  constructor(
    private readonly head: string,
    private readonly tail: () => string,
    private readonly complete: () => Promise<void>,
  ) {
    super({ highWaterMark: 1 << 18 });
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    if (!this.started) {
      this.started = true;
      this.push(this.head);
    }
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    if (!this.started) this.push(this.head);
    this.complete().then(() => cb(null, this.tail()), (e) => cb(e));
  }
}

export interface SessionResult {
  rows: Record<string, number>;
  checks: Array<{ ran: boolean; value?: string; error?: string }>;
}

export async function runPsqlSession(
  stages: [Readable, ...Transform[]],
  opts: { target: PgTarget; mode: SessionMode; checks: Check[]; complete: () => Promise<void>; signal?: AbortSignal; env?: Record<string, string | undefined> },
): Promise<SessionResult> {
  const psql = spawnTool(pgTool('psql', opts.env), ['-X', '-q', '-A', '-t', '-w', '-z', '-v', 'ON_ERROR_STOP=1', ...opts.target.args, '-f', '-'], {
    env: { ...(opts.env ?? process.env), ...opts.target.env },
    stdinPipe: true,
    stdoutPipe: true,
    signal: opts.signal,
  });
  let out = '';
  psql.proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    // until our markers appear, only a bounded tail matters
    if (!out.includes(MARK) && out.length > 65536) out = out.slice(-4096);
  });
  const frame = new Frame(prelude(opts.mode), () => epilogue(opts.mode, opts.checks), opts.complete);
  const piped = pipeline([...stages, frame, psql.proc.stdin!]).then(
    () => undefined,
    (e: unknown) => {
      // the dump failed upstream: end the session without COMMIT (the server rolls back)
      psql.proc.kill('SIGTERM');
      return e;
    },
  );
  const [pipeErr, exit] = await Promise.all([piped, psql.exited]);
  const brokenPipe = (e: unknown) => ['EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED'].includes((e as { code?: string })?.code ?? '');
  if (pipeErr && !brokenPipe(pipeErr)) throw explainStreamError(pipeErr);
  if (exit.code !== 0 || !out.includes(`${MARK}end`)) {
    const why = psql.firstError() ?? describeExit(exit);
    throw new BackupError(`restore failed (psql ${describeExit(exit)}): ${why}; the transaction was rolled back, the database is unchanged`, 'restore-failed');
  }
  if (pipeErr) throw pipeErr;
  return parseOutput(out, psql.stderr(), opts.checks.length);
}

function parseOutput(out: string, err: string, nChecks: number): SessionResult {
  const section = (text: string, name: string) => {
    const at = text.indexOf(`${MARK}${name}\n`);
    if (at < 0) return undefined;
    const from = at + MARK.length + name.length + 1;
    const next = text.indexOf(MARK, from);
    return text.slice(from, next < 0 ? undefined : next);
  };
  const rowsText = section(out, 'tables')?.split('\n').find((l) => l.trim().startsWith('{'));
  const rows = rowsText ? (JSON.parse(rowsText) as Record<string, number>) : {};
  const checks = Array.from({ length: nChecks }, (_, i) => {
    const o = section(out, `check:${i}`);
    const e = section(err, `check:${i}`);
    const error = e ? /ERROR:\s*(.*)/.exec(e)?.[1] : undefined;
    const first = o?.split('\n').find((l) => l !== '');
    return { ran: o !== undefined, value: first?.split('\0')[0], error };
  });
  return { rows, checks };
}
