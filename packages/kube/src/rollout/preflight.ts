import { UserError } from '@dantaro/core';
import type { KubeClient } from '../client';
import { ApiError } from '../errors';
import { containerNames, imagePatch, planImageChanges } from '../images';
import { DEPLOYMENTS, EVENTS, PODS, REPLICASETS, SELF_SUBJECT_ACCESS_REVIEWS } from '../resources';
import { revisionOf } from '../rollout-status';
import { CHANGE_CAUSE_ANNOTATION, type Deployment } from '../types';
import type { RolloutOptions, Target } from './types';

/**
 * Everything checked before the first write: the Deployments exist (by name, or at least one matches
 * the selector), none is paused, every named container exists, each target gets an image, and the
 * identity may do what the rollout needs. Problems are collected and reported together; any problem
 * means nothing is patched.
 */
export async function resolveTargets(client: KubeClient, o: RolloutOptions): Promise<{ targets: Target[]; skipped: string[] }> {
  const ns = o.namespace;
  let found: Array<{ name: string; d?: Deployment }>;
  if (o.selector) {
    const list = await client.listAll<Deployment>(DEPLOYMENTS, ns, { labelSelector: o.selector });
    if (list.items.length === 0) throw new UserError(`no Deployment in namespace "${ns}" matches selector "${o.selector}" (input "selector")`);
    found = list.items.map((d) => ({ name: d.metadata?.name ?? '', d }));
  } else {
    found = await Promise.all((o.deployments ?? []).map(async (name) => ({ name, d: await client.tryGet<Deployment>(DEPLOYMENTS, ns, name) })));
  }
  const problems: string[] = [];
  const targets: Target[] = [];
  const skipped: string[] = [];
  for (const { name, d } of found) {
    if (!d) {
      problems.push(`deployment "${name}" not found in namespace "${ns}"`);
      continue;
    }
    if (d.spec?.paused) problems.push(`deployment "${name}" is paused: resume it first (kubectl rollout resume deployment/${name} -n ${ns}) or leave it out`);
    const changes = planImageChanges(d, o.images);
    if (changes.length === 0) {
      if (o.selector) {
        skipped.push(name);
        continue;
      }
      problems.push(`deployment "${name}" has no container the "images" input applies to (its containers: ${describeContainers(d)})`);
    }
    targets.push({ name, deployment: d, changes, previousRevision: revisionOf(d) });
  }
  for (const spec of o.images) {
    if (!spec.container) continue;
    const present = found.some(({ d }) => d && containerNames(d).includes(spec.container!));
    if (!present) {
      const where = found.filter((f) => f.d).map(({ name, d }) => `${name}: ${describeContainers(d!)}`);
      problems.push(`container "${spec.container}" (input "images") is in none of the deployments${where.length ? ` (${where.join('; ')})` : ''}`);
    }
  }
  if (o.selector && targets.length === 0 && problems.length === 0) problems.push(`none of the deployments matching "${o.selector}" has a container the "images" input applies to`);
  if (problems.length) throw new UserError(`pre-flight failed, nothing was changed:\n- ${problems.join('\n- ')}`);
  return { targets, skipped };
}

function describeContainers(d: Deployment): string {
  return containerNames(d).join(', ') || '(none)';
}

/**
 * Permissions and validity without changing anything: a server-side dry-run of each patch (proves
 * `patch deployments` and admission), a list of each kind the watch needs, and — where the API
 * offers it — a SelfSubjectAccessReview for `watch`. A 403 throws the UserError naming verb and
 * resource. Returns the dry-run results (what each Deployment would become).
 */
export async function checkAccess(client: KubeClient, o: RolloutOptions, targets: Target[]): Promise<Deployment[]> {
  const ns = o.namespace;
  const dry = Promise.all(
    targets.map((t) => client.patch<Deployment>(DEPLOYMENTS, ns, t.name, imagePatch(t.changes, { [CHANGE_CAUSE_ANNOTATION]: o.changeCause }), 'strategic', { dryRun: true, fieldManager: o.fieldManager })),
  );
  const lists = Promise.all([PODS, REPLICASETS].map((r) => client.list(r, ns, { limit: 1 })));
  const watches = Promise.all([DEPLOYMENTS, PODS, REPLICASETS].map((r) => canI(client, 'watch', r.plural, r.group, ns)));
  const events = client.list(EVENTS, ns, { limit: 1 }).then(
    () => undefined,
    (e) => o.log.warning(`cannot list events in "${ns}" (${(e as Error).message.split('\n')[0]}): failure reports will lack events`),
  );
  const [patched, , can] = await Promise.all([dry, lists, watches, events]);
  const denied = [DEPLOYMENTS, PODS, REPLICASETS].filter((_, i) => can[i] === false);
  if (denied.length) {
    throw new UserError(`forbidden: cannot watch ${denied.map((r) => (r.group ? `${r.plural}.${r.group}` : r.plural)).join(', ')} in namespace "${ns}"`, {
      hint: 'grant "watch" (with get/list) on these resources: on EKS an access entry with e.g. AmazonEKSEditPolicy scoped to the namespace, or an RBAC Role/RoleBinding',
    });
  }
  return patched;
}

/** SelfSubjectAccessReview; undefined when the API is not there or the review itself fails. */
async function canI(client: KubeClient, verb: string, resource: string, group: string, namespace: string): Promise<boolean | undefined> {
  try {
    const r = await client.create<{ status?: { allowed?: boolean } }>(SELF_SUBJECT_ACCESS_REVIEWS, undefined, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb, resource, group, namespace } },
    } as never);
    return r.status?.allowed;
  } catch (e) {
    if (e instanceof ApiError || (e as Error).name === 'UserError') return undefined;
    throw e;
  }
}
