// API semantics over the store, shared by the REST layer and the controllers: naming, uid,
// defaulting, generation, optimistic concurrency, dry-run, graceful and cascading deletion.
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { SimClock } from './clock';
import { prepare } from './defaults';
import { applyPatch, PATCH_TYPES } from './patch';
import { type ResourceDef, apiVersionOf, findResource, RESOURCES } from './resources';
import { ApiError, errors } from './status';
import type { Store } from './store';
import type { KObject } from './types';

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
export function randSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[Math.floor(Math.random() * ALNUM.length)];
  return s;
}

export interface WriteOpts {
  dryRun?: boolean;
  subresource?: string;
  /** Direct store writes (cluster.apply): keep the status as given. */
  keepStatus?: boolean;
}

export interface DeleteOpts {
  dryRun?: boolean;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Admission hook: throw an ApiError to refuse a create (used for ResourceQuota). */
export type Admit = (def: ResourceDef, obj: KObject) => void;

const copy = <T>(v: T): T => structuredClone(v);
const strip = (o: KObject) => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });

export class Objects {
  readonly byUid = new Map<string, { def: ResourceDef; obj: KObject }>();
  admit: Admit[] = [];

  constructor(
    readonly store: Store,
    readonly clock: SimClock,
  ) {
    store.subscribe((e) => {
      if (e.type === 'DELETED') this.byUid.delete(e.obj.metadata.uid!);
      else this.byUid.set(e.obj.metadata.uid!, { def: e.def, obj: e.obj });
    });
  }

  def(kind: string): ResourceDef {
    const d = findResource(kind);
    if (!d) throw new Error(`unknown resource ${kind}`);
    return d;
  }

  get(def: ResourceDef, ns: string | undefined, name: string): KObject {
    const o = this.store.get(def, ns, name);
    if (!o) throw errors.notFound(def, name);
    return o;
  }

  private checkNamespace(def: ResourceDef, ns: string | undefined): void {
    if (!def.namespaced) return;
    const nsDef = RESOURCES.find((r) => r.plural === 'namespaces')!;
    const n = this.store.get(nsDef, undefined, ns ?? '');
    if (!n) throw errors.notFound(nsDef, ns ?? '');
  }

  create(def: ResourceDef, input: KObject, opts: WriteOpts = {}): KObject {
    const obj = copy(input);
    obj.metadata ??= {};
    const m = obj.metadata;
    if (!def.namespaced) delete m.namespace;
    else m.namespace ??= 'default';
    this.checkNamespace(def, m.namespace);
    for (const a of this.admit) a(def, obj);
    if (!m.name && m.generateName) {
      do m.name = m.generateName + randSuffix();
      while (this.store.get(def, m.namespace, m.name));
    }
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    m.uid = randomUUID();
    m.creationTimestamp = this.clock.iso();
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    if (def.hasSpec) m.generation = 1;
    else delete m.generation;
    if (!opts.keepStatus && def.subresources?.includes('status') && def.plural !== 'namespaces') delete obj.status;
    prepare(def, obj);
    if (this.store.get(def, m.namespace, m.name!)) throw errors.alreadyExists(def, m.name!);
    if (opts.dryRun) return obj;
    return copy(this.store.put(def, obj));
  }

  /** PUT semantics. `input.metadata.resourceVersion`, when set, must be current (else 409). */
  update(def: ResourceDef, ns: string | undefined, name: string, input: KObject, opts: WriteOpts = {}): KObject {
    const old = this.get(def, ns, name);
    if (input.metadata?.name && input.metadata.name !== name)
      throw errors.badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
    const rv = input.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw errors.conflict(def, name);
    let obj: KObject;
    if (opts.subresource === 'status') {
      obj = { ...copy(old), status: copy(input.status) };
    } else {
      obj = copy(input);
      obj.metadata ??= {};
      obj.metadata.name = name;
      if (def.namespaced) obj.metadata.namespace = old.metadata.namespace;
      for (const k of ['uid', 'creationTimestamp', 'generation', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) obj.metadata[k] = old.metadata[k] as never;
      if (!opts.keepStatus && def.subresources?.includes('status')) obj.status = copy(old.status);
      obj.apiVersion = apiVersionOf(def);
      obj.kind = def.kind;
      prepare(def, obj, old);
      if (def.hasSpec && JSON.stringify(obj.spec) !== JSON.stringify(old.spec)) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    // a no-op write keeps the resourceVersion and emits no event, as the API server does
    if (strip(obj) === strip(old) || opts.dryRun) return copy(obj);
    if (obj.metadata.deletionTimestamp && !(obj.metadata.finalizers ?? []).length && !(def.plural === 'pods' && obj.spec?.nodeName)) {
      this.store.remove(def, ns, name);
      return copy(obj);
    }
    return copy(this.store.put(def, obj));
  }

  patch(def: ResourceDef, ns: string | undefined, name: string, contentType: string, body: unknown, opts: WriteOpts = {}): KObject {
    const ct = contentType.split(';')[0].trim();
    let patchBody = body;
    if (ct === PATCH_TYPES.apply) {
      patchBody = typeof body === 'string' ? parseYaml(body) : body;
      if (!this.store.get(def, ns, name)) return this.create(def, { ...(patchBody as KObject), metadata: { ...(patchBody as KObject).metadata, namespace: ns, name } }, opts);
    } else if (typeof body === 'string') {
      try {
        patchBody = JSON.parse(body);
      } catch (e) {
        throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
      }
    }
    const old = this.get(def, ns, name);
    const patched = applyPatch(ct, copy(old), patchBody) as KObject;
    if (!patched || typeof patched !== 'object') throw new ApiError(422, 'Invalid', 'patch produced a non-object');
    const rv = patched.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw errors.conflict(def, name);
    patched.metadata = { ...patched.metadata, resourceVersion: undefined };
    return this.update(def, ns, name, patched, opts);
  }

  delete(def: ResourceDef, ns: string | undefined, name: string, opts: DeleteOpts = {}): { obj: KObject; gone: boolean } {
    const old = this.get(def, ns, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid)
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${def.plural} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${def.plural} "${name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    if (opts.dryRun) return { obj: copy(old), gone: true };
    const policy = opts.propagationPolicy ?? (def.plural === 'jobs' ? 'Orphan' : 'Background');
    if (policy === 'Orphan') this.orphanDependents(old.metadata.uid!);
    const obj = copy(old);
    const now = this.clock.now();
    if (def.plural === 'pods') {
      const terminal = ['Succeeded', 'Failed'].includes(old.status?.phase);
      const grace = opts.gracePeriodSeconds ?? old.spec?.terminationGracePeriodSeconds ?? 30;
      if (old.spec?.nodeName && !terminal && grace > 0) {
        if (old.metadata.deletionTimestamp) return { obj, gone: false };
        obj.metadata.deletionTimestamp = this.clock.iso(now + grace * 1000);
        obj.metadata.deletionGracePeriodSeconds = grace;
        return { obj: copy(this.store.put(def, obj)), gone: false };
      }
    }
    const finalizers = [...(old.metadata.finalizers ?? [])];
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (def.plural === 'namespaces') {
      obj.metadata.deletionTimestamp ??= this.clock.iso(now);
      obj.status = { phase: 'Terminating' };
      return { obj: copy(this.store.put(def, obj)), gone: false };
    }
    if (finalizers.length) {
      if (old.metadata.deletionTimestamp && finalizers.length === (old.metadata.finalizers ?? []).length) return { obj, gone: false };
      obj.metadata.deletionTimestamp ??= this.clock.iso(now);
      obj.metadata.finalizers = finalizers;
      return { obj: copy(this.store.put(def, obj)), gone: false };
    }
    return { obj: this.store.remove(def, ns, name)!, gone: true };
  }

  /** Remove ownerReferences pointing at `uid` (orphan propagation). */
  orphanDependents(uid: string): void {
    for (const d of this.dependents(uid)) {
      const o = copy(d.obj);
      o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      if (!o.metadata.ownerReferences.length) delete o.metadata.ownerReferences;
      this.store.put(d.def, o);
    }
  }

  dependents(uid: string): { def: ResourceDef; obj: KObject }[] {
    const out: { def: ResourceDef; obj: KObject }[] = [];
    for (const v of this.byUid.values()) if (v.obj.metadata.ownerReferences?.some((r) => r.uid === uid)) out.push(v);
    return out;
  }

  /** Controller write: replace `obj` (must be a modified copy) unless nothing changed. */
  save(def: ResourceDef, obj: KObject): KObject {
    const cur = this.store.get(def, obj.metadata.namespace, obj.metadata.name!);
    if (cur && def.hasSpec && JSON.stringify(cur.spec) !== JSON.stringify(obj.spec)) obj.metadata.generation = (cur.metadata.generation ?? 0) + 1;
    if (cur && strip(cur) === strip({ ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata.resourceVersion } })) return cur;
    return this.store.put(def, obj);
  }
}

export function ownerRef(def: ResourceDef, owner: KObject): { apiVersion: string; kind: string; name: string; uid: string; controller: true; blockOwnerDeletion: true } {
  return { apiVersion: apiVersionOf(def), kind: def.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function controllerUid(o: KObject): string | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller)?.uid;
}
