// Watch streams: newline-delimited JSON events over a chunked response. Resumes from a
// resourceVersion out of the store's history (410 Expired as an ERROR event when too old),
// BOOKMARKs on request, timeoutSeconds, and the watch faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from './faults';
import { apiVersionOf, type ResourceDef } from './resources';
import type { FieldMatcher, Matcher } from './selectors';
import { statusBody } from './status';
import type { Store, StoreEvent, WatchType } from './store';
import type { KObject } from './types';

export interface WatchRequest {
  def: ResourceDef;
  ns?: string;
  labels: Matcher;
  fields: FieldMatcher;
  resourceVersion?: string;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  bookmarkIntervalMs: number;
  fault?: Fault;
}

/** `live` tracks the open watches so the server can end them all on stop. */
export function serveWatch(store: Store, req: IncomingMessage, res: ServerResponse, w: WatchRequest, live: Set<ServerResponse>): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  live.add(res);
  const fault = w.fault;
  let sent = 0;
  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = () => {};
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearInterval(t); // clears timeouts too
    live.delete(res);
    res.end();
  };
  req.on('close', close);
  res.on('close', close);

  if (fault?.watchGone) {
    res.write(JSON.stringify({ type: 'ERROR', object: statusBody(410, 'Expired', `too old resource version: ${w.resourceVersion ?? 0} (${store.currentRv()})`) }) + '\n');
    return close();
  }
  if (w.timeoutSeconds !== undefined) timers.push(setTimeout(close, w.timeoutSeconds * 1000));
  if (fault?.watchSilent) return; // open, but never says anything again

  const inScope = (o: KObject) => !w.def.namespaced || !w.ns || o.metadata.namespace === w.ns;
  const matches = (o: KObject | undefined) => !!o && inScope(o) && w.labels(o.metadata.labels) && w.fields(o);
  const write = (type: WatchType | 'BOOKMARK', json: string) => {
    if (closed) return;
    res.write(`{"type":"${type}","object":${json}}\n`);
    if (type !== 'BOOKMARK' && fault?.watchDropAfter !== undefined && ++sent >= fault.watchDropAfter) close();
  };
  const deliver = (e: StoreEvent) => {
    if (e.def !== w.def) return;
    const now = matches(e.obj);
    if (e.type === 'MODIFIED') {
      const before = matches(e.prev);
      if (now && before) write('MODIFIED', e.json);
      else if (now) write('ADDED', e.json);
      else if (before) write('DELETED', e.json);
    } else if (now) write(e.type, e.json);
  };

  const rv = w.resourceVersion;
  if (!rv || rv === '0') {
    // no resourceVersion: the current state as ADDED events, then changes
    const items = store.list(w.def, w.ns).filter(matches);
    items.sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
    for (const o of items) write('ADDED', JSON.stringify(o));
  } else {
    const from = Number(rv);
    const backlog = Number.isFinite(from) ? store.since(from) : 'expired';
    if (backlog === 'expired') {
      res.write(JSON.stringify({ type: 'ERROR', object: statusBody(410, 'Expired', `too old resource version: ${rv} (${store.currentRv()})`) }) + '\n');
      return close();
    }
    for (const e of backlog) deliver(e);
  }
  if (closed) return;
  unsubscribe = store.subscribe(deliver);
  if (w.allowBookmarks) {
    const t = setInterval(() => write('BOOKMARK', bookmark(w.def, store.currentRv())), w.bookmarkIntervalMs);
    timers.push(t);
  }
}

function bookmark(def: ResourceDef, rv: number): string {
  return JSON.stringify({ kind: def.kind, apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(rv)} });
}
