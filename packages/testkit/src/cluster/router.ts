// URL → resource route: /api/v1/... and /apis/<group>/<version>/..., namespaced or not.
import { findByPath, type ResourceDef } from './resources';

export interface Route {
  def: ResourceDef;
  ns?: string;
  name?: string;
  sub?: string;
}

export function parseRoute(path: string): Route | undefined {
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) [group, version, rest] = ['', segs[1], segs.slice(2)];
  else if (segs[0] === 'apis' && segs.length >= 4) [group, version, rest] = [segs[1], segs[2], segs.slice(3)];
  else return undefined;
  let ns: string | undefined;
  // namespaces/<ns>/<resource>/... except the namespace object itself (namespaces/<ns>[/status|finalize])
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    ns = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, sub, extra] = rest;
  if (extra !== undefined) return undefined;
  const def = findByPath(group, version, plural);
  if (!def) return undefined;
  if (ns && !def.namespaced) return undefined;
  if (sub && !(def.subresources ?? []).includes(sub)) return undefined;
  return { def, ns, name, sub };
}
