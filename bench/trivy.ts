// bench/trivy.ts — trivy-gate on a generated ~100 MB Trivy report (100 000 findings): wall time and
// peak memory of the bundle as a child process (/usr/bin/time -v), beside jq counting per severity.
// Targets: ≤ 3 s and ≤ 500 MB. Needs dist/trivy-gate (node scripts/build.mjs trivy-gate) and jq.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@dantaro/testkit';
import { writeReport } from '../packages/scan/test-fixtures/generate';

const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 100_000);
const bundle = join(repoRoot, 'dist', 'trivy-gate', 'index.js');
if (!existsSync(bundle)) throw new Error('build first: node scripts/build.mjs trivy-gate');

interface Measure {
  seconds: number;
  /** user + system CPU seconds: less sensitive than wall time to other work on a shared machine */
  cpu: number;
  maxRssMb: number;
  stdout: string;
}

/** Runs a command under GNU time -v and reads wall clock and max RSS from its report. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Measure {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr);
  if (!wall || !rss || !user || !sys) throw new Error(`no /usr/bin/time report:\n${r.stderr.slice(-2000)}`);
  const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  return { seconds, cpu: Number(user[1]) + Number(sys[1]), maxRssMb: Number(rss[1]) / 1024, stdout: r.stdout };
}

function gate(report: string, extra: Record<string, string>, dir: string): Measure & { counts: Record<string, { total: number }> } {
  const out = join(dir, `out-${Object.keys(extra).join('-') || 'plain'}`);
  writeFileSync(out, '');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, RUNNER_TEMP: dir, GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: join(dir, 'summary'), INPUT_REPORT: report, 'INPUT_REPORT-ONLY': 'true' };
  for (const [k, v] of Object.entries(extra)) env[`INPUT_${k.toUpperCase()}`] = v;
  const m = timed(process.execPath, [bundle], env);
  const text = spawnSync('cat', [out], { encoding: 'utf8' }).stdout;
  const counts = JSON.parse(/counts<<(\S+)\n([\s\S]*?)\n\1/.exec(text)![2]);
  return { ...m, counts };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-trivy-'));
try {
  const report = join(dir, 'report.json');
  const t0 = performance.now();
  const { bytes, entries } = await writeReport(report, { findings: FINDINGS, targets: 40, seed: 1 });
  console.log(`generated ${(bytes / 1e6).toFixed(1)} MB, ${entries} vulnerability entries (${FINDINGS} unique findings) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  writeFileSync(join(dir, 'summary'), '');

  const plain = gate(report, {}, dir);
  const sarif = gate(report, { sarif: join(dir, 'out.sarif'), baseline: report }, dir);
  const jq = timed('jq', ['-c', '[.Results[]?.Vulnerabilities[]?.Severity] | group_by(.) | map({key: .[0], value: length}) | from_entries', report]);
  const jqCounts = JSON.parse(jq.stdout) as Record<string, number>;

  const ok = (m: Measure) => `${m.seconds <= 3 ? 'within' : 'OVER'} 3 s wall, ${m.cpu <= 3 ? 'within' : 'OVER'} 3 s cpu, ${m.maxRssMb <= 500 ? 'within' : 'OVER'} 500 MB`;
  const row = (name: string, m: Measure) => `${name.padEnd(46)} ${m.seconds.toFixed(2).padStart(6)} s wall ${m.cpu.toFixed(2).padStart(6)} s cpu ${m.maxRssMb.toFixed(0).padStart(5)} MB`;
  const load = (await import('node:os')).loadavg()[0];
  console.log(`\nreport: ${(statSync(report).size / 1e6).toFixed(1)} MB; load average ${load.toFixed(1)} on ${(await import('node:os')).cpus().length} cores (wall time suffers when it exceeds the cores)`);
  console.log(row('trivy-gate (report → counts, failing, summary)', plain), ` ${ok(plain)}`);
  console.log(row('trivy-gate + baseline (same file) + SARIF', sarif), ` ${ok(sarif)}`);
  console.log(row('jq per-severity counts (no dedupe, no policy)', jq));
  console.log('\nper severity   trivy-gate (deduped)   jq (raw entries)');
  for (const s of ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']) {
    console.log(`${s.padEnd(14)} ${String(plain.counts[s].total).padStart(20)} ${String(jqCounts[s] ?? 0).padStart(18)}`);
  }
  console.log(`SARIF ${(statSync(join(dir, 'out.sarif')).size / 1e6).toFixed(1)} MB (capped at 25 000 results)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
