import { spawn } from 'node:child_process';
import type { Logger } from '@dantaro/core';

/**
 * Run a builder tool, streaming its output line by line into the log (the caller opens the group).
 * Secrets never reach argv by construction; the env carries auth file paths and secret values.
 */
export class ToolError extends Error {
  constructor(
    readonly tool: string,
    readonly code: number,
    /** The last lines the tool printed: where its real error message is. */
    readonly tail: string,
  ) {
    super(`${tool} failed (exit ${code}): ${tail.split('\n').filter(Boolean).slice(-3).join(' | ') || 'no output'}`);
    this.name = 'ToolError';
  }
}

export interface ExecOptions {
  env: Record<string, string>;
  log: Logger;
  signal?: AbortSignal;
  /** Log output at debug instead of info (pushes are noisy and say little). */
  quiet?: boolean;
}

export function execTool(cmd: string, args: string[], opts: ExecOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let partial = { out: '', err: '' };
    const emit = (line: string) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (opts.quiet) opts.log.debug(line);
      else opts.log.info(line);
    };
    const onData = (which: 'out' | 'err') => (d: Buffer) => {
      const lines = (partial[which] + d.toString('utf8')).split(/\r?\n/);
      partial = { ...partial, [which]: lines.pop() ?? '' };
      lines.forEach(emit);
    };
    child.stdout.on('data', onData('out'));
    child.stderr.on('data', onData('err'));
    const onAbort = () => child.kill('SIGTERM');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(Object.assign(new Error(`could not run ${cmd}: ${e.message}`), { code: (e as NodeJS.ErrnoException).code }));
    });
    child.on('close', (code, sig) => {
      opts.signal?.removeEventListener('abort', onAbort);
      for (const rest of [partial.out, partial.err]) if (rest) emit(rest);
      if (code === 0) resolve();
      else reject(new ToolError(`${cmd} ${args[0]}${args[1] && !args[1].startsWith('-') ? ` ${args[1]}` : ''}`, code ?? (sig ? 128 : 1), tail.join('\n')));
    });
  });
}
