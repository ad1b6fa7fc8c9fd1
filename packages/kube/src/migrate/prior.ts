import type { KubeClient } from '../client';
import { JOBS } from '../resources';
import type { Job } from '../types';
import { ANN_EXIT, ANN_RESULT, LABEL_KEY, LABEL_KIND, LABEL_TARGET } from './job-spec';
import { attemptOf, dnsLabel } from './naming';

/**
 * What the cluster already knows about this migration (same target, image digest and command):
 * a Job that applied it, one still running (adopted rather than duplicated), failed attempts.
 */
export interface PriorJobs {
  applied?: Job;
  active?: Job;
  failed: Array<{ name: string; exitCode?: string; reason?: string; finished?: string }>;
  /** Highest attempt number in use (0 when none). */
  maxAttempt: number;
}

const cond = (j: Job, ...types: string[]) => j.status?.conditions?.find((c) => types.includes(c.type) && c.status === 'True');

export function classifyJobs(jobs: Job[], base: string): PriorJobs {
  const out: PriorJobs = { failed: [], maxAttempt: 0 };
  const sorted = [...jobs].sort((a, b) => (attemptOf(a.metadata?.name ?? '', base) ?? 0) - (attemptOf(b.metadata?.name ?? '', base) ?? 0));
  for (const j of sorted) {
    const name = j.metadata?.name ?? '';
    out.maxAttempt = Math.max(out.maxAttempt, attemptOf(name, base) ?? 0);
    const result = j.metadata?.annotations?.[ANN_RESULT];
    if (result === 'applied' || cond(j, 'Complete', 'SuccessCriteriaMet')) {
      out.applied ??= j;
      continue;
    }
    const failed = cond(j, 'Failed', 'FailureTarget');
    if (failed || result === 'failed' || result === 'timed-out') {
      out.failed.push({ name, exitCode: j.metadata?.annotations?.[ANN_EXIT], reason: failed?.reason ?? result, finished: failed?.lastTransitionTime });
      continue;
    }
    if (!j.metadata?.deletionTimestamp) out.active = j;
  }
  return out;
}

export async function findPriorJobs(client: KubeClient, namespace: string, target: string, key: string, base: string): Promise<PriorJobs> {
  const list = await client.list<Job>(JOBS, namespace, { labelSelector: `${LABEL_KEY}=${key},${LABEL_TARGET}=${dnsLabel(target) || 'app'},${LABEL_KIND}=migrate` });
  return classifyJobs(list.items, base);
}
