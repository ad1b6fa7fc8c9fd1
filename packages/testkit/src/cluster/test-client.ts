// A tiny HTTPS client for the simulator's own tests (trusts the cluster CA).
import { request } from 'node:https';
import type { Cluster } from './index';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export function call(c: Cluster, method: string, path: string, opts: { body?: unknown; contentType?: string; token?: string | null; headers?: Record<string, string> } = {}): Promise<Reply> {
  const data = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const u = new URL(path, c.url);
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method,
        ca: c.caPem,
        headers: {
          ...(opts.token === null ? {} : { Authorization: `Bearer ${opts.token ?? c.token}` }),
          ...(data !== undefined ? { 'Content-Type': opts.contentType ?? 'application/json', 'Content-Length': String(Buffer.byteLength(data)) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

export interface WatchHandle {
  events: any[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
  until(pred: (events: any[]) => boolean, timeoutMs?: number): Promise<void>;
}

export function watch(c: Cluster, path: string, token?: string): WatchHandle {
  const events: any[] = [];
  const u = new URL(path, c.url);
  let endResolve!: () => void;
  const ended = new Promise<void>((r) => (endResolve = r));
  const req = request(u, { method: 'GET', ca: c.caPem, headers: { Authorization: `Bearer ${token ?? c.token}` } }, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.trim()) events.push(JSON.parse(line));
      }
    });
    res.on('end', endResolve);
    res.on('close', endResolve);
  });
  req.on('error', () => endResolve());
  req.end();
  return {
    events,
    ended,
    close: () => req.destroy(),
    async until(pred, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(events)) {
        if (Date.now() > deadline) throw new Error(`watch ${path}: condition not met; got ${JSON.stringify(events.map((e) => [e.type, e.object?.metadata?.name]))}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

export const deployment = (name: string, opts: { replicas?: number; image?: string; ns?: string; annotations?: Record<string, string>; strategy?: any; extra?: any; podAnnotations?: Record<string, string> } = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: opts.ns ?? 'default', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
  spec: {
    replicas: opts.replicas ?? 3,
    selector: { matchLabels: { app: name } },
    ...(opts.strategy ? { strategy: opts.strategy } : {}),
    ...opts.extra,
    template: {
      metadata: { labels: { app: name }, ...(opts.podAnnotations ? { annotations: opts.podAnnotations } : {}) },
      spec: { containers: [{ name: 'app', image: opts.image ?? 'registry.local/app:v1' }] },
    },
  },
});
