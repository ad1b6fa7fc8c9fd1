import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '@dantaro/core';
import { describeExit, spawnTool } from './child';

/**
 * Where PostgreSQL client and server tools live, and how a connection reaches them: the URL without
 * its password goes in argv (`--dbname=`), the password only in the child's PGPASSWORD.
 */
type Env = Record<string, string | undefined>;

let cachedBinDir: string | null | undefined;

/** `pg_config --bindir`, else the newest /usr/lib/postgresql/<v>/bin, else null (use PATH). */
export function pgBinDir(): string | null {
  if (cachedBinDir !== undefined) return cachedBinDir;
  cachedBinDir = null;
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (dir && existsSync(join(dir, 'psql'))) cachedBinDir = dir;
  } catch {}
  if (!cachedBinDir) {
    const root = '/usr/lib/postgresql';
    const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'psql'))) : [];
    versions.sort((a, b) => Number(b) - Number(a));
    if (versions.length) cachedBinDir = join(root, versions[0], 'bin');
  }
  return cachedBinDir;
}

/** A PostgreSQL tool by name. `DANTARO_PG_DUMP` overrides pg_dump (tests use it to inject failures). */
export function pgTool(name: 'pg_dump' | 'psql' | 'pg_restore' | 'initdb' | 'postgres' | 'pg_isready', env: Env = process.env): string {
  if (name === 'pg_dump' && env.DANTARO_PG_DUMP) return env.DANTARO_PG_DUMP;
  const dir = pgBinDir();
  return dir && existsSync(join(dir, name)) ? join(dir, name) : name;
}

export interface PgTarget {
  /** Connection arguments for psql/pg_dump/pg_restore (never holds the password). */
  args: string[];
  /** Extra env for the child (PGPASSWORD, or PGHOST for a socket). */
  env: Record<string, string>;
  /** For messages and summaries: user@host:port/db, no password. */
  display: string;
  database?: string;
}

/**
 * From a postgres:// URL, or (no URL) the standard PG* environment, which children inherit.
 * Returns the password separately so the caller can register it as a secret.
 */
export function pgTarget(url: string | undefined, env: Env = process.env): PgTarget & { password?: string } {
  if (!url) {
    const db = env.PGDATABASE || env.PGUSER;
    return { args: [], env: {}, display: `${env.PGUSER ?? ''}@${env.PGHOST ?? 'localhost'}:${env.PGPORT ?? '5432'}/${db ?? ''}`, database: db, password: env.PGPASSWORD };
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError('database url: not a URL; expected postgres://user:password@host:5432/dbname');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new UserError('database url: expected postgres://user:password@host:5432/dbname');
  let password = u.password ? decodeURIComponent(u.password) : undefined;
  if (u.searchParams.has('password')) {
    password = u.searchParams.get('password') ?? undefined;
    u.searchParams.delete('password');
  }
  u.password = '';
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || (u.username ? decodeURIComponent(u.username) : undefined);
  return {
    args: [`--dbname=${u.toString()}`],
    env: password ? { PGPASSWORD: password } : {},
    display: `${decodeURIComponent(u.username)}@${u.host}/${database ?? ''}`,
    database,
    password,
  };
}

/** Run one SQL statement with psql; rows as arrays of fields (unaligned, NUL-separated). */
export async function psqlQuery(target: PgTarget, sql: string, opts: { signal?: AbortSignal; env?: Env } = {}): Promise<string[][]> {
  const t = spawnTool(pgTool('psql', opts.env), ['-X', '-q', '-A', '-t', '-w', '-z', '-v', 'ON_ERROR_STOP=1', ...target.args, '-c', sql], {
    env: { ...(opts.env ?? process.env), ...target.env },
    stdoutPipe: true,
    signal: opts.signal,
  });
  let out = '';
  t.proc.stdout!.on('data', (d) => (out += d));
  const r = await t.exited;
  if (r.code !== 0) throw new UserError(`psql on ${target.display} failed (${describeExit(r)}): ${t.firstError() ?? 'no message'}`);
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\0'));
}

export async function serverVersion(target: PgTarget, signal?: AbortSignal): Promise<string> {
  return (await psqlQuery(target, 'SHOW server_version', { signal }))[0]?.[0] ?? 'unknown';
}

/** Tables (ordinary and partitioned roots) outside the system schemas. */
export const USER_TABLES_SQL = `SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r','p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname !~ '^pg_(toast|temp)' ORDER BY 1`;
