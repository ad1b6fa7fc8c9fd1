import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A transparent HTTP proxy in front of a sandbox service that can fail the next N matching requests
 * (a status, or a dropped connection) — "registry 503 then success" — and lets a caller answer some
 * requests itself (the fake ECR uses that to enforce immutable tags the way ECR's registry does).
 */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ProxyReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface FaultMatch {
  method?: string;
  path?: RegExp;
  /** Sent as Retry-After with the failure. */
  retryAfter?: string;
}

export interface FaultProxy {
  url: string;
  host: string;
  /** Fail the next `n` requests that match with `status` (or drop the connection with 'reset'). */
  failNext(n: number, status: number | 'reset', match?: FaultMatch): void;
  /** Every request seen, with the status we answered (or the upstream's). */
  requests: Array<{ method: string; path: string; status: number; injected: boolean }>;
  stop(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Answer a request here instead of forwarding it (return undefined to forward). */
  intercept?: (req: ProxiedRequest) => Promise<ProxyReply | undefined> | ProxyReply | undefined;
  /** Called after the upstream answered a forwarded request. */
  observe?: (req: ProxiedRequest, status: number) => void;
}

export async function startFaultProxy(targetUrl: string, opts: FaultProxyOptions = {}): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const faults: Array<{ left: number; status: number | 'reset'; match: FaultMatch }> = [];
  const requests: FaultProxy['requests'] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const pr: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
      const fault = faults.find((f) => f.left > 0 && (!f.match.method || f.match.method === pr.method) && (!f.match.path || f.match.path.test(pr.path)));
      if (fault) {
        fault.left--;
        if (fault.status === 'reset') {
          requests.push({ method: pr.method, path: pr.path, status: 0, injected: true });
          req.socket.destroy();
          return;
        }
        requests.push({ method: pr.method, path: pr.path, status: fault.status, injected: true });
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.match.retryAfter) headers['retry-after'] = fault.match.retryAfter;
        res.writeHead(fault.status, headers).end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected fault' }] }));
        return;
      }
      try {
        const reply = await opts.intercept?.(pr);
        if (reply) {
          requests.push({ method: pr.method, path: pr.path, status: reply.status, injected: false });
          res.writeHead(reply.status, reply.headers).end(reply.body);
          return;
        }
      } catch (e) {
        res.writeHead(500).end(String(e));
        return;
      }
      const up = httpRequest(
        { host: target.hostname, port: target.port, method: pr.method, path: pr.path, headers: pr.headers },
        (upRes) => {
          const status = upRes.statusCode ?? 502;
          requests.push({ method: pr.method, path: pr.path, status, injected: false });
          res.writeHead(status, upRes.headers);
          upRes.pipe(res);
          upRes.on('end', () => opts.observe?.(pr, status));
        },
      );
      up.on('error', (e) => {
        if (!res.headersSent) res.writeHead(502).end(String(e));
      });
      up.end(pr.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    failNext(n, status, match = {}) {
      faults.push({ left: n, status, match });
    },
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
