import { retry, httpRetryable, parseRetryAfter, isNetworkError, errorMessage, RetryError, type Clock, type Logger } from '@dantaro/core';
import { SlackError } from './errors';
import type { SlackPayload } from './payload';

/**
 * The two ways to talk to Slack, over the global fetch: an incoming webhook (plain `ok`, no ts) and
 * the Web API (`{ok, ts, channel}` or `{ok:false, error}`). 429 (Retry-After) and 5xx are retried
 * with the core helper within a bound. Error messages never carry the URL or the token, and remote
 * text is passed through `redact` and cut short.
 */
export interface HttpDeps {
  fetch: typeof fetch;
  clock: Clock;
  log: Logger;
  /** Removes secrets from anything remote we quote. */
  redact?: (s: string) => string;
  signal?: AbortSignal;
  retry?: { maxAttempts?: number; baseMs?: number; maxDelayMs?: number; budgetMs?: number; random?: () => number };
  /** Per-attempt timeout. */
  timeoutMs?: number;
}

export interface ApiResult {
  ok: true;
  ts: string;
  channel: string;
  message?: { thread_ts?: string };
  [k: string]: unknown;
}

export async function postWebhook(url: string, payload: SlackPayload, deps: HttpDeps): Promise<void> {
  await withRetry('Slack webhook', deps, async () => {
    const res = await send(url, { 'content-type': 'application/json' }, payload, deps, 'Slack webhook');
    const body = (await res.text()).trim();
    if (res.status === 200 && body === 'ok') return;
    throw new SlackError(codeFrom(body, res.status), { status: res.status, retryAfterMs: retryAfter(res, deps), what: 'Slack webhook' });
  });
}

/** Calls a Web API method (`chat.postMessage`, `chat.update`) with a bot token. */
export async function callApi(apiUrl: string, token: string, method: string, args: Record<string, unknown>, deps: HttpDeps): Promise<ApiResult> {
  const base = apiUrl.endsWith('/') ? apiUrl : apiUrl + '/';
  const what = `Slack ${method}`;
  return withRetry(what, deps, async () => {
    const res = await send(base + method, { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` }, args, deps, what);
    const text = await res.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {}
    if (res.status === 200 && body?.ok === true) return body as ApiResult;
    const code = typeof body?.error === 'string' ? codeFrom(body.error, res.status) : res.status === 200 ? 'invalid_response' : `http_${res.status}`;
    const messages = (body?.response_metadata as { messages?: unknown } | undefined)?.messages;
    const detail = Array.isArray(messages) ? clip(messages.map(String).join('; '), deps) : undefined;
    throw new SlackError(code, { status: res.status, retryAfterMs: retryAfter(res, deps), detail, what });
  });
}

async function send(url: string, headers: Record<string, string>, body: unknown, deps: HttpDeps, what: string): Promise<Response> {
  const timeout = AbortSignal.timeout(deps.timeoutMs ?? 15_000);
  const signal = deps.signal ? AbortSignal.any([deps.signal, timeout]) : timeout;
  try {
    return await deps.fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
  } catch (e) {
    if (deps.signal?.aborted) throw e;
    if (timeout.aborted) throw new SlackError('timeout', { what, detail: `no answer within ${Math.round((deps.timeoutMs ?? 15_000) / 1000)}s` });
    // the cause (e.g. ECONNREFUSED host:port) helps; the URL (a webhook secret) is never in it
    const cause = (e as { cause?: unknown }).cause;
    throw new SlackError('network_error', { what, detail: clip(errorMessage(cause ?? e), deps), retryable: isNetworkError(e) });
  }
}

async function withRetry<T>(what: string, deps: HttpDeps, fn: () => Promise<T>): Promise<T> {
  const r = deps.retry ?? {};
  try {
    return await retry(fn, {
      what,
      clock: deps.clock,
      random: r.random,
      signal: deps.signal,
      maxAttempts: r.maxAttempts ?? 4,
      baseMs: r.baseMs ?? 500,
      maxDelayMs: r.maxDelayMs ?? 8_000,
      deadline: deps.clock.now() + (r.budgetMs ?? 60_000),
      classify: (e) => {
        if (!(e instanceof SlackError)) return false;
        if (!e.retryable) return false;
        const http = e.status !== undefined && e.status !== 200 ? httpRetryable(e.status) : { retry: true };
        return { retry: true, afterMs: e.retryAfterMs ?? http.afterMs };
      },
      onRetry: ({ attempt, delayMs, error }) => deps.log.info(`${errorMessage(error)}; retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt + 1})`),
    });
  } catch (e) {
    // core's RetryError wraps the last SlackError: hand back that one, with the count
    if (e instanceof RetryError && e.lastError instanceof SlackError) {
      e.lastError.attempts = e.attempts;
      throw e.lastError;
    }
    throw e;
  }
}

function retryAfter(res: Response, deps: HttpDeps): number | undefined {
  return parseRetryAfter(res.headers.get('retry-after'), deps.clock.now());
}

/** A Slack error code is a short snake_case word; anything else (an HTML page, a proxy's text) is not quoted. */
function codeFrom(text: string, status: number): string {
  const t = text.trim();
  return /^[a-z0-9_]{2,64}$/.test(t) ? t : `http_${status}`;
}

function clip(s: string, deps: HttpDeps): string {
  const r = deps.redact ? deps.redact(s) : s;
  return r.length > 300 ? r.slice(0, 299) + '…' : r;
}
