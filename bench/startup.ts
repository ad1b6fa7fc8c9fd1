// Cold start of every bundled action: `node dist/<action>/index.js` with no inputs (validation fails
// before any heavy client loads), and for slack-notify a full run against the Slack stub, beside bare
// `node -e 0` measured the same way in the same rounds (interleaved, so machine load hits all alike).
// Wall time is what a job waits; CPU time (user+sys, from /usr/bin/time) is the figure that holds up
// on a loaded machine. Goal: ≤150 ms above bare node, ≤3 MB per bundle.
// Run: pnpm tsx bench/startup.ts [runs]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// bench/ is not a workspace package, so @dantaro/testkit is not resolvable by name from here
import { repoRoot, startSlackStub } from '../packages/testkit/src/index';

const RUNS = Number(process.argv[2] ?? 15);
const GOAL_MS = 150;
const GOAL_MB = 3;
const TIME = '/usr/bin/time';
const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));

interface Sample {
  wall: number;
  cpu: number;
  code: number;
}

/** One run of `node <args>` under /usr/bin/time, with the runner's command files. */
function measure(args: string[], inputs: Record<string, string> = {}): Promise<Sample> {
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', RUNNER_TEMP: dir, GITHUB_REPOSITORY: 'dantaro/wallet', GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567', GITHUB_RUN_ID: '1', GITHUB_ACTOR: 'octocat', ...files };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const timeFile = join(dir, 'time');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(TIME, ['-f', '%U %S', '-o', timeFile, process.execPath, ...args], { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - started;
      const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      resolve({ wall, cpu: (user + sys) * 1000, code: code ?? -1 });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (!existsSync(TIME)) throw new Error(`${TIME} is needed for CPU times (apt-get install time)`);
const actions = readdirSync(join(repoRoot, 'dist')).filter((n) => existsSync(join(repoRoot, 'dist', n, 'index.js')));
const slack = await startSlackStub();
const fullInputs = { token: slack.token, channel: 'C0DEPLOYS', 'api-url': slack.apiUrl, status: 'success', environment: 'production', version: 'v1.2.3' };

const samples = new Map<string, Sample[]>();
const add = (name: string, s: Sample) => samples.set(name, [...(samples.get(name) ?? []), s]);
for (let i = 0; i < RUNS; i++) {
  add('bare node -e 0', await measure(['-e', '0']));
  for (const a of actions) {
    const entry = join(repoRoot, 'dist', a, 'index.js');
    add(a, await measure([entry])); // no inputs: every action must refuse fast
    if (a === 'slack-notify') {
      const full = await measure([entry], fullInputs);
      if (full.code !== 0 || !readFileSync(join(dir, 'output'), 'utf8').includes('true')) throw new Error('slack-notify full run failed');
      add('slack-notify (full run)', full);
    }
  }
}
await slack.stop();
rmSync(dir, { recursive: true, force: true });

const bare = samples.get('bare node -e 0')!;
const bareWall = median(bare.map((s) => s.wall));
const bareCpu = median(bare.map((s) => s.cpu));
const rows: string[][] = [];
for (const [name, list] of samples) {
  const isBare = list === bare;
  const action = name.split(' ')[0];
  const mb = isBare ? 0 : statSync(join(repoRoot, 'dist', action, 'index.js')).size / 1024 / 1024;
  const wall = median(list.map((s) => s.wall));
  const cpu = median(list.map((s) => s.cpu));
  const meets = isBare ? '' : cpu - bareCpu <= GOAL_MS && wall - bareWall <= GOAL_MS && mb <= GOAL_MB ? 'yes' : cpu - bareCpu <= GOAL_MS && mb <= GOAL_MB ? 'cpu yes, wall no' : 'NO';
  const sign = (n: number) => (isBare ? '' : `${n >= 0 ? '+' : ''}${n.toFixed(0)}`);
  rows.push([name, isBare ? '' : mb.toFixed(2), wall.toFixed(0), sign(wall - bareWall), cpu.toFixed(0), sign(cpu - bareCpu), [...new Set(list.map((s) => s.code))].join('/'), meets]);
}
const head = ['run', 'bundle MB', 'wall ms', 'vs bare', 'cpu ms', 'vs bare', 'exit', `goal ≤${GOAL_MS} ms, ≤${GOAL_MB} MB`];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`medians of ${RUNS} runs; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
