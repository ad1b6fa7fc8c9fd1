import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, removeDir, startService, tempDir } from '../process';

const run = promisify(execFile);

export interface RedisHandle {
  url: string;
  port: number;
  dir: string;
  password?: string;
  /** redis-cli against this server (password via REDISCLI_AUTH, never argv). */
  cli(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** A throwaway redis-server on a free loopback port, persistence off, data dir in a temp dir. */
export async function startRedis(opts: { password?: string } = {}): Promise<RedisHandle> {
  const dir = tempDir('redis');
  const port = await freePort();
  const env = { ...process.env, ...(opts.password ? { REDISCLI_AUTH: opts.password } : {}) };
  const cli = async (args: string[]) => {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { env, maxBuffer: 64 << 20 });
    return stdout.trim();
  };
  // requirepass goes through a 0600 config file so the password never sits in redis-server's argv
  const conf = join(dir, 'redis.conf');
  writeFileSync(conf, opts.password ? `requirepass "${opts.password.replace(/["\\]/g, '\\$&')}"\n` : '', { mode: 0o600 });
  const svc = await startService(
    'redis',
    'redis-server',
    [conf, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    {
      cwd: dir,
      ready: async () => (await cli(['PING'])) === 'PONG',
    },
  ).catch((e) => {
    removeDir(dir);
    throw e;
  });
  let stopped = false;
  return {
    url: `redis://${opts.password ? `:${encodeURIComponent(opts.password)}@` : ''}127.0.0.1:${port}`,
    port,
    dir,
    password: opts.password,
    cli,
    async stop() {
      if (stopped) return;
      stopped = true;
      await svc.stop();
      removeDir(dir);
    },
  };
}
