// The object store: one global, monotonic resourceVersion; a bounded history of change events
// so watches can resume from a resourceVersion (older than the history → 410 Expired).
import type { ResourceDef } from './resources';
import type { KObject } from './types';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  type: WatchType;
  def: ResourceDef;
  obj: KObject;
  /** The object before a MODIFIED (lets filtered watches turn it into ADDED/DELETED). */
  prev?: KObject;
  /** The object serialized once, shared by every watcher. */
  json: string;
}

const key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

export class Store {
  private rv = 1000;
  private readonly data = new Map<string, Map<string, KObject>>();
  private hist: StoreEvent[] = [];
  /** Highest resourceVersion whose event was dropped from the history. */
  private compactedRv = 0;
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  constructor(private readonly maxHistory = 10_000) {}

  currentRv(): number {
    return this.rv;
  }

  private bucket(def: ResourceDef): Map<string, KObject> {
    let b = this.data.get(def.plural);
    if (!b) this.data.set(def.plural, (b = new Map()));
    return b;
  }

  get(def: ResourceDef, ns: string | undefined, name: string): KObject | undefined {
    return this.bucket(def).get(key(def.namespaced ? ns : undefined, name));
  }

  /** Live objects (do not mutate: replace through put). */
  list(def: ResourceDef, ns?: string): KObject[] {
    const all = [...this.bucket(def).values()];
    return ns && def.namespaced ? all.filter((o) => o.metadata.namespace === ns) : all;
  }

  /** Insert or replace; stamps the next resourceVersion and emits ADDED/MODIFIED. */
  put(def: ResourceDef, obj: KObject): KObject {
    const k = key(def.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name!);
    const prev = this.bucket(def).get(k);
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    this.bucket(def).set(k, obj);
    this.emit({ rv, type: prev ? 'MODIFIED' : 'ADDED', def, obj, prev, json: JSON.stringify(obj) });
    return obj;
  }

  remove(def: ResourceDef, ns: string | undefined, name: string): KObject | undefined {
    const k = key(def.namespaced ? ns : undefined, name);
    const prev = this.bucket(def).get(k);
    if (!prev) return undefined;
    this.bucket(def).delete(k);
    const rv = ++this.rv;
    // a deleted object is reported with the resourceVersion of its deletion
    const obj = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(rv) } };
    this.emit({ rv, type: 'DELETED', def, obj, prev, json: JSON.stringify(obj) });
    return obj;
  }

  private emit(e: StoreEvent): void {
    this.hist.push(e);
    if (this.hist.length > this.maxHistory * 1.25) {
      const drop = this.hist.length - this.maxHistory;
      this.compactedRv = this.hist[drop - 1].rv;
      this.hist = this.hist.slice(drop);
    }
    for (const l of this.listeners) l(e);
  }

  /** Forget all history (every resume from an older resourceVersion now gets 410). */
  compact(): void {
    this.compactedRv = this.rv;
    this.hist = [];
  }

  /** Events after `rv`, or 'expired' when some of them are no longer retained. */
  since(rv: number): StoreEvent[] | 'expired' {
    if (rv < this.compactedRv) return 'expired';
    let lo = 0;
    let hi = this.hist.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.hist[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.hist.slice(lo);
  }

  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
