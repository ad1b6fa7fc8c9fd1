// bench/migrate: the migrate bundle against the cluster simulator, its Job pod a real local process.
//  1. verdict latency: from the migration container's exit (seen in the cluster's store) to the action
//     printing its verdict line — goal ≤ 1 s;
//  2. log delay: from a line written in the pod (it carries its own wall-clock ms) to that line on the
//     action's stdout — goal ≤ 1 s.
// Runs BENCH_RUNS (default 5) migrations. `pnpm tsx bench/migrate.ts`
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, startCluster, type KObject } from '../packages/testkit/src/index';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LINES = 8;
const GOAL_MS = 1000;

const cluster = await startCluster({});
const dir = mkdtempSync(join(tmpdir(), 'bench-migrate-'));
const kubeconfig = join(dir, 'kubeconfig');
cluster.writeKubeconfig(kubeconfig);
const ns = 'bench';
cluster.apply({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app', namespace: ns },
  spec: { replicas: 0, selector: { matchLabels: { app: 'app' } }, template: { metadata: { labels: { app: 'app' }, annotations: { 'sandbox.dantaro.dev/run': 'local' } }, spec: { containers: [{ name: 'app', image: 'app:old' }] } } },
} as KObject);

const verdicts: number[] = [];
const delays: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const digest = createHash('sha256').update(`bench-${i}-${Date.now()}`).digest('hex');
    let exitSeen = 0;
    let verdictAt = 0;
    let rest = '';
    const before = new Set(cluster.list('pods', ns).map((p) => p.metadata.name));
    // watch the store (same process) for the moment the container has exited
    const poll = setInterval(() => {
      if (exitSeen) return;
      const pod = cluster.list('pods', ns).find((p) => !before.has(p.metadata.name) && p.status?.containerStatuses?.[0]?.state?.terminated);
      if (pod) exitSeen = Date.now();
    }, 2);
    const run = await runAction('migrate', {
      inputs: {
        kubeconfig,
        namespace: ns,
        image: `registry.local/app@sha256:${digest}`,
        'from-deployment': 'app',
        command: `bash -c 'for i in $(seq ${LINES}); do echo "T $(date +%s%3N)"; sleep 0.25; done'`,
        lock: 'false',
      },
      onSpawn: (child) =>
        child.stdout!.on('data', (d: Buffer) => {
          const now = Date.now();
          rest += d.toString();
          const lines = rest.split('\n');
          rest = lines.pop() ?? '';
          for (const l of lines) {
            const m = /^T (\d{13})$/.exec(l);
            if (m) delays.push(now - Number(m[1]));
            if (/: succeeded: /.test(l)) verdictAt = now;
          }
        }),
    });
    clearInterval(poll);
    if (run.outputs.result !== 'applied') throw new Error(`run ${i}: ${run.outputs.result}\n${run.stdout}`);
    verdicts.push(verdictAt - exitSeen);
  }
} finally {
  await cluster.stop();
}

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const row = (name: string, xs: number[]) => {
  const worst = Math.max(...xs);
  return `${name.padEnd(34)} ${String(q(xs, 0.5)).padStart(6)} ms ${String(q(xs, 0.9)).padStart(6)} ms ${String(worst).padStart(6)} ms   ≤ ${GOAL_MS} ms   ${worst <= GOAL_MS ? 'ok' : 'MISSED'}`;
};
console.log(`migrate: ${RUNS} runs, ${delays.length} log lines`);
console.log(`${'metric'.padEnd(34)} ${'median'.padStart(9)} ${'p90'.padStart(9)} ${'max'.padStart(9)}   goal`);
console.log(row('verdict after the container exits', verdicts));
console.log(row('log line: pod → action stdout', delays));
