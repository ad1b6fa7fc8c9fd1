import type { KubeClient } from './client';
import { streamLines } from './lines';
import { PODS, rbacName, resourcePath } from './resources';

export interface LogOptions {
  container?: string;
  /** The previous (crashed) container instance. */
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
  /** Attempts for opening the stream (default: the client's). */
  attempts?: number;
}

function logQuery(o: LogOptions & { follow?: boolean }) {
  return { container: o.container, previous: o.previous, tailLines: o.tailLines, sinceSeconds: o.sinceSeconds, timestamps: o.timestamps, follow: o.follow };
}

/** A pod's log as text (`kubectl logs [--previous] [--tail]`). */
export async function readLogs(client: KubeClient, namespace: string, pod: string, o: LogOptions = {}): Promise<string> {
  const res = await client.stream({ path: resourcePath(PODS, namespace, pod, 'log'), query: logQuery(o), accept: '*/*', verb: 'get', resource: rbacName(PODS, 'log'), namespace, attempts: o.attempts });
  const out: string[] = [];
  for await (const line of streamLines(res, { signal: client.signal })) out.push(line);
  return out.join('\n');
}

/**
 * Follow a pod's log line by line (`kubectl logs -f`) until the container ends or `signal` aborts.
 * Reconnects after a drop with `sinceSeconds` so little is lost or repeated.
 */
export async function* followLogs(client: KubeClient, namespace: string, pod: string, o: LogOptions & { signal?: AbortSignal; silenceMs?: number } = {}): AsyncGenerator<string> {
  let since = o.sinceSeconds;
  let tail = o.tailLines;
  for (let attempt = 0; !o.signal?.aborted; attempt++) {
    const started = client.clock.now();
    const res = await client.stream({ path: resourcePath(PODS, namespace, pod, 'log'), query: logQuery({ ...o, sinceSeconds: since, tailLines: tail, follow: true }), accept: '*/*', verb: 'get', resource: rbacName(PODS, 'log'), namespace, signal: o.signal });
    try {
      for await (const line of streamLines(res, { signal: o.signal, silenceMs: o.silenceMs })) yield line;
      return; // server ended the stream: the container has finished
    } catch (e) {
      if (o.signal?.aborted || attempt >= 5) throw e;
      since = Math.max(1, Math.ceil((client.clock.now() - started) / 1000));
      tail = undefined;
      client.log.debug(`log stream for ${pod} dropped (${(e as Error).message}); reconnecting`);
    }
  }
}
