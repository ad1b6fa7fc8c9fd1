// The HTTPS front: request log, faults, authentication, discovery, then the REST verbs.
// Every error leaves as a Status object with the matching HTTP code.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Auth, Identity } from './auth';
import type { Certs } from './certs';
import { discovery } from './discovery';
import type { Faults } from './faults';
import { openapiV3 } from './openapi';
import { handleRest, type RestDeps, send, verbOf } from './rest';
import { parseRoute } from './router';
import { ApiError, reasonFor, statusBody } from './status';

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** HTTP status (0 when the connection was reset by a fault). */
  status: number;
  user?: string;
  /** Why authentication failed (the client only sees 401). */
  authError?: string;
  watch: boolean;
  /** Wall-clock ms when the request arrived. */
  at: number;
}

const OPEN_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

export class ApiServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  /** The TCP sockets under the TLS ones, to send a real RST (TLS sockets cannot). */
  private readonly raw = new Map<string, Socket>();
  readonly liveWatches = new Set<ServerResponse>();
  url = '';

  constructor(
    private readonly certs: Certs,
    private readonly auth: Auth,
    private readonly faults: Faults,
    readonly requests: RequestRecord[],
    private readonly rest: Omit<RestDeps, 'liveWatches'>,
  ) {}

  async listen(port = 0): Promise<string> {
    const srv = createServer({ key: this.certs.keyPem, cert: this.certs.certPem }, (req, res) => void this.handle(req, res));
    srv.on('connection', (s: Socket) => {
      this.sockets.add(s);
      const key = `${s.remoteAddress}:${s.remotePort}`;
      this.raw.set(key, s);
      s.on('close', () => {
        this.sockets.delete(s);
        this.raw.delete(key);
      });
    });
    srv.on('secureConnection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    srv.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = srv;
    const addr = srv.address();
    this.url = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const w of this.liveWatches) w.destroy();
    this.liveWatches.clear();
    const srv = this.server;
    if (!srv) return;
    const closed = new Promise<void>((r) => srv.close(() => r()));
    srv.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  /** SelfSubjectAccessReview, answered from the caller's forbid list. */
  private review(res: ServerResponse, method: string, body: Buffer, who: Identity): void {
    if (method !== 'POST') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const r = parseJson(body);
    const a = r.spec?.resourceAttributes ?? {};
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const denied = this.auth.denies(who, a.verb, resource, a.namespace || undefined, a.name || undefined);
    const status = denied ? { allowed: false } : { allowed: true, reason: 'sandbox: allowed (no forbid rule matches)' };
    send(res, 201, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: r.spec ?? {}, status });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'https://sandbox');
    const path = u.pathname.replace(/\/+$/, '') || '/';
    const query = u.searchParams;
    const method = req.method ?? 'GET';
    const isWatch = method === 'GET' && (query.get('watch') === 'true' || query.get('watch') === '1');
    const rec: RequestRecord = { method, path, query: Object.fromEntries(query), contentType: req.headers['content-type'], status: 0, watch: isWatch, at: Date.now() };
    this.requests.push(rec);
    res.on('finish', () => (rec.status = res.statusCode));
    res.on('close', () => (rec.status ||= res.headersSent ? res.statusCode : 0));
    try {
      const body = await readBody(req);
      const fault = this.faults.match(method, path, isWatch);
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault?.reset) {
        const tcp = this.raw.get(`${req.socket.remoteAddress}:${req.socket.remotePort}`);
        if (tcp) tcp.resetAndDestroy();
        else req.socket.destroy();
        return;
      }
      if (fault?.status) {
        if (fault.retryAfter !== undefined) res.setHeader('Retry-After', String(fault.retryAfter));
        const msg = fault.message ?? (fault.status === 429 ? 'Too many requests, please try again later.' : `injected fault ${fault.status}`);
        return send(res, fault.status, statusBody(fault.status, reasonFor(fault.status), msg, fault.retryAfter !== undefined ? { retryAfterSeconds: fault.retryAfter } : {}));
      }
      if (OPEN_PATHS.has(path)) {
        if (path === '/version') return send(res, 200, discovery(path, ''));
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end('ok');
      }
      const who = this.auth.authenticate(req.headers.authorization);
      if ('error' in who) {
        rec.authError = who.error;
        return send(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
      }
      rec.user = who.user;
      const doc = discovery(path, req.socket.localAddress ? `${req.socket.localAddress}:${req.socket.localPort}` : '127.0.0.1');
      if (doc && method === 'GET') return send(res, 200, doc);
      const oa = path.startsWith('/openapi/v3') ? openapiV3(path) : undefined;
      if (oa && method === 'GET') return send(res, 200, oa);
      const route = parseRoute(path);
      if (!route) return send(res, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource', {}));
      this.auth.authorize(who, verbOf(method, route, query), route.def, route.sub, route.ns, route.name);
      if (route.def.review) return this.review(res, method, body, who);
      handleRest({ ...this.rest, liveWatches: this.liveWatches }, { req, res, route, query, body, fault });
      rec.status = res.statusCode;
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      if (e instanceof ApiError) {
        if (e.details?.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(e.details.retryAfterSeconds));
        return send(res, e.code, e.toStatus());
      }
      send(res, 500, statusBody(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`));
      console.error('[cluster] internal error', e);
    }
  }
}

function parseJson(body: Buffer): any {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'BadRequest', 'the object provided is unrecognized or malformed');
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  if (req.method === 'GET' || req.method === 'HEAD') return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 10 * 1024 * 1024) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
