// PATCH bodies: strategic merge (lists merged by their Kubernetes merge key), JSON merge (RFC 7386)
// and JSON patch (RFC 6902). Objects in and out are plain JSON; inputs are never mutated.
import { ApiError } from './status';

type J = any;

const isObj = (v: unknown): v is Record<string, J> => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

// patchMergeKey of the lists in the types the simulator serves (the Go struct tags).
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  conditions: 'type',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  containerStatuses: 'name',
  initContainerStatuses: 'name',
};
// lists of scalars with patchStrategy=merge (set semantics)
const MERGE_SETS = new Set(['finalizers']);

function mergeKeyFor(field: string, items: J[]): string | undefined {
  if (field === 'ports') return items.some((i) => isObj(i) && 'containerPort' in i) ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

export function strategicMerge(original: J, patch: J): J {
  if (!isObj(patch)) return clone(patch);
  return mergeMap(isObj(original) ? original : {}, patch) ?? {};
}

function mergeMap(orig: Record<string, J>, patch: Record<string, J>): Record<string, J> | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripDirectives(patch);
  const out: Record<string, J> = clone(orig);
  const orders: Record<string, J[]> = {};
  if (Array.isArray(patch.$retainKeys)) for (const k of Object.keys(out)) if (!patch.$retainKeys.includes(k)) delete out[k];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      orders[k.slice('$setElementOrder/'.length)] = v;
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[f])) out[f] = out[f].filter((x: J) => !(v as J[]).includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (isObj(v)) {
      const merged = mergeMap(isObj(out[k]) ? out[k] : {}, v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = mergeList(k, Array.isArray(out[k]) ? out[k] : [], v);
    } else {
      out[k] = v;
    }
  }
  for (const [f, order] of Object.entries(orders)) if (Array.isArray(out[f])) out[f] = applyOrder(f, out[f], order);
  return out;
}

function mergeList(field: string, orig: J[], patch: J[]): J[] {
  if (patch.some((p) => isObj(p) && p.$patch === 'replace')) return patch.filter((p) => !(isObj(p) && p.$patch === 'replace')).map(stripDirectives);
  if (MERGE_SETS.has(field)) return [...orig, ...patch.filter((p) => !orig.includes(p))];
  const mk = mergeKeyFor(field, [...orig, ...patch]);
  if (!mk || !patch.every(isObj)) return patch.map(stripDirectives);
  const out = clone(orig);
  for (const p of patch) {
    const idx = out.findIndex((o: J) => isObj(o) && o[mk] === p[mk]);
    if (p.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) {
      const merged = mergeMap(out[idx], p);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      out.push(stripDirectives(p));
    }
  }
  return out;
}

function applyOrder(field: string, list: J[], order: J[]): J[] {
  const mk = mergeKeyFor(field, list);
  const keyOf = (x: J) => (mk && isObj(x) ? x[mk] : x);
  const pos = new Map(order.map((o, i) => [keyOf(o), i]));
  return [...list].sort((a, b) => (pos.get(keyOf(a)) ?? Infinity) - (pos.get(keyOf(b)) ?? Infinity));
}

function stripDirectives(v: J): J {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObj(v)) return v;
  const out: Record<string, J> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

/** RFC 7386. */
export function jsonMerge(original: J, patch: J): J {
  if (!isObj(patch)) return clone(patch);
  const out: Record<string, J> = isObj(original) ? clone(original) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMerge(out[k], v);
  }
  return out;
}

const invalid = (msg: string) => new ApiError(422, 'Invalid', msg);

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw invalid(`jsonpatch: invalid path ${JSON.stringify(p)}`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolveParent(doc: J, parts: string[], op: string, path: string): { parent: J; last: string } {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    const next = Array.isArray(cur) ? cur[Number(p)] : isObj(cur) ? cur[p] : undefined;
    if (next === undefined) throw invalid(`jsonpatch ${op} operation does not apply: doc is missing path: "${path}": missing value`);
    cur = next;
  }
  return { parent: cur, last: parts[parts.length - 1] };
}

function getAt(doc: J, path: string, op: string): J {
  let cur = doc;
  for (const p of parsePointer(path)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObj(cur) ? cur[p] : undefined;
    if (cur === undefined) throw invalid(`jsonpatch ${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function removeAt(doc: J, path: string, op: string): J {
  const { parent, last } = resolveParent(doc, parsePointer(path), op, path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!(i >= 0 && i < parent.length)) throw invalid(`jsonpatch ${op} operation does not apply: doc is missing path: "${path}": missing value`);
    return parent.splice(i, 1)[0];
  }
  if (!isObj(parent) || !(last in parent)) throw invalid(`jsonpatch ${op} operation does not apply: doc is missing path: "${path}": missing value`);
  const v = parent[last];
  delete parent[last];
  return v;
}

function addAt(doc: J, path: string, value: J, op: string): J {
  const parts = parsePointer(path);
  if (!parts.length) return value;
  const { parent, last } = resolveParent(doc, parts, op, path);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!(i >= 0 && i <= parent.length)) throw invalid(`jsonpatch ${op} operation does not apply: index out of range: "${path}"`);
    parent.splice(i, 0, value);
  } else if (isObj(parent)) parent[last] = value;
  else throw invalid(`jsonpatch ${op} operation does not apply: doc is missing path: "${path}"`);
  return doc;
}

/** RFC 6902. */
export function jsonPatch(original: J, ops: J): J {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(original);
  for (const o of ops) {
    const op = o?.op;
    switch (op) {
      case 'add':
        doc = addAt(doc, o.path, clone(o.value), op);
        break;
      case 'remove':
        removeAt(doc, o.path, op);
        break;
      case 'replace':
        if (o.path === '') {
          doc = clone(o.value);
          break;
        }
        getAt(doc, o.path, op);
        removeAt(doc, o.path, op);
        doc = addAt(doc, o.path, clone(o.value), op);
        break;
      case 'move': {
        const v = removeAt(doc, o.from, op);
        doc = addAt(doc, o.path, v, op);
        break;
      }
      case 'copy':
        doc = addAt(doc, o.path, clone(getAt(doc, o.from, op)), op);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, o.path, op)) !== JSON.stringify(o.value)) throw invalid(`testing value ${o.path} failed: test failed`);
        break;
      default:
        throw invalid(`Unexpected kind: ${String(op)}`);
    }
  }
  return doc;
}

export const PATCH_TYPES = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export function applyPatch(contentType: string, original: J, patch: J): J {
  const ct = contentType.split(';')[0].trim();
  if (ct === PATCH_TYPES.strategic || ct === PATCH_TYPES.apply) return strategicMerge(original, patch);
  if (ct === PATCH_TYPES.merge) return jsonMerge(original, patch);
  if (ct === PATCH_TYPES.json) return jsonPatch(original, patch);
  throw new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
  );
}
