// A container run as a real local process (no shell): command + args with $(VAR) expanded,
// the container's env (plus PATH/HOME so tools resolve), output into the container log.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expand } from './env';
import type { LogBuffer } from './logs';

export interface LocalExit {
  exitCode: number;
  reason: 'Completed' | 'Error' | 'StartError';
  message?: string;
}

export interface LocalProcess {
  pid?: number;
  /** SIGTERM the process group, SIGKILL after the grace period. */
  kill(graceMs: number): void;
  exited: Promise<LocalExit>;
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGSEGV: 11, SIGABRT: 6 };

export function runLocal(container: any, env: Record<string, string>, log: LogBuffer): LocalProcess {
  const argv = [...(container.command ?? []), ...(container.args ?? [])].map((a: string) => expand(String(a), env));
  if (!argv.length) {
    const message = 'no command to run locally: the container has neither command nor args (the image entrypoint cannot run outside a container)';
    log.line(message);
    log.end();
    return { kill: () => {}, exited: Promise.resolve({ exitCode: 128, reason: 'StartError', message }) };
  }
  const cwd = container.workingDir && existsSync(container.workingDir) ? container.workingDir : process.cwd();
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.setEncoding('utf8').on('data', (d: string) => log.write(d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => log.write(d));
  let killTimer: NodeJS.Timeout | undefined;
  const exited = new Promise<LocalExit>((resolve) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      const message = `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${argv[0]}": ${e.code === 'ENOENT' ? 'executable file not found in $PATH' : e.message}: unknown`;
      log.line(message);
      log.end();
      resolve({ exitCode: 128, reason: 'StartError', message });
    });
    child.on('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      log.end();
      const exitCode = code ?? 128 + (signal ? (SIGNALS[signal] ?? 15) : 0);
      resolve({ exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' });
    });
  });
  return {
    pid: child.pid,
    exited,
    kill(graceMs: number) {
      if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      killTimer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {}
      }, graceMs);
      killTimer.unref?.();
    },
  };
}
