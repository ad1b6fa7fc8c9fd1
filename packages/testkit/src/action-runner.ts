import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs a bundled action exactly as the runner does: `node dist/<name>/index.js` with INPUT_* env and
 * the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE files, then (optionally) the post step with
 * STATE_* set from what main saved. Returns every byte the action emitted, for canary searches.
 */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  state: Record<string, string>;
  /** Everything above joined: search it for canaries. */
  all: string;
  ms: number;
}

export interface RunActionOptions {
  inputs?: Record<string, string | undefined>;
  env?: Record<string, string | undefined>;
  /** Also run the post step (when action.yml declares one) after main. */
  post?: boolean;
  timeoutMs?: number;
  cwd?: string;
  /** Send SIGTERM after this many ms (cancellation tests). */
  killAfterMs?: number;
  /** Called with the child once spawned (e.g. to signal it at the right moment). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  entry?: string;
}

export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const m = /^([^=<]+)<<(.+)$/.exec(line);
    if (m) {
      const [, name, delim] = m;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) body.push(lines[i]);
      out[name] = body.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

function baseEnv(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('INPUT_') && !k.startsWith('STATE_') && !k.startsWith('GITHUB_') && k !== 'NODE_OPTIONS' && !k.startsWith('JEST')) env[k] = v;
  }
  Object.assign(env, {
    GITHUB_REPOSITORY: 'dantaro/wallet',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_ACTOR: 'octocat',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_JOB: 'deploy',
    GITHUB_EVENT_NAME: 'push',
    RUNNER_TEMP: tmpdir(),
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function exec(entry: string, env: Record<string, string>, opts: RunActionOptions): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    const child = spawn(process.execPath, [entry], { env, cwd: opts.cwd ?? repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    opts.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = opts.killAfterMs !== undefined ? setTimeout(() => child.kill('SIGTERM'), opts.killAfterMs) : undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      if (killer) clearTimeout(killer);
      resolvePromise({ code: code ?? (sig ? 128 : 1), stdout, stderr, ms: Date.now() - started });
    });
  });
}

export async function runAction(name: string, opts: RunActionOptions = {}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), `action-${name}-`));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const inputs: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(opts.inputs ?? {})) inputs[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  const entry = opts.entry ?? join(repoRoot, 'dist', name, 'index.js');
  try {
    const main = await exec(entry, baseEnv({ ...files, ...inputs, ...opts.env }), opts);
    const state = parseCommandFile(readFileSync(files.GITHUB_STATE, 'utf8'));
    let { stdout, stderr } = main;
    let code = main.code;
    let ms = main.ms;
    const hasPost = existsSync(join(repoRoot, 'actions', name, 'action.yml')) && /\n\s+post:/.test(readFileSync(join(repoRoot, 'actions', name, 'action.yml'), 'utf8'));
    if (opts.post && hasPost) {
      const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
      const post = await exec(entry, baseEnv({ ...files, ...inputs, ...opts.env, ...stateEnv }), { ...opts, killAfterMs: undefined });
      stdout += post.stdout;
      stderr += post.stderr;
      ms += post.ms;
      if (code === 0) code = post.code;
    }
    const outputsRaw = readFileSync(files.GITHUB_OUTPUT, 'utf8');
    const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
    const stateRaw = readFileSync(files.GITHUB_STATE, 'utf8');
    return {
      code,
      stdout,
      stderr,
      outputs: parseCommandFile(outputsRaw),
      summary,
      state,
      all: [stdout, stderr, outputsRaw, summary, stateRaw].join('\n'),
      ms,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Throws naming where a canary secret leaked (any form: raw, URL-encoded, base64). `::add-mask::` lines
 * are the one place a secret must appear: that is how the runner learns to mask it, and the runner
 * consumes those lines without showing them. Everything else counts.
 */
export function assertNoLeak(run: Pick<ActionRun, 'all'>, canaries: string[]): void {
  const shown = run.all
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  for (const c of canaries) {
    for (const form of [c, encodeURIComponent(c), Buffer.from(c).toString('base64')]) {
      const at = shown.indexOf(form);
      if (at >= 0) throw new Error(`canary leaked: ...${shown.slice(Math.max(0, at - 80), at + form.length + 20)}...`);
    }
  }
}
