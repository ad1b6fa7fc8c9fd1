import { spawn } from 'node:child_process';
import { UserError, type Logger } from '@dantaro/core';

export interface RunTrivyOptions {
  binary: string;
  args: string[];
  log: Logger;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Runs Trivy, streaming its log; a non-zero exit is the user's to fix (bad image ref, auth…). */
export function runTrivy(o: RunTrivyOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(o.binary, o.args, { env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], signal: o.signal });
    let tail = '';
    const onData = (d: Buffer) => {
      const text = d.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) o.log.info(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => reject(new UserError(`could not start Trivy (${o.binary}): ${e.message}`, { cause: e })));
    child.on('close', (code, sig) => {
      if (code === 0) return resolve();
      const last = tail.trim().split('\n').slice(-5).join('\n');
      reject(new UserError(`Trivy exited with ${code ?? sig}${last ? `:\n${last}` : ''}`));
    });
  });
}
