import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { run, systemClock, UserError } from '@dantaro/core';
import {
  evaluate, loadBaseline, loadReport, loadTrivyignore, loadWaivers, renderSummary, todayUtc, toSarif,
  type Assessed,
} from '@dantaro/scan';
import { readInputs } from './inputs';
import { scanWithTrivy } from './scan';

/** Entries in the `failing` output: the most important first; the rest are in the summary count and SARIF. */
export const FAILING_OUTPUT_MAX = 100;

run(async (ctx) => {
  const cfg = readInputs(ctx.inputs);
  const today = todayUtc(systemClock);
  // policy files are read first: a bad waiver fails the step before any download or scan
  const waivers = [...(cfg.waivers ? loadWaivers(cfg.waivers) : []), ...(cfg.trivyignore ? loadTrivyignore(cfg.trivyignore) : [])];
  const baseline = cfg.baseline ? loadBaseline(cfg.baseline) : undefined;

  const reportPath = cfg.source.kind === 'report' ? cfg.source.path : await scanWithTrivy(ctx, cfg.source, cfg.trivyVersion, today);
  const report = loadReport(reportPath);
  const ev = evaluate(report.findings, { policy: cfg.policy, waivers, baseline, today });
  ctx.log.info(`${report.findings.length} findings (${report.duplicates} duplicates merged); ${ev.failing.length} failing`);

  if (cfg.sarif) {
    mkdirSync(dirname(cfg.sarif), { recursive: true });
    writeFileSync(cfg.sarif, JSON.stringify(toSarif(report, ev)));
  }
  ctx.output('result', ev.result);
  ctx.output('counts', ev.counts);
  ctx.output('failing', ev.failing.slice(0, FAILING_OUTPUT_MAX).map(failingEntry));
  ctx.output('sarif', cfg.sarif ?? '');

  for (const { waiver, matched } of ev.expiredWaivers) {
    ctx.log.warning(`waiver for ${waiver.id} expired on ${waiver.expires} and no longer applies${matched ? ` (${matched} finding(s) match it)` : ''}`, { title: 'Expired waiver', file: waiver.source.file, startLine: waiver.source.line });
  }
  for (const { waiver, daysLeft } of ev.expiringWaivers) {
    ctx.log.warning(`waiver for ${waiver.id} expires on ${waiver.expires} (${daysLeft} day(s) left)`, { title: 'Waiver expiring soon', file: waiver.source.file, startLine: waiver.source.line });
  }
  for (const a of ev.failing.slice(0, 10)) ctx.log.error(describe(a), { title: `trivy-gate: ${a.severity} ${a.id}` });
  ctx.summary.add(renderSummary({ artifact: report.artifactName, evaluation: ev, policy: cfg.policy, reportOnly: cfg.reportOnly, sarifPath: cfg.sarif }));

  if (ev.result === 'fail') {
    const msg = `${ev.failing.length} finding(s) fail the policy (${describe(ev.failing[0])}${ev.failing.length > 1 ? ', …' : ''})`;
    if (cfg.reportOnly) ctx.log.warning(`report-only: ${msg}`);
    else throw new UserError(msg, { hint: 'fix or upgrade the packages, or add a waiver with a reason and an expiry date' });
  }
});

function failingEntry(a: Assessed) {
  return { kind: a.kind, id: a.id, package: a.pkgName ?? '', installed: a.installed ?? '', fixed: a.fixed ?? '', severity: a.severity, target: a.target };
}

function describe(a: Assessed): string {
  if (a.kind === 'vulnerability') return `${a.severity} ${a.id} in ${a.pkgName}@${a.installed} (${a.target})${a.fixed ? `, fixed in ${a.fixed}` : ''}`;
  return `${a.severity} ${a.kind} ${a.id} in ${a.target}${a.line ? `:${a.line}` : ''}`;
}
