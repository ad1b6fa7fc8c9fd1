import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The workflow policy, as code: what every workflow here (reusable and starter) must satisfy.
 * Returns problems as `file: message` strings; an empty list means the file passes.
 */
type Obj = Record<string, any>;

const SHA = /^[0-9a-f]{40}$/;
const SUITE_REPO = 'dantaro/deploy';
const LOCAL_SUITE = './.dantaro-deploy/actions/';

export interface PolicyContext {
  root: string;
}

export function loadYaml(path: string): Obj {
  return parse(readFileSync(path, 'utf8')) as Obj;
}

function actionMeta(ctx: PolicyContext, name: string): Obj | undefined {
  const p = join(ctx.root, 'actions', name, 'action.yml');
  return existsSync(p) ? loadYaml(p) : undefined;
}

function reusableMeta(ctx: PolicyContext, file: string): Obj | undefined {
  const p = join(ctx.root, '.github', 'workflows', file);
  return existsSync(p) ? loadYaml(p) : undefined;
}

export function checkWorkflow(ctx: PolicyContext, file: string, wf: Obj): string[] {
  const problems: string[] = [];
  const say = (m: string) => problems.push(`${file}: ${m}`);
  const on = wf.on ?? wf[true as unknown as string];

  // read-only top-level permissions
  const perms = wf.permissions;
  if (perms === undefined) say('no top-level permissions: (set `contents: read`)');
  else if (typeof perms === 'string') {
    if (perms !== 'read-all') say(`top-level permissions "${perms}" is not read-only`);
  } else {
    for (const [k, v] of Object.entries(perms)) if (v === 'write') say(`top-level permission ${k}: write (grant it on the job that needs it)`);
  }

  const text = readFileSync(join(ctx.root, file), 'utf8');
  if (/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/.test(text)) say('static AWS keys referenced (use OIDC: role-to-assume)');

  const jobs: Obj = wf.jobs ?? {};
  for (const [jobName, job] of Object.entries<Obj>(jobs)) {
    const where = `job ${jobName}`;
    const deploys = job.environment !== undefined || (job.steps ?? []).some((s: Obj) => /actions\/(eks-rollout|migrate|restore)$/.test(String(s.uses ?? ''))) || /workflows\/(deploy|rollback|restore)\.yml@/.test(String(job.uses ?? ''));
    if (deploys && !job.concurrency && !wf.concurrency) say(`${where} deploys but has no concurrency group`);

    if (typeof job.uses === 'string') problems.push(...checkReusableCall(ctx, file, where, job));

    const stepOutputs = new Map<string, Set<string> | undefined>();
    (job.steps ?? []).forEach((step: Obj, i: number) => {
      const sw = `${where} step ${step.id ?? step.name ?? i + 1}`;
      if (typeof step.uses === 'string') {
        const u = step.uses;
        if (u.startsWith(LOCAL_SUITE)) {
          const name = u.slice(LOCAL_SUITE.length);
          const meta = actionMeta(ctx, name);
          if (!meta) say(`${sw}: ${u} does not resolve to actions/${name}/action.yml`);
          else {
            for (const k of Object.keys(step.with ?? {})) if (!(k in (meta.inputs ?? {}))) say(`${sw}: with.${k} is not an input of actions/${name}`);
            for (const [k, spec] of Object.entries<Obj>(meta.inputs ?? {})) if (spec?.required && !(k in (step.with ?? {}))) say(`${sw}: required input ${k} of actions/${name} not given`);
            if (step.id) stepOutputs.set(step.id, new Set(Object.keys(meta.outputs ?? {})));
          }
        } else if (u.startsWith('./')) {
          say(`${sw}: ${u} resolves against the caller's checkout; use ${LOCAL_SUITE}<name> after checking out the suite`);
        } else if (!u.startsWith('docker://')) {
          const ref = u.split('@')[1];
          if (!ref || !SHA.test(ref)) say(`${sw}: ${u} is not pinned to a full commit SHA`);
          if (step.id) stepOutputs.set(step.id, undefined);
        }
      } else if (step.id) {
        // a run step's outputs are the names it writes to $GITHUB_OUTPUT
        const written = [...String(step.run ?? '').matchAll(/echo\s+["']?([A-Za-z0-9_-]+)=[^\n]*>>\s*["']?\$\{?GITHUB_OUTPUT/g)].map((m) => m[1]);
        stepOutputs.set(step.id, new Set(written));
      }
      if (typeof step.run === 'string') {
        for (const m of step.run.matchAll(/\$\{\{([^}]*)\}\}/g)) {
          const expr = m[1].trim();
          if (/github\.event\.|inputs\.|github\.head_ref|steps\.|needs\.|secrets\./.test(expr)) say(`${sw}: untrusted \${{ ${expr} }} inside run: (pass it through env:)`);
        }
      }
      // outputs that nothing produces
      const blob = JSON.stringify(step);
      for (const m of blob.matchAll(/steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
        const [, id, out] = m;
        if (!stepOutputs.has(id)) say(`${sw}: refers to steps.${id} which is not an earlier step`);
        else {
          const outs = stepOutputs.get(id);
          if (outs && !outs.has(out)) say(`${sw}: steps.${id}.outputs.${out} is not an output of that step's action`);
        }
      }
    });
    for (const [name, value] of Object.entries<string>(job.outputs ?? {})) {
      for (const m of String(value).matchAll(/steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
        const outs = stepOutputs.get(m[1]);
        if (!stepOutputs.has(m[1])) say(`${where}: output ${name} refers to missing step ${m[1]}`);
        else if (outs && !outs.has(m[2])) say(`${where}: output ${name}: ${m[1]} has no output ${m[2]}`);
      }
    }
    for (const m of JSON.stringify(job).matchAll(/needs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
      const [, dep, out] = m;
      const needs: string[] = [].concat(job.needs ?? []);
      if (!needs.includes(dep)) say(`${where}: refers to needs.${dep} but does not need it`);
      else if (!jobs[dep]?.outputs || !(out in jobs[dep].outputs)) say(`${where}: needs.${dep}.outputs.${out} is not an output of job ${dep}`);
    }
  }

  // workflow_call outputs must come from job outputs
  for (const [name, spec] of Object.entries<Obj>(on?.workflow_call?.outputs ?? {})) {
    const m = /jobs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/.exec(String(spec?.value ?? ''));
    if (!m) say(`workflow output ${name} has no jobs.<job>.outputs.<name> value`);
    else if (!jobs[m[1]]?.outputs || !(m[2] in jobs[m[1]].outputs)) say(`workflow output ${name}: job ${m[1]} has no output ${m[2]}`);
  }
  return problems;
}

function checkReusableCall(ctx: PolicyContext, file: string, where: string, job: Obj): string[] {
  const problems: string[] = [];
  const say = (m: string) => problems.push(`${file}: ${where}: ${m}`);
  const u: string = job.uses;
  const m = /^([^/]+\/[^/]+)\/\.github\/workflows\/([^@]+)@(.+)$/.exec(u);
  if (!m) {
    if (!u.startsWith('./.github/workflows/')) say(`${u} is not a reusable workflow reference`);
    return problems;
  }
  const [, repo, wfFile, ref] = m;
  if (!SHA.test(ref)) say(`${u} is not pinned to a full commit SHA`);
  if (repo !== SUITE_REPO) return problems;
  const meta = reusableMeta(ctx, wfFile);
  if (!meta) {
    say(`${u} does not resolve to .github/workflows/${wfFile}`);
    return problems;
  }
  const call = (meta.on ?? meta[true as unknown as string])?.workflow_call ?? {};
  for (const k of Object.keys(job.with ?? {})) if (!(k in (call.inputs ?? {}))) say(`with.${k} is not an input of ${wfFile}`);
  for (const [k, spec] of Object.entries<Obj>(call.inputs ?? {})) if (spec?.required && !(k in (job.with ?? {}))) say(`required input ${k} of ${wfFile} not given`);
  for (const k of Object.keys(job.secrets ?? {})) if (!(k in (call.secrets ?? {}))) say(`secret ${k} is not declared by ${wfFile}`);
  if (job.with?.['suite-ref'] !== ref) say(`suite-ref (${job.with?.['suite-ref']}) must equal the pinned ref ${ref}, so the actions match the workflow`);
  return problems;
}

export function workflowFiles(root: string): string[] {
  const out: string[] = [];
  for (const dir of ['.github/workflows', 'workflows']) {
    if (!existsSync(join(root, dir))) continue;
    for (const f of readdirSync(join(root, dir))) if (/\.ya?ml$/.test(f)) out.push(`${dir}/${f}`);
  }
  return out;
}
