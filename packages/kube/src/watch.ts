import type { KubeClient, ListOptions } from './client';
import { ApiError, GoneError } from './errors';
import { SilenceError, streamLines } from './lines';
import { resourcePath, rbacName, type Resource } from './resources';
import type { KubeObject } from './types';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  /** Ask the server to close the watch after this long (it is re-opened). Default 300 s. */
  timeoutSeconds?: number;
  /** Our own deadline for silence: no event or bookmark for this long → reconnect. Default 30 s. */
  silenceMs?: number;
  signal?: AbortSignal;
}

/**
 * One watch connection as an async iterator of events. Bookmarks are yielded (they carry the newest
 * resourceVersion). A 410 (as HTTP status or as an ERROR event) throws GoneError; silence throws
 * SilenceError; a drop throws the network error; a clean server close just ends the iteration.
 */
export async function* watchOnce<T extends KubeObject>(client: KubeClient, res: Resource, namespace: string | undefined, opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
  let stream;
  try {
    stream = await client.stream({
      path: resourcePath(res, namespace),
      query: {
        watch: 1,
        allowWatchBookmarks: true,
        resourceVersion: opts.resourceVersion,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        timeoutSeconds: opts.timeoutSeconds ?? 300,
      },
      verb: 'watch',
      resource: rbacName(res),
      namespace,
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof ApiError && e.status === 410) throw new GoneError(e.message);
    throw e;
  }
  for await (const line of streamLines(stream, { silenceMs: opts.silenceMs ?? 30_000, signal: opts.signal })) {
    if (!line.trim()) continue;
    const ev = JSON.parse(line) as WatchEvent<T>;
    if (ev.type === 'ERROR') {
      const status = ev.object as unknown as { code?: number; reason?: string; message?: string };
      if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') throw new GoneError(status.message);
      throw new ApiError(status.code ?? 500, status.reason ?? 'InternalError', status.message ?? 'watch error');
    }
    yield ev;
  }
}

export type ListWatchEvent<T> = { type: 'SYNC'; items: T[]; resourceVersion: string } | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T };

export interface ListWatchStats {
  lists: number;
  watches: number;
  gone: number;
  drops: number;
  silences: number;
}

/**
 * List, then watch from the list's resourceVersion, for as long as the caller iterates: re-list on
 * 410, re-watch from the last seen resourceVersion after a drop, a silence or a server close. Yields a
 * SYNC with the full list after every (re)list, then the individual changes. Stops on `signal`.
 * Non-retryable API errors (403, 404 …) are thrown.
 */
export async function* listWatch<T extends KubeObject>(
  client: KubeClient,
  res: Resource,
  namespace: string | undefined,
  opts: WatchOptions & { stats?: ListWatchStats } = {},
): AsyncGenerator<ListWatchEvent<T>> {
  const stats = opts.stats ?? { lists: 0, watches: 0, gone: 0, drops: 0, silences: 0 };
  let rv: string | undefined;
  let failures = 0;
  // Adaptive silence: once the server's bookmark cadence is known, a few missed bookmarks mean a dead
  // watch (never shorter than 3 s, never longer than the configured limit).
  const maxSilence = opts.silenceMs ?? 30_000;
  let silenceMs = maxSilence;
  let lastBookmark: number | undefined;
  while (!opts.signal?.aborted) {
    if (rv === undefined) {
      const list = await client.list<T>(res, namespace, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector } satisfies ListOptions);
      stats.lists++;
      rv = list.metadata?.resourceVersion ?? '';
      yield { type: 'SYNC', items: list.items, resourceVersion: rv };
    }
    try {
      stats.watches++;
      lastBookmark = undefined;
      for await (const ev of watchOnce<T>(client, res, namespace, { ...opts, silenceMs, resourceVersion: rv || undefined })) {
        failures = 0;
        const next = ev.object?.metadata?.resourceVersion;
        if (next) rv = next;
        if (ev.type === 'BOOKMARK') {
          const now = client.clock.now();
          if (lastBookmark !== undefined) silenceMs = Math.min(maxSilence, Math.max(3_000, 4 * (now - lastBookmark)));
          lastBookmark = now;
          continue;
        }
        yield ev as ListWatchEvent<T>;
      }
    } catch (e) {
      if (opts.signal?.aborted) return;
      if (e instanceof GoneError) {
        stats.gone++;
        client.log.debug(`watch ${res.plural}: ${e.message}; re-listing`);
        rv = undefined;
        continue;
      }
      if (e instanceof SilenceError) stats.silences++;
      else if ((e instanceof ApiError && e.status < 500 && e.status !== 429) || (e as Error).name === 'UserError') throw e;
      else stats.drops++;
      failures++;
      client.log.debug(`watch ${res.plural}: ${(e as Error).message}; reconnecting`);
      // a quick first reconnect, then back off so a flapping server is not hammered
      if (failures > 1) await client.clock.sleep(Math.min(5_000, 100 * 2 ** failures), opts.signal).catch(() => {});
    }
  }
}
