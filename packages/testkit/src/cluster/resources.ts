// The resource table: every type the simulator serves, as discovery advertises it.

export interface ResourceDef {
  group: string; // '' = core
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  subresources?: string[]; // 'status' | 'scale' | 'log'
  categories?: string[];
  /** metadata.generation is set and bumped when the spec changes. */
  hasSpec?: boolean;
  /** Create-only review objects answered on the spot, never stored. */
  review?: boolean;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCES: ResourceDef[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, shortNames: ['no'], subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], subresources: ['status', 'log'], categories: ['all'] },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'] },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', singular: 'service', namespaced: true, shortNames: ['svc'], subresources: ['status'], categories: ['all'] },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, shortNames: ['sa'] },
  { group: '', version: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', singular: 'resourcequota', namespaced: true, shortNames: ['quota'], subresources: ['status'] },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, shortNames: ['deploy'], subresources: ['status', 'scale'], categories: ['all'], hasSpec: true },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', namespaced: true, shortNames: ['rs'], subresources: ['status', 'scale'], categories: ['all'], hasSpec: true },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true, subresources: ['status'], categories: ['all'], hasSpec: true },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', singular: 'lease', namespaced: true },
  { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', namespaced: true, shortNames: ['hpa'], subresources: ['status'], categories: ['all'], hasSpec: true },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', namespaced: false, review: true },
];

export const GROUP_VERSIONS: { group: string; version: string }[] = [
  { group: 'apps', version: 'v1' },
  { group: 'batch', version: 'v1' },
  { group: 'coordination.k8s.io', version: 'v1' },
  { group: 'autoscaling', version: 'v2' },
  { group: 'authorization.k8s.io', version: 'v1' },
];

export function apiVersionOf(def: ResourceDef): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** `deployments.apps` / `pods`: how error messages name a resource. */
export function qualifiedName(def: ResourceDef): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

export function findByPath(group: string, version: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** Accepts 'deployments', 'deployment', 'Deployment', 'deploy', 'deployments.apps'. */
export function findResource(kindOrPlural: string): ResourceDef | undefined {
  const k = kindOrPlural.split('.')[0];
  const l = k.toLowerCase();
  return RESOURCES.find((r) => r.plural === l || r.singular === l || r.kind === k || r.shortNames?.includes(l));
}

export function findByKind(apiVersion: string | undefined, kind: string | undefined): ResourceDef | undefined {
  return RESOURCES.find((r) => r.kind === kind && (!apiVersion || apiVersionOf(r) === apiVersion));
}

export function verbsFor(def: ResourceDef): string[] {
  return def.review ? ['create'] : ALL_VERBS;
}
