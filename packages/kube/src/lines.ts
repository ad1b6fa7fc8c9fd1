import type { IncomingMessage } from 'node:http';

/** Raised when a stream has sent nothing for longer than the caller allows (a silent watch). */
export class SilenceError extends Error {
  constructor(ms: number) {
    super(`stream silent for ${ms} ms`);
    this.name = 'SilenceError';
  }
}

/**
 * Newline-delimited lines of a streaming response. Ends when the server ends the stream; throws on a
 * drop, on `signal`, or (SilenceError) when nothing arrived for `silenceMs`. Always destroys the response
 * when the consumer stops early.
 */
export async function* streamLines(res: IncomingMessage, opts: { silenceMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<string> {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (!opts.silenceMs) return;
    clearTimeout(timer);
    timer = setTimeout(() => res.destroy(new SilenceError(opts.silenceMs!)), opts.silenceMs);
  };
  const onAbort = () => res.destroy(opts.signal?.reason instanceof Error ? opts.signal.reason : new Error('aborted'));
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let rest = '';
  try {
    arm();
    for await (const chunk of res) {
      arm();
      rest += chunk.toString('utf8');
      let i: number;
      while ((i = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, i).replace(/\r$/, '');
        rest = rest.slice(i + 1);
        yield line;
      }
    }
    if (rest !== '') yield rest;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    if (!res.destroyed) res.destroy();
  }
}
