import { details, escapeCell, heading, list, table } from '@dantaro/core';
import type { Assessed, Evaluation, FailReason, Policy } from './policy';
import { SEVERITIES } from './severity';
import type { Waiver } from './waiver';

/** Rows of failing findings shown in the job summary (the summary is capped at 1 MiB by GitHub). */
export const SUMMARY_MAX_ROWS = 50;

const WHY: Record<FailReason, string> = { severity: 'fail-on', limit: 'over limit', cvss: 'CVSS ≥ max-cvss', secret: 'secret' };

export interface SummaryInput {
  artifact: string;
  evaluation: Evaluation;
  policy: Policy;
  reportOnly: boolean;
  sarifPath?: string;
}

/** The job summary: verdict, counts by severity, failing findings with links, waiver warnings. */
export function renderSummary({ artifact, evaluation: ev, policy, reportOnly, sarifPath }: SummaryInput): string {
  const out: string[] = [];
  const verdict = ev.result === 'pass' ? '✅ pass' : reportOnly ? '⚠️ fail (report-only: the step passes)' : '❌ fail';
  out.push(heading(`Trivy gate: ${verdict}`));
  out.push(`Artifact \`${escapeCell(artifact || 'report')}\` · ${ev.failing.length} failing finding(s) · today ${ev.today}\n`);
  out.push(`Policy: fail on ${policy.failOn.length ? policy.failOn.join(', ') : 'no severity'}` +
    `${Object.keys(policy.limits).length ? `; limits ${Object.entries(policy.limits).map(([k, v]) => `${k}=${v}`).join(', ')}` : ''}` +
    `${policy.maxCvss !== undefined ? `; CVSS ≥ ${policy.maxCvss}` : ''}` +
    `${policy.ignoreUnfixed ? '; unfixed ignored' : ''}` +
    `${policy.ignoreStatuses.length ? `; statuses ignored: ${policy.ignoreStatuses.join(', ')}` : ''}\n`);

  const withNew = ev.newCounts !== undefined;
  const rows = SEVERITIES.map((s) => {
    const c = ev.counts[s];
    return [s, c.total, c.fixable, c.failing, c.waived, ...(withNew ? [ev.newCounts![s]] : [])];
  });
  out.push(heading('Vulnerabilities', 3));
  out.push(table(['Severity', 'Total', 'Fixable', 'Failing', 'Waived', ...(withNew ? ['New vs baseline'] : [])], rows));
  if (withNew) out.push(`${ev.resolvedSinceBaseline ?? 0} baseline finding(s) no longer present.\n`);
  if (ev.misconfigurations.total || ev.secrets.total) {
    out.push(table(['Kind', 'Total', 'Failing', 'Waived'], [
      ['Misconfigurations', ev.misconfigurations.total, ev.misconfigurations.failing, ev.misconfigurations.waived],
      ['Secrets', ev.secrets.total, ev.secrets.failing, ev.secrets.waived],
    ]));
  }

  if (ev.failing.length) {
    out.push(heading('Failing findings', 3));
    const shown = ev.failing.slice(0, SUMMARY_MAX_ROWS);
    const body = table(['Severity', 'ID', 'Package', 'Installed → Fixed', 'Target', 'Why'], shown.map(failingRow));
    const more = ev.failing.length > shown.length ? `\n…and ${ev.failing.length - shown.length} more (see the \`failing\` output or the SARIF file).\n` : '';
    out.push(body + more);
  }

  if (ev.expiredWaivers.length) {
    out.push(heading('Expired waivers (no longer applied)', 3));
    out.push(table(['ID', 'Expired', 'Still matches', 'Where', 'Reason'], ev.expiredWaivers.map(({ waiver, matched }) => [waiver.id, waiver.expires, matched, where(waiver), waiver.reason ?? ''])));
  }
  if (ev.expiringWaivers.length) {
    out.push(heading('Waivers expiring soon', 3));
    out.push(table(['ID', 'Expires', 'Days left', 'Where', 'Reason'], ev.expiringWaivers.map(({ waiver, daysLeft }) => [waiver.id, waiver.expires, daysLeft, where(waiver), waiver.reason ?? ''])));
  }
  if (ev.unusedWaivers.length) {
    out.push(details(`${ev.unusedWaivers.length} waiver(s) matched nothing`, list(ev.unusedWaivers.map((w) => `\`${escapeCell(w.id)}\` (${escapeCell(where(w))})`))));
  }
  if (sarifPath) out.push(`SARIF written to \`${escapeCell(sarifPath)}\`.\n`);
  return out.join('\n');
}

function failingRow(a: Assessed): unknown[] {
  const id = a.url && /^https?:\/\//.test(a.url) ? link(a.id, a.url) : a.id;
  const versions = a.kind === 'vulnerability' ? `${a.installed} → ${a.fixed ?? '(no fix)'}` : a.line ? `line ${a.line}` : '';
  return [a.severity, id, a.pkgName ?? a.kind, versions, a.target, a.reasons.map((r) => WHY[r]).join(', ') + (a.isNew ? '' : ' (existing)')];
}

/** A Markdown link whose text and URL cannot break out of the cell or the link. */
function link(text: string, url: string): string {
  return `[${text.replace(/[[\]]/g, '')}](${url.replace(/[()\s]/g, encodeURIComponent)})`;
}

function where(w: Waiver): string {
  return `${w.source.file}:${w.source.line}`;
}
