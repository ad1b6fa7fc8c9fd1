import * as http from 'node:http';
import * as https from 'node:https';
import { isNetworkError, retry, httpRetryable, silentLogger, systemClock, type Clock, type Logger } from '@dantaro/core';
import { ApiError, apiErrorFrom, forbidden } from './errors';
import { resourcePath, rbacName, type Resource } from './resources';
import type { KubeList, KubeObject } from './types';

/**
 * A small typed Kubernetes REST client over node:https. Every call goes through core `retry`
 * (429 + Retry-After, 5xx, connection resets; never other 4xx) within the caller's deadline; a
 * refreshable bearer token is re-minted on 401 once. Streams (watch, logs) are opened the same way and
 * then handed to the caller (see watch.ts, logs.ts).
 */
export interface TokenProvider {
  /** A bearer token; the provider caches it and mints a new one before it expires. */
  token(): Promise<string>;
  /** Drop the cached token (after a 401) so the next call mints a fresh one. */
  invalidate?(): void;
}

export function staticToken(token: string): TokenProvider {
  return { token: async () => token };
}

export interface KubeConnection {
  server: string;
  caPem?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  auth?: TokenProvider;
  basicAuth?: { username: string; password: string };
  /** The context's default namespace, when it came from a kubeconfig. */
  namespace?: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  status?: number;
  ms: number;
}

export interface ClientOptions {
  clock?: Clock;
  log?: Logger;
  signal?: AbortSignal;
  /** Absolute clock time after which no new retry starts (the run's overall deadline). */
  deadline?: number;
  /** Time to wait for response headers (and, for plain requests, the whole body). Default 30 s. */
  requestTimeoutMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  userAgent?: string;
  onRequest?: (r: RequestRecord) => void;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method?: string;
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  accept?: string;
  /** Named in a 403: `patch` on `deployments.apps` in `namespace`. */
  verb?: string;
  resource?: string;
  namespace?: string;
  /** One attempt only (callers with their own loop, e.g. watches). */
  noRetry?: boolean;
  /** Aborts this request (and its retries) as well as everything on the client's own signal. */
  signal?: AbortSignal;
  /** Fewer attempts than the client default (best-effort reads such as diagnostics). */
  attempts?: number;
}

export type PatchType = 'strategic' | 'merge' | 'json' | 'apply';
export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  force?: boolean;
}

export class KubeClient {
  readonly clock: Clock;
  readonly log: Logger;
  private readonly agent: http.Agent;
  private readonly base: URL;
  /** Set by the caller to bound retries of later calls (e.g. once the rollout deadline is known). */
  deadline?: number;

  constructor(
    readonly connection: KubeConnection,
    readonly opts: ClientOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.deadline = opts.deadline;
    this.base = new URL(connection.server);
    const tls: https.AgentOptions = {
      keepAlive: true,
      ca: connection.caPem,
      cert: connection.clientCertPem,
      key: connection.clientKeyPem,
      rejectUnauthorized: !connection.insecureSkipTlsVerify,
      servername: connection.tlsServerName,
    };
    this.agent = this.base.protocol === 'http:' ? new http.Agent({ keepAlive: true }) : new https.Agent(tls);
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  /** Close idle keep-alive sockets so the process can exit. */
  close(): void {
    this.agent.destroy();
  }

  // ---- typed verbs ----------------------------------------------------------------------------

  get<T extends KubeObject>(res: Resource, namespace: string | undefined, name: string): Promise<T> {
    return this.json<T>({ path: resourcePath(res, namespace, name), verb: 'get', resource: rbacName(res), namespace });
  }

  /** Like get, but undefined on 404. */
  async tryGet<T extends KubeObject>(res: Resource, namespace: string | undefined, name: string): Promise<T | undefined> {
    try {
      return await this.get<T>(res, namespace, name);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  list<T extends KubeObject>(res: Resource, namespace: string | undefined, opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.json<KubeList<T>>({ path: resourcePath(res, namespace), query: { ...opts }, verb: 'list', resource: rbacName(res), namespace });
  }

  /** Every page of a list (follows `continue`). */
  async listAll<T extends KubeObject>(res: Resource, namespace: string | undefined, opts: ListOptions = {}): Promise<KubeList<T>> {
    const first = await this.list<T>(res, namespace, { limit: 500, ...opts });
    let page = first;
    while (page.metadata?.continue) {
      page = await this.list<T>(res, namespace, { ...opts, limit: 500, continue: page.metadata.continue });
      first.items.push(...page.items);
    }
    return first;
  }

  create<T extends KubeObject>(res: Resource, namespace: string | undefined, obj: T, w: WriteOptions = {}): Promise<T> {
    return this.json<T>({ method: 'POST', path: resourcePath(res, namespace), query: writeQuery(w), body: obj, verb: 'create', resource: rbacName(res), namespace });
  }

  /** PUT: fails with 409 when obj.metadata.resourceVersion is stale (optimistic concurrency). */
  replace<T extends KubeObject>(res: Resource, namespace: string | undefined, name: string, obj: T, w: WriteOptions = {}): Promise<T> {
    return this.json<T>({ method: 'PUT', path: resourcePath(res, namespace, name), query: writeQuery(w), body: obj, verb: 'update', resource: rbacName(res), namespace });
  }

  patch<T extends KubeObject>(res: Resource, namespace: string | undefined, name: string, patch: unknown, type: PatchType, w: WriteOptions & { subresource?: string } = {}): Promise<T> {
    return this.json<T>({
      method: 'PATCH',
      path: resourcePath(res, namespace, name, w.subresource),
      query: writeQuery(w),
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      verb: 'patch',
      resource: rbacName(res, w.subresource),
      namespace,
    });
  }

  delete<T extends KubeObject = KubeObject>(res: Resource, namespace: string | undefined, name: string, opts: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; gracePeriodSeconds?: number; dryRun?: boolean; preconditionResourceVersion?: string } = {}): Promise<T> {
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: opts.propagationPolicy,
      gracePeriodSeconds: opts.gracePeriodSeconds,
      preconditions: opts.preconditionResourceVersion ? { resourceVersion: opts.preconditionResourceVersion } : undefined,
    };
    return this.json<T>({ method: 'DELETE', path: resourcePath(res, namespace, name), query: writeQuery({ dryRun: opts.dryRun }), body, verb: 'delete', resource: rbacName(res), namespace });
  }

  // ---- transport --------------------------------------------------------------------------------

  /** A request whose answer is JSON. 403 becomes a UserError naming verb and resource. */
  async json<T>(o: RequestOptions): Promise<T> {
    try {
      const { body } = await this.withRetry(o, async () => {
        const res = await this.send(o);
        const text = await readBody(res, this.opts.requestTimeoutMs ?? 30_000);
        if ((res.statusCode ?? 0) >= 400) throw apiErrorFrom(res.statusCode ?? 0, text, header(res, 'retry-after'));
        return { body: text };
      });
      return (body ? JSON.parse(body) : {}) as T;
    } catch (e) {
      throw this.translate(e, o);
    }
  }

  /**
   * Open a streaming GET (watch, log follow) and return the response once headers arrive; retried like
   * any call up to that point. Non-2xx answers are read and thrown as ApiError.
   */
  async stream(o: RequestOptions): Promise<http.IncomingMessage> {
    try {
      return await this.withRetry(o, async () => {
        const res = await this.send(o);
        if ((res.statusCode ?? 0) >= 400) {
          const text = await readBody(res, this.opts.requestTimeoutMs ?? 30_000);
          throw apiErrorFrom(res.statusCode ?? 0, text, header(res, 'retry-after'));
        }
        return res;
      });
    } catch (e) {
      throw this.translate(e, o);
    }
  }

  private translate(e: unknown, o: RequestOptions): unknown {
    const api = e instanceof ApiError ? e : (e as { lastError?: unknown })?.lastError instanceof ApiError ? ((e as { lastError: ApiError }).lastError as ApiError) : undefined;
    if (api?.status === 403 && o.verb && o.resource) return forbidden(o.verb, o.resource, o.namespace, api);
    if (api && api !== e) {
      // keep the typed error, note the attempts in its message
      return new ApiError(api.status, api.reason, `${api.message} (${(e as Error).message.split(':')[0]})`, api.retryAfter, api.details);
    }
    return e;
  }

  private signalFor(o: RequestOptions): AbortSignal | undefined {
    const both = [o.signal, this.opts.signal].filter((x): x is AbortSignal => x !== undefined);
    return both.length > 1 ? AbortSignal.any(both) : both[0];
  }

  private async withRetry<T>(o: RequestOptions, fn: () => Promise<T>): Promise<T> {
    let refreshed = false;
    const what = `${o.method ?? 'GET'} ${o.path}`;
    return retry(fn, {
      what,
      clock: this.clock,
      signal: this.signalFor(o),
      deadline: this.deadline,
      maxAttempts: o.noRetry ? 1 : (o.attempts ?? this.opts.maxAttempts ?? 8),
      baseMs: this.opts.retryBaseMs ?? 250,
      maxDelayMs: 5_000,
      onRetry: ({ attempt, delayMs, error }) => this.log.debug(`${what}: attempt ${attempt} failed (${(error as Error).message}); retrying in ${Math.round(delayMs)} ms`),
      classify: (err) => {
        if (err instanceof ApiError) {
          if (err.status === 401 && !refreshed && this.connection.auth?.invalidate) {
            refreshed = true;
            this.connection.auth.invalidate();
            return { retry: true, afterMs: 0 };
          }
          return httpRetryable(err.status, err.retryAfter);
        }
        return isNetworkError(err) || (err as Error)?.name === 'RequestTimeout';
      },
    });
  }

  private async send(o: RequestOptions): Promise<http.IncomingMessage> {
    const url = new URL(o.path, this.base);
    // keep a path prefix from the server URL (e.g. a proxy at https://host/k8s)
    if (this.base.pathname !== '/' && !o.path.startsWith(this.base.pathname)) url.pathname = this.base.pathname.replace(/\/$/, '') + o.path;
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: o.accept ?? 'application/json', 'user-agent': this.opts.userAgent ?? 'dantaro-deploy' };
    const auth = this.connection.auth;
    if (auth) headers.authorization = `Bearer ${await auth.token()}`;
    else if (this.connection.basicAuth) headers.authorization = `Basic ${Buffer.from(`${this.connection.basicAuth.username}:${this.connection.basicAuth.password}`).toString('base64')}`;
    let payload: Buffer | undefined;
    if (o.body !== undefined) {
      payload = Buffer.from(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
      headers['content-type'] = o.contentType ?? 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const method = o.method ?? 'GET';
    const started = this.clock.now();
    const mod = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { method, headers, agent: this.agent, signal: this.signalFor(o) }, (res) => {
        clearTimeout(timer);
        this.opts.onRequest?.({ method, path: url.pathname + url.search, status: res.statusCode, ms: this.clock.now() - started });
        resolve(res);
      });
      const timer = setTimeout(() => req.destroy(Object.assign(new Error(`${method} ${url.pathname}: no response within ${this.opts.requestTimeoutMs ?? 30_000} ms`), { name: 'RequestTimeout' })), this.opts.requestTimeoutMs ?? 30_000);
      req.on('error', (e) => {
        clearTimeout(timer);
        this.opts.onRequest?.({ method, path: url.pathname + url.search, ms: this.clock.now() - started });
        reject(e);
      });
      req.end(payload);
    });
  }
}

function writeQuery(w: WriteOptions): Query {
  return { dryRun: w.dryRun ? 'All' : undefined, fieldManager: w.fieldManager, force: w.force ? true : undefined };
}

function header(res: http.IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(res: http.IncomingMessage, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => res.destroy(Object.assign(new Error('response body timed out'), { name: 'RequestTimeout' })), timeoutMs);
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    res.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    res.on('aborted', () => {
      clearTimeout(timer);
      reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    });
  });
}
