import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@dantaro/core';
import { spawnTool } from './child';
import { pgTool, psqlQuery, type PgTarget } from './pg-tools';

/**
 * A throwaway PostgreSQL for verification when no scratch database is given: initdb in a private temp
 * dir (as `nobody` if we are root — initdb refuses root), Unix socket only (no TCP), trust auth on that
 * private socket (no password to leak), removed on stop().
 */
export interface LocalPostgres {
  target: PgTarget;
  version: string;
  stop(): Promise<void>;
}

export async function startLocalPostgres(opts: { log: Logger; tempRoot?: string; env?: Record<string, string | undefined>; signal?: AbortSignal }): Promise<LocalPostgres> {
  const root = mkdtempSync(join(opts.tempRoot ?? tmpdir(), 'dantaro-verify-pg-'));
  const owner = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
  const data = join(root, 'data');
  const sock = join(root, 'sock');
  mkdirSync(sock, { mode: 0o700 });
  if (owner) {
    chownSync(root, owner.uid, owner.gid);
    chownSync(sock, owner.uid, owner.gid);
  }
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  const env = { ...(opts.env ?? process.env) };
  const init = spawnSync(pgTool('initdb', env), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
    cwd: root,
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    ...(owner ?? {}),
  });
  if (init.status !== 0) {
    cleanup();
    throw new Error(`initdb failed (${init.status ?? init.error?.message}): ${(init.stderr || init.stdout || '').trim().split('\n').pop()}`);
  }
  const server = spawnTool(
    pgTool('postgres', env),
    ['-D', data, '-k', sock, '-p', '5432', '-c', 'listen_addresses=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_wal_size=1GB'],
    { cwd: root, env: env as NodeJS.ProcessEnv, ...(owner ?? {}), detached: false },
  );
  const target: PgTarget = { args: [], env: { PGHOST: sock, PGPORT: '5432', PGUSER: 'postgres', PGDATABASE: 'postgres' }, display: 'temporary local PostgreSQL', database: 'postgres' };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // fast shutdown; escalate if it hangs
    server.proc.kill('SIGINT');
    const t = setTimeout(() => server.proc.kill('SIGKILL'), 10_000);
    await server.exited;
    clearTimeout(t);
    cleanup();
  };
  const onExit = () => {
    server.proc.kill('SIGKILL');
    cleanup();
  };
  process.once('exit', onExit);
  try {
    let version = '';
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        version = (await psqlQuery(target, 'SHOW server_version', { env, signal: opts.signal }))[0][0];
        break;
      } catch (e) {
        if (server.proc.exitCode !== null) throw new Error(`temporary PostgreSQL exited: ${server.stderr().trim().split('\n').pop()}`, { cause: e });
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    opts.log.info(`started a temporary PostgreSQL ${version} (initdb in ${root}, socket only)`);
    return {
      target,
      version,
      stop: async () => {
        process.off('exit', onExit);
        await stop();
      },
    };
  } catch (e) {
    process.off('exit', onExit);
    await stop();
    throw e;
  }
}
