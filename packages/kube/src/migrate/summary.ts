import { codeBlock, details, formatDuration, heading, list, table } from '@dantaro/core';
import { stringify } from 'yaml';
import { formatCommand } from './command';
import type { JobRun, MigrateResult } from './run';

const ICON: Record<MigrateResult['result'], string> = { applied: '✅', 'already-applied': '⏭️', planned: '📝', failed: '❌', 'timed-out': '⏱️' };
const TAIL = 20;

/**
 * The job summary: what ran (command, image, job), how it ended (result, exit code, duration, lock
 * wait), and the pod's output — the last lines on success, all of it folded on failure. Plain data
 * only: env values and Secrets are never part of it.
 */
export function migrationSummary(r: MigrateResult, o: { namespace: string; image: string; argv: string[]; target: string; lockEnabled: boolean }): string {
  const out: string[] = [heading(`${ICON[r.result]} Migration ${r.result}: ${o.target}`), `${r.message}\n`];
  const lock = !o.lockEnabled ? 'disabled' : r.lock ? `${r.lock.name}: waited ${formatDuration(r.lock.waitedMs)}${r.lock.waitedFor ? ` for ${r.lock.waitedFor}` : ''}${r.lock.tookOverFrom ? ` (took over from ${r.lock.tookOverFrom})` : ''}` : 'not needed';
  out.push(
    table(
      ['Migration', ''],
      [
        ['command', formatCommand(o.argv)],
        ['image', o.image],
        ['namespace', o.namespace],
        ['job', r.jobName],
        ['result', r.result],
        ['exit code', r.exitCode ?? ''],
        ['duration', r.run || r.plan ? formatDuration(r.seconds * 1000) : ''],
        ['lock', lock],
      ],
    ),
  );
  if (r.previousFailures.length) out.push(`Earlier failed attempts (kept for inspection):\n\n${list(r.previousFailures.map((f) => `\`${f.name}\`${f.reason ? `: ${f.reason}` : ''}${f.exitCode ? `, exit code ${f.exitCode}` : ''}`))}`);
  if (r.plan) out.push(runOutput('Plan', r.plan, true));
  if (r.run) out.push(runOutput('Migration', r.run, r.result !== 'applied'));
  if (r.wouldCreate) out.push(details(`Job that would be created (${r.jobName})`, codeBlock(stringify(r.wouldCreate), 'yaml')));
  if (r.cleanup.length) out.push(`Cleanup:\n\n${list(r.cleanup)}`);
  return out.join('\n');
}

function runOutput(what: string, run: JobRun, all: boolean): string {
  const lines = run.logs;
  const title = `${what} output: \`${formatCommand(run.argv)}\` (job ${run.jobName}, ${lines.total} line${lines.total === 1 ? '' : 's'})`;
  if (lines.total === 0) return `${title}: no output\n`;
  if (all) {
    const dropped = lines.dropped ? `… ${lines.dropped} earlier lines not kept\n` : '';
    return details(title, codeBlock(dropped + lines.lines.join('\n')));
  }
  const shown = lines.last(TAIL);
  return `${title}${lines.total > shown.length ? `, last ${shown.length}` : ''}:\n\n${codeBlock(shown.join('\n'))}`;
}
