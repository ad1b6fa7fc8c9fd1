import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A spawned tool: its exit as a promise and the tail of its stderr, killed when `signal` aborts. */
export interface Tool {
  proc: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** First `ERROR:`/`error:`/`FATAL:` line, else the last non-empty stderr line. */
  firstError(): string | undefined;
}

export function spawnTool(cmd: string, args: string[], opts: SpawnOptions & { signal?: AbortSignal; stdinPipe?: boolean; stdoutPipe?: boolean } = {}): Tool {
  const { signal, stdinPipe, stdoutPipe, ...rest } = opts;
  const proc = spawn(cmd, args, { ...rest, stdio: [stdinPipe ? 'pipe' : 'ignore', stdoutPipe ? 'pipe' : 'ignore', 'pipe'] });
  let err = '';
  let first: string | undefined;
  proc.stderr!.on('data', (d: Buffer) => {
    const s = d.toString('utf8');
    if (!first) first = /^.*\b(ERROR|FATAL|error|fatal):.*$/m.exec(s)?.[0];
    err = (err + s).slice(-16_000);
  });
  // a reader that went away (EPIPE) is reported through the pipeline, not as a crash
  proc.stdin?.on('error', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('error', (e) => {
      err += `\n${e.message}`;
      first ??= `${cmd}: ${e.message}`;
      resolve({ code: 127, signal: null });
    });
    proc.on('close', (code, sig) => resolve({ code, signal: sig }));
  });
  const onAbort = () => proc.kill('SIGTERM');
  signal?.addEventListener('abort', onAbort, { once: true });
  void exited.then(() => signal?.removeEventListener('abort', onAbort));
  return {
    proc,
    exited,
    stderr: () => err,
    firstError: () => first ?? err.trim().split('\n').filter(Boolean).pop(),
  };
}

export function describeExit(r: { code: number | null; signal: NodeJS.Signals | null }): string {
  return r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
}
