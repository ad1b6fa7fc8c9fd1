// build-push: action overhead over raw `buildah bud && buildah push` on the same context (goal ≤ 1 s),
// and the total time of the skip-if-exists path (goal ≤ 2 s). Real buildah, registry and fake ECR.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerTools, repoRoot, runAction, startAws, startRegistry, stopAll } from '@dantaro/testkit';

// async on purpose: the registry front and fake ECR live in this process, a sync exec would deadlock them
const sh = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const context = join(repoRoot, 'actions/build-push/test-fixtures/app');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const reg = await startRegistry({ htpasswd: [{ user: 'AWS', password: 'bench-password' }] });
const aws = await startAws({ registry: reg, credentials: { accessKeyId: 'AKIABENCH00000000001', secretAccessKey: 'bench-secret' } });
const tools = containerTools();
aws.ecr.create('bench/app');
const authFile = reg.authFile({ host: aws.registryHost });
const env = { ...process.env, ...tools.env };

try {
  progress('sandbox up; warming the layer cache');
  // warm the layer cache once so both sides build from the same state
  await sh('buildah', ['bud', '--layers', '-q', '-t', 'bench-warm', context], { env });

  const raw: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const ref = `${aws.registryHost}/bench/app:raw-${i}`;
    const t = performance.now();
    await sh('sh', ['-c', `buildah bud --layers -q -t ${ref} ${context} >/dev/null && buildah push -q --tls-verify=false --authfile ${authFile} ${ref} docker://${ref}`], { env });
    raw.push(performance.now() - t);
  }

  progress(`raw: ${raw.map(Math.round).join(', ')} ms`);
  const action: number[] = [];
  const runEnv = () => ({ ...aws.env(), ...tools.env, RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'bench-runner-')) });
  for (let i = 0; i < RUNS; i++) {
    const run = await runAction('build-push', { inputs: { builder: 'buildah', repository: 'bench/app', context, tags: `act-${i}`, 'skip-if-exists': 'false' }, env: runEnv(), post: true });
    if (run.code !== 0) throw new Error(`action failed:\n${run.stdout}`);
    action.push(run.ms);
  }

  progress(`action: ${action.map(Math.round).join(', ')} ms`);
  const skip: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await runAction('build-push', { inputs: { builder: 'buildah', repository: 'bench/app', context, tags: 'act-0' }, env: runEnv(), post: true });
    if (run.code !== 0 || run.outputs.skipped !== 'true') throw new Error(`skip run failed:\n${run.stdout}`);
    skip.push(run.ms);
  }

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const overhead = median(action) - median(raw);
  console.log(`runs per case: ${RUNS} (medians; main + post step for the action)`);
  console.log(`raw buildah bud && push        ${s(median(raw))}`);
  console.log(`action (build + push, buildah) ${s(median(action))}`);
  console.log(`action overhead                ${s(overhead)}   goal ≤ 1.00 s  ${overhead <= 1000 ? 'OK' : 'MISSED'}`);
  console.log(`skip-if-exists path (total)    ${s(median(skip))}   goal ≤ 2.00 s  ${median(skip) <= 2000 ? 'OK' : 'MISSED'}`);
} finally {
  await aws.stop();
  await stopAll();
}
// the SDK's keep-alive agents in this process are not ours to close one by one
process.exit(0);
