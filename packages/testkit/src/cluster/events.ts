// core/v1 Events as the real components record them: deduplicated by object+reason+message
// (count and lastTimestamp grow), named <object>.<hex>.
import type { Objects } from './objects';
import { apiVersionOf, findResource, type ResourceDef } from './resources';
import type { KObject } from './types';

export interface EventSource {
  component: string;
  host?: string;
}

const EVENTS = findResource('events')!;

export class Recorder {
  private seq = 0;
  private readonly byKey = new Map<string, string>();

  constructor(private readonly objects: Objects) {}

  record(def: ResourceDef, obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void {
    const ns = obj.metadata.namespace ?? 'default';
    const key = [obj.metadata.uid, reason, message, fieldPath ?? '', source.component].join('\u0000');
    const now = this.objects.clock.iso();
    const existingName = this.byKey.get(key);
    const existing = existingName ? this.objects.store.get(EVENTS, ns, existingName) : undefined;
    if (existing) {
      this.objects.store.put(EVENTS, { ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: now });
      return;
    }
    const name = `${obj.metadata.name}.${(this.objects.clock.now() * 1000 + ++this.seq).toString(16).padStart(16, '0').slice(-16)}`;
    this.byKey.set(key, name);
    this.objects.store.put(EVENTS, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns, uid: crypto.randomUUID(), creationTimestamp: now },
      involvedObject: {
        kind: def.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        apiVersion: apiVersionOf(def),
        resourceVersion: obj.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    });
  }
}
