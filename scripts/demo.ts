// `pnpm demo`: the whole pipeline against the local sandbox, through the bundled actions, in the order
// deploy.yml runs them. Three scenarios; every job summary lands in demo-output/ (Markdown + one HTML page).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWorld, stopAll, repoRoot, type World } from '@dantaro/testkit';
import { Pipeline, type Step } from '../test/pipeline/scenarios';
import { htmlPage } from '../test/pipeline/html';

const out = join(repoRoot, 'demo-output');
const t0 = Date.now();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const tty = process.stdout.isTTY;
const paint = (code: number, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const green = (s: string) => paint(32, s);
const red = (s: string) => paint(31, s);
const dim = (s: string) => paint(2, s);
const bold = (s: string) => paint(1, s);

let world: World | undefined;
let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await world?.stop().catch(() => {});
    await stopAll().catch(() => {});
  }
  process.exit(code);
}
process.on('SIGINT', () => {
  console.log('\ndemo: interrupted, stopping the sandbox…');
  void shutdown(130);
});
process.on('SIGTERM', () => void shutdown(143));

function outcome(step: Step): string {
  const o = step.run.outputs;
  switch (step.action) {
    case 'build-push':
      return `${o.skipped === 'true' ? 'skipped (exists)' : 'built'} ${o.image ?? ''}`;
    case 'trivy-gate':
      return `${o.result} ${o.counts ?? ''}`;
    case 'backup':
      return `${o.key ?? ''}${o['redis-key'] ? ` + ${o['redis-key']}` : ''} (${o.bytes ?? '?'} bytes)`;
    case 'migrate':
      return `${o.result} job=${o['job-name'] ?? ''} exit=${o['exit-code'] ?? ''}`;
    case 'eks-rollout':
      return `${o.result}${o['failure-reason'] ? ` (${o['failure-reason']})` : ''} revision ${o['previous-revision'] ?? '?'} → ${o.revision ?? '?'}`;
    case 'backup-verify':
      return `${o.result}: ${o.tables ?? '?'} tables, restore ${o['restore-seconds'] ?? '?'}s, backup age ${o['backup-age-seconds'] ?? '?'}s, redis ${o['redis-result'] ?? '-'}`;
    case 'slack-notify':
      return `ok=${o.ok} ts=${o.ts ?? ''}`;
    default:
      return '';
  }
}

function errorLines(step: Step): string {
  return step.run.stdout
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) => '      ' + decodeURIComponent(l.replace(/^::error[^:]*::/, '').replace(/%0A/g, '\n      ').replace(/%25/g, '%')))
    .slice(0, 20)
    .join('\n');
}

async function main(): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  console.log(bold('Dantaro Deploy demo') + dim(' — the pipeline of deploy.yml against the local sandbox'));
  console.log(dim('starting the sandbox: registry behind ECR, EKS/STS, Kubernetes API simulator, PostgreSQL, Redis, S3, Slack stub…'));
  world = await startWorld({ timeScale: 20 });
  console.log(dim(`sandbox up in ${secs(Date.now() - t0)}`));
  let n = 0;
  const pipeline = new Pipeline(world, {
    onStart: (_scenario, action, title) => {
      if (tty) process.stdout.write(dim(`  … ${action.padEnd(14)} ${title}\r`));
    },
    onStep: (step) => {
      n++;
      const ok = step.run.code === 0;
      const mark = ok ? green('✓') : red('✗');
      console.log(`  ${mark} ${step.action.padEnd(14)} ${step.title.padEnd(46)} ${dim(secs(step.run.ms).padStart(6))}  ${outcome(step)}`);
      if (!ok) console.log(red(errorLines(step)));
      const file = `${String(n).padStart(2, '0')}-${step.scenario.replace(/\W+/g, '-')}-${step.action}.md`;
      writeFileSync(join(out, file), `# ${step.scenario}: ${step.action} — ${step.title}\n\n${step.run.summary || '_no summary_'}\n`);
    },
  });

  console.log(bold('\n0. bootstrap') + dim(' (release 0 on backend, celery-worker, celery-beat)'));
  await pipeline.bootstrap();
  const s1t = Date.now();
  console.log(bold('\n1. release 1') + dim(' — build, scan, back up, migrate, roll out three Deployments, notify'));
  const r1 = await pipeline.release('release 1', 'r1', 'VERSION=1');
  const s1 = Date.now() - s1t;
  const s2t = Date.now();
  console.log(bold('\n2. release 2, a crashing build') + dim(' — fails fast, rolls back automatically, notifies'));
  const r2 = await pipeline.release('release 2', 'r2', 'VERSION=2\nBEHAVIOUR=crashloop');
  const s2 = Date.now() - s2t;
  const s3t = Date.now();
  console.log(bold('\n3. nightly backup and its verification'));
  const nightly = await pipeline.nightly();
  const s3 = Date.now() - s3t;

  const sections = pipeline.steps.map((s) => ({ title: `${s.scenario} · ${s.action} · ${s.title}`, markdown: s.run.summary || '_no summary_' }));
  writeFileSync(join(out, 'index.html'), htmlPage('Dantaro Deploy demo — job summaries', sections));
  const slackLog = world.slack.messages.map((m) => `- ${m.ts}: ${m.text ?? ''} (${m.history?.length ?? 0} updates)`).join('\n');
  writeFileSync(join(out, 'slack.md'), `# Slack messages received\n\n${slackLog}\n`);

  const total = Date.now() - t0;
  console.log(bold('\nReport'));
  console.log(`  release 1   ${r1.rollout.outputs.result === 'success' ? green('deployed') : red(r1.rollout.outputs.result ?? 'failed')} ${r1.image}  (${secs(s1)})`);
  console.log(`  release 2   ${r2.rollout.outputs.result === 'rolled-back' ? green('rolled back') : red(r2.rollout.outputs.result ?? '?')} — ${r2.rollout.outputs['failure-reason'] ?? '?'}; Deployments back on release 1  (${secs(s2)})`);
  console.log(`  nightly     backup ${nightly.verify.outputs.result === 'verified' ? green('verified') : red(nightly.verify.outputs.result ?? 'failed')}: restore ${nightly.verify.outputs['restore-seconds']}s, age ${nightly.verify.outputs['backup-age-seconds']}s (RPO 26h)  (${secs(s3)})`);
  console.log(`  slack       ${world.slack.messages.length} messages, each updated in place as its deploy moved on`);
  console.log(`  summaries   ${join('demo-output', 'index.html')} and ${pipeline.steps.length} Markdown files`);
  console.log(bold(`\ndemo wall time: ${secs(total)}`) + dim(' (goal ≤ 90 s for all three scenarios)'));
  const ok = r1.rollout.outputs.result === 'success' && r2.rollout.outputs.result === 'rolled-back' && nightly.verify.outputs.result === 'verified';
  await shutdown(ok ? 0 : 1);
}

main().catch(async (e) => {
  console.error(red(`demo failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
  await shutdown(1);
});
