// A minimal OpenAPI v3 surface: kubectl (default --validate=strict) asks it whether the server
// supports the `fieldValidation` query parameter for a kind; answering yes makes kubectl leave
// validation to the server instead of downloading full schemas. No schemas are served.
import { createHash } from 'node:crypto';
import { GROUP_VERSIONS, RESOURCES } from './resources';

const gvPaths = ['api/v1', ...GROUP_VERSIONS.map((g) => `apis/${g.group}/${g.version}`)];
const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32).toUpperCase();

export function openapiV3(path: string): Record<string, unknown> | undefined {
  if (path === '/openapi/v3') return { paths: Object.fromEntries(gvPaths.map((p) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=${hash(p)}` }])) };
  const gv = path.replace(/^\/openapi\/v3\//, '');
  if (gv === path || !gvPaths.includes(gv)) return undefined;
  const [group, version] = gv === 'api/v1' ? ['', 'v1'] : gv.slice(5).split('/');
  const param = { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } };
  const paths: Record<string, unknown> = {};
  for (const d of RESOURCES.filter((r) => r.group === group && r.version === version)) {
    const gvk = { group, version, kind: d.kind };
    const op = (verb: string) => ({ operationId: `${verb}${d.kind}`, parameters: [param], 'x-kubernetes-action': verb, 'x-kubernetes-group-version-kind': gvk, responses: { '200': { description: 'OK' } } });
    const base = `/${gv}${d.namespaced ? '/namespaces/{namespace}' : ''}/${d.plural}`;
    paths[base] = { post: op('post') };
    paths[`${base}/{name}`] = { put: op('put'), patch: op('patch') };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes (sandbox)', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}
