import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupError } from './errors';
import { spawnTool } from './child';

/**
 * The semantic RDB check: load the file into a scratch redis-server (loopback, free port, no
 * persistence) and count keys. Catches what a checksum cannot (an RDB newer than the server, bad
 * encodings). The caller owns `file`; the server's dir is removed afterwards.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** One RESP command over a socket; returns the raw first reply line. */
export function redisCommand(port: number, args: string[], timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let buf = '';
    const t = setTimeout(() => sock.destroy(new Error('redis did not answer')), timeoutMs);
    sock.on('connect', () => sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    sock.on('data', (d) => {
      buf += d;
      if (buf.includes('\r\n')) {
        clearTimeout(t);
        sock.end();
        resolve(buf.slice(0, buf.indexOf('\r\n')));
      }
    });
    sock.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(t);
      reject(new Error('connection closed without a reply'));
    });
  });
}

export async function loadRdb(rdbDir: string, fileName: string, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<{ keys: number; seconds: number }> {
  const port = await freeLoopbackPort();
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'dantaro-redis-load-'));
  const server = spawnTool('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', rdbDir, '--dbfilename', fileName, '--save', '', '--appendonly', 'no', '--logfile', ''], {
    cwd: work,
    stdoutPipe: true,
    signal: opts.signal,
  });
  let log = '';
  server.proc.stdout!.on('data', (d) => (log = (log + d).slice(-8000)));
  try {
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    for (;;) {
      if (server.proc.exitCode !== null || server.proc.signalCode) {
        const why = log.split('\n').filter((l) => /#|error|Error|Bad|Short read|Can't/.test(l)).pop()?.replace(/^.*?[#*] /, '') ?? 'exited';
        throw new BackupError(`redis-server could not load the RDB: ${why}`, 'rdb-corrupt');
      }
      const reply = await redisCommand(port, ['DBSIZE']).catch(() => '');
      if (reply.startsWith(':')) return { keys: Number(reply.slice(1)), seconds: (Date.now() - started) / 1000 };
      if (Date.now() > deadline) throw new BackupError('redis-server did not finish loading the RDB in time', 'rdb-corrupt');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await redisCommand(port, ['SHUTDOWN', 'NOSAVE']).catch(() => {});
    const t = setTimeout(() => server.proc.kill('SIGKILL'), 5000);
    server.proc.kill('SIGTERM');
    await server.exited;
    clearTimeout(t);
    rmSync(work, { recursive: true, force: true });
  }
}
