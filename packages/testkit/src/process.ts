import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Launcher plumbing shared by every sandbox service: free loopback ports, tracked child processes,
 * temp dirs, and a guaranteed clean shutdown (stopAll, and a last-resort kill on process exit).
 */
const live = new Set<Service>();
const dirs = new Set<string>();

export interface Service {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Everything the process printed (stdout and stderr), for diagnostics. */
  output(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string, owner?: { uid: number; gid: number }): string {
  const d = mkdtempSync(join(tmpdir(), `dantaro-${prefix}-`));
  if (owner) chownSync(d, owner.uid, owner.gid);
  dirs.add(d);
  return d;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

export async function waitFor(check: () => Promise<boolean> | boolean, opts: { timeoutMs?: number; intervalMs?: number; what: string }): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      lastErr = e;
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
  throw new Error(`timed out waiting for ${opts.what}${lastErr ? `: ${String(lastErr)}` : ''}`);
}

export interface StartOptions extends SpawnOptions {
  /** Resolves true once the service answers. */
  ready: () => Promise<boolean> | boolean;
  readyTimeoutMs?: number;
}

/** Start a long-running process and wait until `ready`; it is tracked and stopped by stopAll(). */
export async function startService(name: string, command: string, args: string[], opts: StartOptions): Promise<Service> {
  const { ready, readyTimeoutMs, ...spawnOpts } = opts;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...spawnOpts });
  let out = '';
  child.stdout?.on('data', (d) => (out = (out + d).slice(-64_000)));
  child.stderr?.on('data', (d) => (out = (out + d).slice(-64_000)));
  let exited: number | null = null;
  const exitP = new Promise<void>((resolve) => child.on('exit', (code, sig) => ((exited = code ?? (sig ? 128 : 0)), resolve())));
  child.on('error', (e) => (out += `\nspawn error: ${e.message}`));
  const svc: Service = {
    name,
    pid: child.pid ?? -1,
    child,
    output: () => out,
    async stop() {
      live.delete(svc);
      if (exited === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {}
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {}
        }, 5000);
        await exitP;
        clearTimeout(t);
      }
    },
  };
  live.add(svc);
  try {
    await waitFor(
      async () => {
        if (exited !== null) throw new Error(`${name} exited with ${exited}:\n${out}`);
        return ready();
      },
      { timeoutMs: readyTimeoutMs ?? 30_000, what: `${name} to start` },
    );
  } catch (e) {
    await svc.stop();
    throw new Error(`${(e as Error).message}\n--- ${name} output ---\n${out}`, { cause: e });
  }
  return svc;
}

/** Stop every tracked service and remove every temp dir. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((s) => s.stop()));
  for (const d of [...dirs]) removeDir(d);
}

export function liveServices(): string[] {
  return [...live].map((s) => `${s.name} (pid ${s.pid})`);
}

// last resort: a test runner that exits without stopAll must not leave daemons behind
process.on('exit', () => {
  for (const s of live) {
    try {
      process.kill(-s.pid, 'SIGKILL');
    } catch {}
  }
  for (const d of dirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {}
  }
});

/** A non-root uid/gid for tools that refuse root (initdb, postgres). `nobody` on Debian. */
export function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return { uid: 65534, gid: 65534 };
}
