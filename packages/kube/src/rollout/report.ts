import { codeBlock, details, heading, table, timeline } from '@dantaro/core';
import { formatDiagnosis } from './diagnose';
import type { DeploymentReport, RolloutResult } from './types';

/**
 * The job summary: verdict line, one row per Deployment (from → to, verdict, seconds), a Mermaid
 * timeline, then for failures each failing pod's states, events and last log lines.
 */
const ICON: Record<string, string> = { success: '✅', 'rolled-back': '↩️', failed: '❌', 'rollback-failed': '🔥' };

export function rolloutSummary(r: RolloutResult, o: { namespace: string; changeCause?: string }): string {
  const parts: string[] = [];
  const title = r.dryRun ? 'eks-rollout: dry run' : `eks-rollout: ${ICON[r.result] ?? ''} ${r.result}`;
  parts.push(heading(title.trim()));
  const lines = [`Namespace \`${o.namespace}\`, ${r.deployments.length} deployment(s), ${r.seconds.toFixed(1)} s.`];
  if (r.failureReason) lines.push(`**Failure:** ${r.failureReason}: ${escapeInline(r.failureMessage ?? '')}`);
  if (o.changeCause) lines.push(`Change cause: ${escapeInline(o.changeCause)}`);
  parts.push(lines.join('<br>\n') + '\n');
  parts.push(
    table(
      ['deployment', 'from → to', 'verdict', 'seconds', 'revision'],
      r.deployments.map((d) => [d.name, fromTo(d), verdictText(d), d.seconds ? d.seconds.toFixed(1) : '', revisions(d)]),
    ),
  );
  if (r.timeline.length > 1) parts.push(timeline('rollout', r.timeline.map((t) => ({ ...t, name: t.name }))));
  for (const d of r.diagnostics) parts.push(details(`${d.pod} (${d.deployment}): ${d.containers.map((c) => c.reason ?? c.state).join(', ')}`, codeBlock(formatDiagnosis(d))));
  if (r.warnings.length) parts.push(details(`${r.warnings.length} warning(s)`, r.warnings.map((w) => `- ${escapeInline(w)}`).join('\n')));
  return parts.join('\n');
}

function fromTo(d: DeploymentReport): string {
  return d.changes.map((c) => (c.from === c.to ? `${c.container}: ${short(c.to)} (unchanged)` : `${c.container}: ${short(c.from)} → ${short(c.to)}`)).join('\n');
}

function verdictText(d: DeploymentReport): string {
  const v = d.reason ? `${d.verdict} (${d.reason})` : d.verdict;
  return d.rollback ? `${v}, ${d.rollback}` : v;
}

function revisions(d: DeploymentReport): string {
  const parts = [d.previousRevision ? `${d.previousRevision}` : '?', d.revision ? `${d.revision}` : '?'];
  const s = `${parts[0]} → ${parts[1]}`;
  return d.rollbackRevision ? `${s} → ${d.rollbackRevision}` : s;
}

/** Keep the image readable: the repository's last path part plus tag/digest prefix. */
function short(image: string): string {
  const m = /^(.*?)(@sha256:[0-9a-f]{12})[0-9a-f]*$/.exec(image);
  return m ? `${m[1]}${m[2]}…` : image;
}

function escapeInline(s: string): string {
  return s.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}
