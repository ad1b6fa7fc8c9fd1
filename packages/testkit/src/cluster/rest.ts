// The REST verbs on a resource route: get, list (selectors, paging), watch, create, update,
// patch, delete, deletecollection, and the status / scale / log subresources.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { LogBuffer } from './controllers/logs';
import type { Fault } from './faults';
import type { DeleteOpts, Objects } from './objects';
import { applyPatch } from './patch';
import { serveLog } from './pod-log';
import { apiVersionOf } from './resources';
import type { Route } from './router';
import { fieldMatcher, labelMatcher, selectorToString } from './selectors';
import { ApiError, errors } from './status';
import type { Store } from './store';
import type { KObject } from './types';
import { serveWatch } from './watch';
import { decodeProtobufObject } from './protobuf';
import { toTable, wantsTable } from './table';

export interface LogProvider {
  /** The log of one container run; throws an ApiError (400) when it has none, as the kubelet does. */
  buffer(pod: KObject, container: string | undefined, previous: boolean): LogBuffer;
}

export interface RestDeps {
  objects: Objects;
  store: Store;
  logs: LogProvider;
  bookmarkIntervalMs: number;
  liveWatches: Set<ServerResponse>;
}

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  route: Route;
  query: URLSearchParams;
  body: Buffer;
  fault?: Fault;
}

/** The RBAC verb a request needs. */
export function verbOf(method: string, route: Route, query: URLSearchParams): string {
  const watch = query.get('watch');
  switch (method) {
    case 'GET':
      return route.name ? 'get' : watch === 'true' || watch === '1' ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return route.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

export function send(res: ServerResponse, code: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

function sendTable(res: ServerResponse, table: unknown): void {
  const data = JSON.stringify(table);
  res.writeHead(200, { 'Content-Type': 'application/json;as=Table;v=v1;g=meta.k8s.io', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

function decodeBody(call: Call): KObject {
  const ct = (call.req.headers['content-type'] ?? 'application/json').split(';')[0].trim();
  const text = call.body.toString('utf8');
  try {
    if (ct === 'application/json' || ct === '') return JSON.parse(text);
    if (ct === 'application/yaml') return parseYaml(text);
    if (ct === 'application/vnd.kubernetes.protobuf') {
      const obj = decodeProtobufObject(call.body);
      if (obj) return obj as KObject;
    }
  } catch (e) {
    throw errors.badRequest(`the object provided is unrecognized or malformed: ${(e as Error).message}`);
  }
  throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
}

const isDryRun = (q: URLSearchParams) => q.getAll('dryRun').includes('All');

/** The list of a collection: sorted by namespace/name, paged with limit/continue. */
function list(deps: RestDeps, call: Call): Record<string, unknown> {
  const { def, ns } = call.route;
  const labels = labelMatcher(call.query.get('labelSelector') ?? undefined);
  const fields = fieldMatcher(call.query.get('fieldSelector') ?? undefined);
  const rv = deps.store.currentRv();
  let items = deps.store
    .list(def, ns)
    .filter((o) => labels(o.metadata.labels) && fields(o))
    .sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
  const meta: Record<string, unknown> = { resourceVersion: String(rv) };
  const cont = call.query.get('continue');
  if (cont) {
    let start = '';
    try {
      start = JSON.parse(Buffer.from(cont, 'base64').toString('utf8')).start;
    } catch {
      throw errors.badRequest('continue key is not valid');
    }
    items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > start);
  }
  const limit = Number(call.query.get('limit') ?? 0);
  if (limit > 0 && items.length > limit) {
    const last = items[limit - 1];
    meta.continue = Buffer.from(JSON.stringify({ start: `${last.metadata.namespace ?? ''}/${last.metadata.name}`, rv })).toString('base64');
    meta.remainingItemCount = items.length - limit;
    items = items.slice(0, limit);
  }
  // items of a typed list carry no kind/apiVersion on the wire
  const bare = items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
  return { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: meta, items: bare };
}

function scaleOf(obj: KObject): Record<string, unknown> {
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: selectorToString(obj.spec?.selector) },
  };
}

function deleteOpts(call: Call): DeleteOpts {
  let body: Record<string, any> = {};
  if (call.body.length) {
    try {
      body = JSON.parse(call.body.toString('utf8'));
    } catch {
      throw errors.badRequest('DeleteOptions is not valid JSON');
    }
  }
  const q = call.query;
  const policy = q.get('propagationPolicy') ?? body.propagationPolicy ?? (body.orphanDependents === true ? 'Orphan' : undefined);
  const grace = q.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  return {
    dryRun: isDryRun(q) || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
    propagationPolicy: policy,
    gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
    preconditions: body.preconditions,
  };
}

function successStatus(obj: KObject, def: Route['def']): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: obj.metadata.name, group: def.group, kind: def.plural, uid: obj.metadata.uid } };
}

export function handleRest(deps: RestDeps, call: Call): void {
  const { req, res, route, query } = call;
  const { def, ns, name, sub } = route;
  const o = deps.objects;
  const method = req.method ?? 'GET';
  const dryRun = isDryRun(query);

  if (!name) {
    if (method === 'GET') {
      const w = query.get('watch');
      if (w === 'true' || w === '1') {
        const timeout = query.get('timeoutSeconds');
        return serveWatch(
          deps.store,
          req,
          res,
          {
            def,
            ns,
            labels: labelMatcher(query.get('labelSelector') ?? undefined),
            fields: fieldMatcher(query.get('fieldSelector') ?? undefined),
            resourceVersion: query.get('resourceVersion') ?? undefined,
            allowBookmarks: query.get('allowWatchBookmarks') === 'true',
            timeoutSeconds: timeout ? Number(timeout) : undefined,
            bookmarkIntervalMs: deps.bookmarkIntervalMs,
            fault: call.fault,
          },
          deps.liveWatches,
        );
      }
      const l = list(deps, call);
      if (wantsTable(req.headers.accept)) {
        const items = (l.items as KObject[]).map((i) => ({ ...i, apiVersion: apiVersionOf(def), kind: def.kind }));
        return sendTable(res, toTable(def, items, o.clock.now(), l.metadata as Record<string, unknown>, query.get('includeObject') ?? undefined));
      }
      return send(res, 200, l);
    }
    if (method === 'POST') {
      const body = decodeBody(call);
      if (body.kind && body.kind !== def.kind) throw errors.badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(def)})`);
      if (ns && body.metadata?.namespace && body.metadata.namespace !== ns)
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      const created = o.create(def, { ...body, metadata: { ...body.metadata, namespace: ns } }, { dryRun });
      return send(res, 201, created);
    }
    if (method === 'DELETE') {
      const labels = labelMatcher(query.get('labelSelector') ?? undefined);
      const fields = fieldMatcher(query.get('fieldSelector') ?? undefined);
      const opts = deleteOpts(call);
      const gone = deps.store
        .list(def, ns)
        .filter((x) => labels(x.metadata.labels) && fields(x))
        .map((x) => o.delete(def, x.metadata.namespace, x.metadata.name!, opts).obj);
      return send(res, 200, { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(deps.store.currentRv()) }, items: gone });
    }
    throw errors.methodNotAllowed();
  }

  if (sub === 'log') {
    if (method !== 'GET') throw errors.methodNotAllowed();
    return serveLog(deps.logs, o.get(def, ns, name), req, res, query, o.clock);
  }
  if (sub === 'scale') {
    const cur = o.get(def, ns, name);
    if (method === 'GET') return send(res, 200, scaleOf(cur));
    let scale: KObject;
    if (method === 'PUT') scale = decodeBody(call);
    // a PATCH applies to the Scale view; its replicas are then written through
    else if (method === 'PATCH') scale = patchView(req.headers['content-type'] ?? '', scaleOf(cur), call.body.toString('utf8'));
    else throw errors.methodNotAllowed();
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== cur.metadata.resourceVersion) throw errors.conflict(def, name);
    const next = { ...structuredClone(cur), spec: { ...cur.spec, replicas: scale.spec?.replicas ?? 0 } };
    const saved = o.update(def, ns, name, next, { dryRun });
    return send(res, 200, scaleOf(saved));
  }

  switch (method) {
    case 'GET': {
      const obj = o.get(def, ns, name);
      if (!sub && wantsTable(req.headers.accept)) return sendTable(res, toTable(def, [obj], o.clock.now(), { resourceVersion: obj.metadata.resourceVersion }, query.get('includeObject') ?? undefined));
      return send(res, 200, obj);
    }
    case 'PUT':
      return send(res, 200, o.update(def, ns, name, decodeBody(call), { dryRun, subresource: sub }));
    case 'PATCH':
      return send(res, 200, o.patch(def, ns, name, req.headers['content-type'] ?? '', call.body.toString('utf8'), { dryRun, subresource: sub }));
    case 'DELETE': {
      if (sub) throw errors.methodNotAllowed();
      const { obj, gone } = o.delete(def, ns, name, deleteOpts(call));
      if (gone && def.plural !== 'pods') return send(res, 200, successStatus(obj, def));
      return send(res, gone ? 200 : 202, obj);
    }
    default:
      throw errors.methodNotAllowed();
  }
}

function patchView(ct: string, target: unknown, text: string): KObject {
  let body: unknown;
  try {
    body = ct.startsWith('application/apply-patch') ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  return applyPatch(ct, target, body) as KObject;
}
