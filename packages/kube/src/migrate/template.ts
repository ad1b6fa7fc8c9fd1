import { basename } from 'node:path';
import { UserError } from '@dantaro/core';
import { parseAllDocuments } from 'yaml';
import type { Container, Deployment, PodSpec, PodTemplateSpec } from '../types';

/**
 * Where the migration pod comes from: the running app's Deployment (so the migration sees exactly the
 * app's env, secrets, service account and volumes), or a pod-template YAML file (full control, e.g. a
 * DB proxy sidecar). Both end as a PodTemplateSpec plus the name of the container that migrates.
 */
export interface MigrationTemplate {
  /** Names the Job and the lock: the Deployment, or the template's app label / name / file name. */
  target: string;
  template: PodTemplateSpec;
  container: string;
  source: 'deployment' | 'pod-template';
}

// Pod fields the migration needs to reach the database the way the app does; nothing about serving.
const POD_FIELDS = ['serviceAccountName', 'automountServiceAccountToken', 'imagePullSecrets', 'securityContext', 'nodeSelector', 'tolerations', 'hostAliases', 'dnsPolicy', 'dnsConfig', 'runtimeClassName', 'priorityClassName'];
// workingDir too: tools such as alembic find their config (alembic.ini) relative to it
const CONTAINER_FIELDS = ['env', 'envFrom', 'volumeMounts', 'resources', 'securityContext', 'workingDir'];
// annotations that would restart or mean something only for the Deployment's own pods
const DROPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/restartedAt', 'deployment.kubernetes.io/revision']);

function pickContainer(containers: Container[], wanted: string | undefined, where: string): Container {
  if (containers.length === 0) throw new UserError(`${where} has no containers`);
  if (!wanted) return containers[0];
  const c = containers.find((x) => x.name === wanted);
  if (!c) throw new UserError(`input "container": ${where} has no container "${wanted}"; it has: ${containers.map((x) => x.name).join(', ')}`);
  return c;
}

/** The app's pod template cut down to one migration container with the app's env and access. */
export function templateFromDeployment(d: Deployment, container?: string): MigrationTemplate {
  const name = d.metadata?.name ?? 'app';
  const spec = d.spec?.template?.spec;
  const where = `deployment "${name}"`;
  if (!spec) throw new UserError(`${where} has no pod template`);
  const src = pickContainer(spec.containers ?? [], container, where);
  const c: Container = { name: src.name };
  for (const f of CONTAINER_FIELDS) if (src[f] !== undefined) c[f] = structuredClone(src[f]);
  const podSpec: PodSpec = { containers: [c] };
  for (const f of POD_FIELDS) if (spec[f] !== undefined) podSpec[f] = structuredClone(spec[f]);
  // node affinity (e.g. arm64-only nodes) matters for the image; pod (anti-)affinity refers to app labels the Job does not carry
  const nodeAffinity = (spec.affinity as { nodeAffinity?: unknown } | undefined)?.nodeAffinity;
  if (nodeAffinity) podSpec.affinity = { nodeAffinity: structuredClone(nodeAffinity) };
  // only the volumes the migration container mounts: an unused RWO claim could keep the pod unschedulable
  const mounted = new Set(((src.volumeMounts as Array<{ name: string }> | undefined) ?? []).map((m) => m.name));
  const volumes = ((spec.volumes as Array<{ name: string }> | undefined) ?? []).filter((v) => mounted.has(v.name));
  if (volumes.length) podSpec.volumes = structuredClone(volumes);
  const annotations = Object.fromEntries(Object.entries(d.spec?.template?.metadata?.annotations ?? {}).filter(([k]) => !DROPPED_ANNOTATIONS.has(k)));
  return { target: name, template: { metadata: Object.keys(annotations).length ? { annotations } : {}, spec: podSpec }, container: src.name, source: 'deployment' };
}

/**
 * A pod template from YAML: a PodTemplateSpec, a bare PodSpec, a Pod, a PodTemplate, or any workload
 * with `spec.template` (Deployment, Job, StatefulSet …; CronJob's jobTemplate). Exactly one document.
 */
export function templateFromYaml(text: string, file: string, container?: string): MigrationTemplate {
  const where = `input "pod-template" (${file})`;
  const form = 'a YAML file with one pod template: a Pod, a PodTemplate, a workload with spec.template, or {metadata, spec: {containers: [...]}}';
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  if (docs.length !== 1) throw new UserError(`${where}: found ${docs.length} YAML documents; expected ${form}`);
  if (docs[0].errors.length) throw new UserError(`${where}: not valid YAML: ${docs[0].errors[0].message.split('\n')[0]}`);
  const obj = docs[0].toJS() as Record<string, unknown>;
  const tpl = extractTemplate(obj);
  if (!tpl?.spec || !Array.isArray(tpl.spec.containers)) throw new UserError(`${where}: no pod template found; expected ${form}`);
  const template = structuredClone(tpl);
  const c = pickContainer(template.spec!.containers, container, where);
  const labels = template.metadata?.labels ?? {};
  const meta = (obj.metadata ?? {}) as { name?: string; labels?: Record<string, string> };
  const target = labels['app.kubernetes.io/name'] ?? labels.app ?? meta.labels?.['app.kubernetes.io/name'] ?? meta.labels?.app ?? meta.name ?? template.metadata?.name ?? basename(file).replace(/\.ya?ml$/, '');
  return { target, template, container: c.name, source: 'pod-template' };
}

function extractTemplate(obj: Record<string, unknown>): PodTemplateSpec | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  const spec = obj.spec as Record<string, unknown> | undefined;
  if (obj.kind === 'PodTemplate') return obj.template as PodTemplateSpec;
  if (obj.kind === 'CronJob') return ((spec?.jobTemplate as { spec?: { template?: PodTemplateSpec } })?.spec?.template);
  if (spec?.template && typeof spec.template === 'object') return spec.template as PodTemplateSpec;
  if (Array.isArray(spec?.containers)) return { metadata: obj.metadata as PodTemplateSpec['metadata'], spec: spec as unknown as PodSpec };
  if (Array.isArray(obj.containers)) return { spec: obj as unknown as PodSpec };
  return undefined;
}

/** Env names whose literal values are credentials by convention. */
const SENSITIVE = /pass|secret|token|key|credential|auth|dsn|database_url|_url$|^url$|conn/i;

/**
 * Literal env values in the template the action could learn and print (never values behind
 * secretKeyRef, which it does not read): credentials by name, and any URL carrying a password.
 */
export function sensitiveLiterals(template: PodTemplateSpec): string[] {
  const out: string[] = [];
  const spec = template.spec;
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const e of (c.env as Array<{ name: string; value?: string }> | undefined) ?? []) {
      if (typeof e.value !== 'string' || e.value === '') continue;
      if (SENSITIVE.test(e.name)) out.push(e.value);
      const m = /:\/\/[^/@\s:]*:([^@\s/]+)@/.exec(e.value);
      if (m) out.push(decodeURIComponentSafe(m[1]), m[1]);
    }
  }
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
