// Discovery documents. Legacy (APIVersions / APIGroupList / APIResourceList) is what we answer:
// kubectl 1.32 asks for aggregated discovery first and falls back when given plain JSON.
import { GROUP_VERSIONS, RESOURCES, type ResourceDef, verbsFor } from './resources';

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function resourceEntries(defs: ResourceDef[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const d of defs) {
    out.push({
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: verbsFor(d),
      ...(d.shortNames ? { shortNames: d.shortNames } : {}),
      ...(d.categories ? { categories: d.categories } : {}),
    });
    for (const sub of d.subresources ?? []) {
      if (sub === 'status') out.push({ name: `${d.plural}/status`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: ['get', 'patch', 'update'] });
      if (sub === 'scale') out.push({ name: `${d.plural}/scale`, singularName: '', namespaced: d.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
      if (sub === 'log') out.push({ name: `${d.plural}/log`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: ['get'] });
    }
  }
  return out;
}

function group(name: string): Record<string, unknown> {
  const versions = GROUP_VERSIONS.filter((g) => g.group === name).map((g) => ({ groupVersion: `${g.group}/${g.version}`, version: g.version }));
  return { name, versions, preferredVersion: versions[0] };
}

/** The discovery document for a path, or undefined when the path is not a discovery path. */
export function discovery(path: string, serverAddress: string): Record<string, unknown> | undefined {
  if (path === '/version') return VERSION_INFO;
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  if (path === '/apis') {
    const names = [...new Set(GROUP_VERSIONS.map((g) => g.group))];
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: names.map(group) };
  }
  if (path === '/api/v1') return { kind: 'APIResourceList', groupVersion: 'v1', resources: resourceEntries(RESOURCES.filter((r) => r.group === '')) };
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!m) return undefined;
  const [, g, v] = m;
  if (!v) return GROUP_VERSIONS.some((x) => x.group === g) ? { kind: 'APIGroup', apiVersion: 'v1', ...group(g) } : undefined;
  if (!GROUP_VERSIONS.some((x) => x.group === g && x.version === v)) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${g}/${v}`, resources: resourceEntries(RESOURCES.filter((r) => r.group === g && r.version === v)) };
}
