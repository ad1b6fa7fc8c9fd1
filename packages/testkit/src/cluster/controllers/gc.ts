// Garbage collection: dependents of deleted owners (background), foreground deletion (the owner
// waits for its dependents), and namespace termination. Driven by store events, so quiet stores
// cost nothing.
import type { Objects } from '../objects';
import { findResource, RESOURCES } from '../resources';
import type { Store } from '../store';
import type { KObject } from '../types';

const NAMESPACES = findResource('namespaces')!;

export class GarbageCollector {
  readonly name = 'gc';
  private readonly goneOwners = new Set<string>();
  private readonly foreground = new Set<string>();
  private readonly dangling = new Set<string>();

  constructor(
    private readonly objects: Objects,
    store: Store,
  ) {
    store.subscribe((e) => {
      const m = e.obj.metadata;
      if (e.type === 'DELETED') this.goneOwners.add(m.uid!);
      else if (m.deletionTimestamp && (m.finalizers?.includes('foregroundDeletion') || e.def === NAMESPACES)) this.foreground.add(m.uid!);
      else if (e.type === 'ADDED' && m.ownerReferences?.length) this.dangling.add(m.uid!);
    });
  }

  reconcile(): void {
    for (const uid of [...this.dangling]) {
      this.dangling.delete(uid);
      const d = this.objects.byUid.get(uid);
      if (d && this.ownersGone(d.obj)) this.deleteQuietly(d.def, d.obj);
    }
    for (const uid of [...this.goneOwners]) {
      this.goneOwners.delete(uid);
      for (const d of this.objects.dependents(uid)) if (this.ownersGone(d.obj)) this.deleteQuietly(d.def, d.obj);
    }
    for (const uid of [...this.foreground]) {
      const o = this.objects.byUid.get(uid);
      if (!o) {
        this.foreground.delete(uid);
        continue;
      }
      const left = o.def === NAMESPACES ? this.namespaceContents(o.obj.metadata.name!) : this.objects.dependents(uid);
      // dependents of a foreground deletion are themselves deleted in the foreground
      for (const d of left) if (!d.obj.metadata.deletionTimestamp) this.deleteQuietly(d.def, d.obj, 'Foreground');
      if (left.length) continue;
      this.foreground.delete(uid);
      const obj = structuredClone(o.obj);
      obj.metadata.finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== 'foregroundDeletion' && f !== 'kubernetes');
      if (obj.metadata.finalizers.length) this.objects.store.put(o.def, obj);
      else this.objects.store.remove(o.def, obj.metadata.namespace, obj.metadata.name!);
    }
  }

  private ownersGone(o: KObject): boolean {
    const refs = o.metadata.ownerReferences ?? [];
    return refs.length > 0 && refs.every((r) => !this.objects.byUid.has(r.uid));
  }

  private namespaceContents(ns: string): { def: (typeof RESOURCES)[number]; obj: KObject }[] {
    const out: { def: (typeof RESOURCES)[number]; obj: KObject }[] = [];
    for (const def of RESOURCES) if (def.namespaced) for (const obj of this.objects.store.list(def, ns)) out.push({ def, obj });
    return out;
  }

  private deleteQuietly(def: (typeof RESOURCES)[number], o: KObject, propagationPolicy: 'Background' | 'Foreground' = 'Background'): void {
    try {
      this.objects.delete(def, o.metadata.namespace, o.metadata.name!, { propagationPolicy });
    } catch {}
  }
}
