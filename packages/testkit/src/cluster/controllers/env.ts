// Container environment as the kubelet builds it: envFrom, env with valueFrom (secretKeyRef,
// configMapKeyRef, fieldRef) and $(VAR) expansion. A missing reference is the
// CreateContainerConfigError message the kubelet reports.
import type { Objects } from '../objects';
import { findResource } from '../resources';
import type { KObject } from '../types';

const SECRETS = findResource('secrets')!;
const CONFIGMAPS = findResource('configmaps')!;

export type EnvResult = { env: Record<string, string> } | { error: string };

function source(objects: Objects, kind: 'Secret' | 'ConfigMap', ns: string, name: string): Record<string, string> | undefined {
  const o = objects.store.get(kind === 'Secret' ? SECRETS : CONFIGMAPS, ns, name);
  if (!o) return undefined;
  const out: Record<string, string> = {};
  if (kind === 'Secret') for (const [k, v] of Object.entries((o.data ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64').toString('utf8');
  else {
    Object.assign(out, o.data ?? {});
    for (const [k, v] of Object.entries((o.binaryData ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64').toString('utf8');
  }
  return out;
}

/** $(VAR) expansion; $$(VAR) escapes; unknown references stay as written. */
export function expand(s: string, vars: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name) => (m === '$$' ? '$' : name in vars ? vars[name] : m));
}

function fieldValue(pod: KObject, path: string): string {
  const lm = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (lm) return (pod.metadata[lm[1]] as Record<string, string> | undefined)?.[lm[2]] ?? '';
  const map: Record<string, unknown> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': pod.status?.podIP,
    'status.hostIP': pod.status?.hostIP,
  };
  return String(map[path] ?? '');
}

export function resolveEnv(objects: Objects, pod: KObject, container: any): EnvResult {
  const ns = pod.metadata.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const ef of container.envFrom ?? []) {
    const ref = ef.secretRef ?? ef.configMapRef;
    const kind = ef.secretRef ? 'Secret' : 'ConfigMap';
    const data = source(objects, kind, ns, ref.name);
    if (!data) {
      if (ref.optional) continue;
      return { error: `${kind === 'Secret' ? 'secret' : 'configmap'} "${ref.name}" not found` };
    }
    for (const [k, v] of Object.entries(data)) env[(ef.prefix ?? '') + k] = v;
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom) {
      const vf = e.valueFrom;
      const ref = vf.secretKeyRef ?? vf.configMapKeyRef;
      if (ref) {
        const kind = vf.secretKeyRef ? 'Secret' : 'ConfigMap';
        const data = source(objects, kind, ns, ref.name);
        if (!data) {
          if (ref.optional) continue;
          return { error: `${kind === 'Secret' ? 'secret' : 'configmap'} "${ref.name}" not found` };
        }
        if (!(ref.key in data)) {
          if (ref.optional) continue;
          return { error: `couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}` };
        }
        env[e.name] = data[ref.key];
      } else if (vf.fieldRef) env[e.name] = fieldValue(pod, vf.fieldRef.fieldPath);
      else env[e.name] = '';
    } else env[e.name] = expand(String(e.value ?? ''), env);
  }
  return { env };
}
