// Helpers of the deployment controller, after kubernetes/pkg/controller/deployment/util.
import { createHash } from 'node:crypto';
import type { KObject } from '../types';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const HASH_LABEL = 'pod-template-hash';
/** Deployment annotations never copied onto its ReplicaSets (and kept by rollback). */
export const SKIP_COPY = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, 'deprecated.deployment.rollback.to']);

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined && (v as Record<string, unknown>)[k] !== null)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** FNV-32a of the template (+ collisionCount), encoded like rand.SafeEncodeString. */
export function podTemplateHash(template: unknown, collisionCount?: number): string {
  let h = 0x811c9dc5;
  const data = Buffer.from(canonical(template) + (collisionCount ? String(collisionCount) : ''));
  for (const b of data) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h)].map((c) => SAFE[c.charCodeAt(0) % SAFE.length]).join('');
}

export function templateKey(t: unknown): string {
  return createHash('sha256').update(canonical(t)).digest('hex');
}

/** Template equality ignoring the pod-template-hash label (EqualIgnoreHash). */
export function equalIgnoreHash(a: any, b: any): boolean {
  const strip = (t: any) => {
    const c = structuredClone(t ?? {});
    if (c.metadata?.labels) {
      delete c.metadata.labels[HASH_LABEL];
      if (!Object.keys(c.metadata.labels).length) delete c.metadata.labels;
    }
    return canonical(c);
  };
  return strip(a) === strip(b);
}

function resolve(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export function isRolling(d: KObject): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** [maxSurge, maxUnavailable] as ResolveFenceposts computes them. */
export function fenceposts(d: KObject): [number, number] {
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const replicas = d.spec?.replicas ?? 1;
  const surge = resolve(ru.maxSurge ?? '25%', replicas, true);
  let unavailable = resolve(ru.maxUnavailable ?? '25%', replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function maxSurge(d: KObject): number {
  return isRolling(d) ? fenceposts(d)[0] : 0;
}

export function maxUnavailable(d: KObject): number {
  const replicas = d.spec?.replicas ?? 1;
  if (!isRolling(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d)[1], replicas);
}

export function revisionOf(o: KObject | undefined): number {
  const v = Number(o?.metadata.annotations?.[REVISION] ?? 0);
  return Number.isFinite(v) ? v : 0;
}

export const specReplicas = (rs: KObject | undefined): number => rs?.spec?.replicas ?? 0;
export const sumSpec = (rss: KObject[]): number => rss.reduce((n, r) => n + specReplicas(r), 0);
export const sumStatus = (rss: KObject[], f: string): number => rss.reduce((n, r) => n + (r.status?.[f] ?? 0), 0);

export function byCreation(a: KObject, b: KObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta === tb ? (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '') : ta < tb ? -1 : 1;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export function getCondition(status: any, type: string): Condition | undefined {
  return (status?.conditions ?? []).find((c: Condition) => c.type === type);
}

export function removeCondition(status: any, type: string): void {
  status.conditions = (status.conditions ?? []).filter((c: Condition) => c.type !== type);
}

/** SetDeploymentCondition: no-op when status and reason are unchanged. */
export function setCondition(status: any, c: Condition): void {
  const cur = getCondition(status, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  if (cur && cur.status === c.status) c.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((x: Condition) => x.type !== c.type), c];
}
