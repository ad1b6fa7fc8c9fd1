import { execFile, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, removeDir, startService, tempDir, unprivilegedUser } from '../process';
import { postgresBinDir } from './pg-bin';

const run = promisify(execFile);

export interface PostgresHandle {
  /** postgres://user:pass@127.0.0.1:port/db (password auth over TCP). */
  url: string;
  socketDir: string;
  port: number;
  user: string;
  password: string;
  database: string;
  bin: string;
  /** URL of another database on the same server. */
  urlFor(db: string): string;
  createDatabase(name: string): Promise<string>;
  /** Run SQL with psql (ON_ERROR_STOP); returns unaligned, tuples-only output. */
  psql(sql: string, db?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  user?: string;
  password?: string;
  database?: string;
}

/**
 * A throwaway PostgreSQL cluster: initdb in a temp dir (as `nobody` when we are root, since initdb
 * refuses root), listening on a free loopback port and a private socket dir, scram password auth.
 */
export async function startPostgres(opts: PostgresOptions = {}): Promise<PostgresHandle> {
  const bin = postgresBinDir();
  const owner = unprivilegedUser();
  const user = opts.user ?? 'dantaro';
  const password = opts.password ?? 'pg-test-password';
  const database = opts.database ?? 'app';
  const dir = tempDir('pg', owner);
  const data = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  mkdirSync(socketDir, { mode: 0o700 });
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (owner) {
    chownSync(socketDir, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { cwd: dir, encoding: 'utf8', ...asOwner },
  );
  if (init.status !== 0) {
    removeDir(dir);
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  const env = { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' };
  const svc = await startService(
    'postgres',
    join(bin, 'postgres'),
    ['-D', data, '-k', socketDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off',
      '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=40', '-c', 'shared_buffers=32MB'],
    {
      cwd: dir,
      ...asOwner,
      ready: async () => {
        await run(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
        return true;
      },
    },
  );
  const urlFor = (db: string) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
  const psql = async (sql: string, db = database) => {
    const { stdout } = await run('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', db, '-c', sql], { env, maxBuffer: 64 << 20 });
    return stdout.trim();
  };
  await psql(`CREATE DATABASE "${database}"`, 'postgres');
  let stopped = false;
  return {
    url: urlFor(database),
    socketDir,
    port,
    user,
    password,
    database,
    bin,
    urlFor,
    async createDatabase(name) {
      await psql(`CREATE DATABASE "${name.replace(/"/g, '""')}"`, 'postgres');
      return urlFor(name);
    },
    psql,
    async stop() {
      if (stopped) return;
      stopped = true;
      // SIGINT = fast shutdown (SIGTERM would wait for clients); stop() escalates if needed
      try {
        process.kill(svc.pid, 'SIGINT');
      } catch {}
      await svc.stop();
      removeDir(dir);
    },
  };
}
