import { systemClock, type Clock } from './clock';
import { errorMessage } from './errors';

/**
 * The one retry helper: exponential backoff with full jitter, `Retry-After` honoured, only what the
 * caller classifies as retryable, an overall deadline, and a count of attempts in the final error.
 */
export interface RetryDecision {
  retry: boolean;
  /** Server-requested wait in ms (from Retry-After); overrides the backoff when larger. */
  afterMs?: number;
}

export interface RetryOptions {
  /** Classify a failure. Default: nothing is retried. */
  classify: (error: unknown, attempt: number) => RetryDecision | boolean;
  maxAttempts?: number; // default 5
  baseMs?: number; // default 250
  maxDelayMs?: number; // default 10_000
  /** Absolute time (clock ms) after which no new attempt starts. */
  deadline?: number;
  clock?: Clock;
  random?: () => number;
  signal?: AbortSignal;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  what?: string;
}

export class RetryError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(message, { cause: lastError });
    this.name = lastError instanceof Error && lastError.name === 'UserError' ? 'UserError' : 'RetryError';
  }
}

export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? Math.random;
  const maxAttempts = opts.maxAttempts ?? 5;
  const base = opts.baseMs ?? 250;
  const cap = opts.maxDelayMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const raw = opts.classify(error, attempt);
      const decision: RetryDecision = typeof raw === 'boolean' ? { retry: raw } : raw;
      if (!decision.retry || opts.signal?.aborted) {
        if (attempt === 1) throw error;
        throw giveUp(opts.what, attempt, error, 'not retryable');
      }
      if (attempt >= maxAttempts) throw giveUp(opts.what, attempt, error, `${attempt} attempts`);
      const backoff = random() * Math.min(cap, base * 2 ** (attempt - 1));
      const delay = Math.max(backoff, Math.min(decision.afterMs ?? 0, 60_000));
      if (opts.deadline !== undefined && clock.now() + delay >= opts.deadline) {
        throw giveUp(opts.what, attempt, error, 'deadline reached');
      }
      opts.onRetry?.({ attempt, delayMs: delay, error });
      await clock.sleep(delay, opts.signal);
    }
  }
}

function giveUp(what: string | undefined, attempts: number, error: unknown, why: string): RetryError {
  const err = new RetryError(
    `${what ? what + ': ' : ''}gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} (${why}): ${errorMessage(error)}`,
    attempts,
    error,
  );
  if (error instanceof Error && 'hint' in error) (err as unknown as { hint: unknown }).hint = (error as { hint?: unknown }).hint;
  return err;
}

/** Retry-After as seconds or an HTTP date → milliseconds (undefined if absent or unparseable). */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** The usual HTTP classification: 429 and 5xx (and network resets) retry; other statuses do not. */
export function httpRetryable(status: number | undefined, retryAfter?: string | null): RetryDecision {
  if (status === undefined) return { retry: true };
  if (status === 429 || status === 408 || status >= 500) return { retry: true, afterMs: parseRetryAfter(retryAfter) };
  return { retry: false };
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'ECONNABORTED', 'UND_ERR_CLOSED']);

/** True for connection-level failures worth another attempt. */
export function isNetworkError(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const code = (cur as { code?: string }).code;
    if (code && NETWORK_CODES.has(code)) return true;
    if (cur instanceof Error && /socket hang up|other side closed|fetch failed|ECONNRESET/i.test(cur.message)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
