import { errorMessage } from '@dantaro/core';
import type { KubeClient } from '../client';
import { apiErrorOf } from '../errors';
import { streamLines } from '../lines';
import { PODS, rbacName, resourcePath } from '../resources';
import type { ContainerStatus, Pod } from '../types';
import { LogCursor } from './log-cursor';

/**
 * Live log of one container of one pod, every line exactly once: `follow` with `timestamps=true`,
 * reopened from `sinceTime` after a drop (LogCursor drops the replay), the previous instance read
 * whole when the container restarted in place (LogCursor drops what was already seen of it). Ends
 * when the container has stopped for good, the pod is gone, or `signal` aborts. A wrapper over the client's streams rather than logs.ts
 * `followLogs`, which reconnects with `sinceSeconds` (it can repeat or skip lines around a drop).
 */
export interface FollowOptions {
  client: KubeClient;
  namespace: string;
  pod: string;
  container: string;
  /** The newest state of the pod (from the caller's watch); undefined once it is gone. */
  current: () => Pod | undefined;
  onLine: (text: string) => void;
  signal: AbortSignal;
}

const status = (p: Pod | undefined, c: string): ContainerStatus | undefined => p?.status?.containerStatuses?.find((s) => s.name === c);

/** The container ran and will not run again in this pod. */
export function containerDone(p: Pod | undefined, c: string): boolean {
  if (!p || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') return true;
  const t = status(p, c)?.state?.terminated;
  if (!t) return false;
  return p.spec?.restartPolicy !== 'OnFailure' || t.exitCode === 0;
}

/** There is something to read: the container runs or has run. */
export function containerStarted(p: Pod | undefined, c: string): boolean {
  const s = status(p, c);
  return !!(s?.state?.running || s?.state?.terminated || s?.lastState?.terminated);
}

export async function followContainer(o: FollowOptions): Promise<void> {
  const { client, namespace, pod, container, signal } = o;
  const cursor = new LogCursor();
  const path = resourcePath(PODS, namespace, pod, 'log');
  let instance = status(o.current(), container)?.restartCount ?? 0;
  let failures = 0;
  const read = async (follow: boolean, previous = false) => {
    const res = await client.stream({
      path,
      // the previous instance is read whole (its lines are older than any sinceTime we know)
      query: { container, follow: follow || undefined, previous: previous || undefined, timestamps: true, sinceTime: previous ? undefined : cursor.sinceTime() },
      accept: '*/*',
      verb: 'get',
      resource: rbacName(PODS, 'log'),
      namespace,
      noRetry: true, // this loop reconnects itself, from where it left off
    });
    for await (const raw of streamLines(res, { signal })) {
      const text = cursor.accept(raw);
      if (text !== undefined) o.onLine(text);
    }
  };
  while (!signal.aborted) {
    const p = o.current();
    if (!p) return;
    const s = status(p, container);
    if (!containerStarted(p, container)) {
      await pause(client, 100, signal);
      continue;
    }
    let clean = false;
    try {
      if ((s?.restartCount ?? 0) > instance) {
        // restarted in place: finish the instance that ended (whatever a drop made us miss) first
        cursor.reconnect();
        await read(false, true).catch(() => {});
        instance = s?.restartCount ?? instance;
      }
      cursor.reconnect();
      await read(true);
      failures = 0;
      clean = true;
    } catch (e) {
      if (signal.aborted) return;
      const api = apiErrorOf(e);
      if (api?.status === 404) return; // pod deleted
      if (api?.status !== 400) failures++; // 400: the container is not ready to serve logs yet
      client.log.debug(`log stream of ${pod}/${container}: ${errorMessage(e)}; reconnecting`);
    }
    if (!clean) {
      await pause(client, Math.min(2_000, 100 * 2 ** failures), signal);
      continue;
    }
    // a clean end: this instance has stopped (the watch may not say so yet), or the server closed a
    // long stream. Wait — on the watch, without requests — for the pod to say which.
    const ended = client.clock.now();
    for (;;) {
      const q = o.current();
      const qs = status(q, container);
      if (containerDone(q, container)) {
        // one last pass picks up lines written between our last read and the end (deduplicated)
        cursor.reconnect();
        if (q) await read(false).catch(() => {});
        return;
      }
      if ((qs?.restartCount ?? 0) > instance) break; // a new instance: read the rest of the old one, follow the new
      if (qs?.state?.running && client.clock.now() - ended > 1_000) break; // still running: the server closed the stream
      if (signal.aborted) return;
      await pause(client, 25, signal);
    }
  }
}

function pause(client: KubeClient, ms: number, signal: AbortSignal): Promise<void> {
  return client.clock.sleep(ms, signal).catch(() => {});
}
