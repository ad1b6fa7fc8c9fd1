import type { KubeClient } from '../client';
import { readLogs } from '../logs';
import { EVENTS } from '../resources';
import type { ContainerStatus, KubeEvent, Pod } from '../types';
import type { PodDiagnosis } from './types';

/**
 * What a person needs to see about a failing pod: phase, each container's state/reason/restarts, the
 * last log lines (of the previous instance when it crashed) and the recent Warning events. Every
 * part is best effort: a missing log must not hide the rest.
 */
export async function diagnosePod(client: KubeClient, namespace: string, deployment: string, pod: Pod, tailLines = 50): Promise<PodDiagnosis> {
  const name = pod.metadata?.name ?? '';
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const containers = statuses.map((cs) => describeContainer(cs));
  // the container worth reading: the first that is not ready, crashed ones from their previous run
  const bad = statuses.find((cs) => !cs.ready) ?? statuses[0];
  let logs = '';
  let logsFrom: string | undefined;
  if (bad) {
    const previous = (bad.restartCount ?? 0) > 0 && !!bad.lastState?.terminated;
    logsFrom = `${bad.name}${previous ? ' (previous instance)' : ''}`;
    logs = await readLogs(client, namespace, name, { container: bad.name, previous, tailLines, attempts: 3 }).catch((e) => `(no logs: ${(e as Error).message.split('\n')[0]})`);
    if (!logs.trim()) logs = '(empty log)';
  }
  const events = await client
    .list<KubeEvent>(EVENTS, namespace, { fieldSelector: `involvedObject.name=${name}` })
    .then((l) => l.items.filter((e) => e.involvedObject?.name === name && e.type === 'Warning'))
    .then((items) => items.slice(-10).map((e) => `${e.reason ?? ''}: ${e.message ?? ''}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`))
    .catch((e) => [`(no events: ${(e as Error).message.split('\n')[0]})`]);
  return { deployment, pod: name, phase: pod.status?.phase ?? 'Unknown', containers, logs: lastLines(logs, tailLines), logsFrom, events };
}

function describeContainer(cs: ContainerStatus): PodDiagnosis['containers'][number] {
  const s = cs.state ?? {};
  const state = s.waiting ? 'waiting' : s.running ? 'running' : s.terminated ? 'terminated' : 'unknown';
  const reason = s.waiting?.reason ?? s.terminated?.reason;
  const message = s.waiting?.message ?? s.terminated?.message;
  const lt = cs.lastState?.terminated;
  return {
    name: cs.name,
    state,
    reason,
    message,
    restarts: cs.restartCount ?? 0,
    lastTermination: lt ? `${lt.reason ?? 'Terminated'} (exit code ${lt.exitCode ?? '?'})` : undefined,
  };
}

function lastLines(text: string, n: number): string {
  const lines = text.replace(/\n$/, '').split('\n');
  return lines.slice(-n).join('\n');
}

/** One block of plain text per pod, for the log and the error annotation. */
export function formatDiagnosis(d: PodDiagnosis): string {
  const out = [`pod ${d.pod} (deployment ${d.deployment}): phase ${d.phase}`];
  for (const c of d.containers) {
    out.push(`  container ${c.name}: ${c.state}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}; restarts ${c.restarts}${c.lastTermination ? `; last termination ${c.lastTermination}` : ''}`);
  }
  if (d.events.length) out.push('  recent warning events:', ...d.events.map((e) => `    ${e}`));
  if (d.logsFrom) out.push(`  last log lines of ${d.logsFrom}:`, ...d.logs.split('\n').map((l) => `    ${l}`));
  return out.join('\n');
}
