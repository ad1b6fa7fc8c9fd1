// ResourceQuota admission for pod counts (`pods` / `count/pods`): enough to script the
// ReplicaSet FailedCreate → Deployment ReplicaFailure path with the real message.
import type { Admit, Objects } from './objects';
import { findResource } from './resources';
import { ApiError } from './status';

const QUOTAS = findResource('resourcequotas')!;
const PODS = findResource('pods')!;

export function podQuota(objects: Objects): Admit {
  return (def, obj) => {
    if (def !== PODS) return;
    const ns = obj.metadata.namespace;
    for (const q of objects.store.list(QUOTAS, ns)) {
      const hard = q.spec?.hard?.pods ?? q.spec?.hard?.['count/pods'];
      if (hard === undefined) continue;
      const key = q.spec.hard.pods !== undefined ? 'pods' : 'count/pods';
      const used = objects.store.list(PODS, ns).filter((p) => !['Succeeded', 'Failed'].includes(p.status?.phase)).length;
      if (used + 1 > Number(hard)) {
        const name = obj.metadata.name ?? obj.metadata.generateName ?? '';
        throw new ApiError(403, 'Forbidden', `pods "${name}" is forbidden: exceeded quota: ${q.metadata.name}, requested: ${key}=1, used: ${key}=${used}, limited: ${key}=${hard}`, { name, kind: 'pods' });
      }
    }
  };
}
