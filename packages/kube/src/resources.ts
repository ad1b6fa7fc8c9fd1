/**
 * Where each kind lives on the REST API. A Resource is all the client needs to build a path, so new
 * kinds are one line here rather than new methods on the client.
 */
export interface Resource {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const r = (group: string, version: string, plural: string, kind: string, namespaced = true): Resource => ({ group, version, plural, kind, namespaced });

export const DEPLOYMENTS = r('apps', 'v1', 'deployments', 'Deployment');
export const REPLICASETS = r('apps', 'v1', 'replicasets', 'ReplicaSet');
export const PODS = r('', 'v1', 'pods', 'Pod');
export const EVENTS = r('', 'v1', 'events', 'Event');
export const SERVICES = r('', 'v1', 'services', 'Service');
export const CONFIGMAPS = r('', 'v1', 'configmaps', 'ConfigMap');
export const SECRETS = r('', 'v1', 'secrets', 'Secret');
export const NAMESPACES = r('', 'v1', 'namespaces', 'Namespace', false);
export const JOBS = r('batch', 'v1', 'jobs', 'Job');
export const LEASES = r('coordination.k8s.io', 'v1', 'leases', 'Lease');
export const SELF_SUBJECT_ACCESS_REVIEWS = r('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false);

/** `/apis/apps/v1/namespaces/ns/deployments[/name][/sub]` (or `/api/v1/...` for the core group). */
export function resourcePath(res: Resource, namespace?: string, name?: string, subresource?: string): string {
  let p = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
  if (res.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${res.plural}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

/** How a resource is named in RBAC rules and in messages: `deployments.apps`, `pods`. */
export function rbacName(res: Resource, subresource?: string): string {
  return `${res.plural}${subresource ? '/' + subresource : ''}${res.group ? '.' + res.group : ''}`;
}
