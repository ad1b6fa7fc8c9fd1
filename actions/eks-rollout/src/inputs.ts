import { githubContext, UserError, type ActionContext } from '@dantaro/core';
import { parseImageSpecs, readClusterAccess, type ClusterAccess, type ImageSpec } from '@dantaro/kube';

/** Every input read and validated before anything touches AWS or the cluster. */
export interface RolloutInputs {
  access: ClusterAccess;
  namespace?: string;
  deployments?: string[];
  selector?: string;
  images: ImageSpec[];
  imageWarnings: string[];
  timeoutMs: number;
  rollbackOnFailure: boolean;
  failFast: boolean;
  crashloopRestarts: number;
  imagePullGraceMs: number;
  changeCause: string;
  dryRun: boolean;
  watchSilenceMs?: number;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function readInputs(ctx: ActionContext): RolloutInputs {
  const i = ctx.inputs;
  const access = readClusterAccess(i, ctx.env);

  const namespace = i.string('namespace');
  if (namespace && !NAME.test(namespace)) throw new UserError(`input "namespace": "${namespace}" is not a namespace name`);
  const deployments = i.list('deployments');
  const selector = i.string('selector');
  if (deployments.length && selector) throw new UserError('give either input "deployments" (names) or input "selector" (a label selector) — not both');
  if (!deployments.length && !selector) throw new UserError('input "deployments" or "selector" is required: list Deployment names, or give a label selector such as app.kubernetes.io/part-of=wallet');
  const badName = deployments.find((d) => !NAME.test(d));
  if (badName) throw new UserError(`input "deployments": "${badName}" is not a Deployment name`);
  if (new Set(deployments).size !== deployments.length) throw new UserError('input "deployments": a name is listed twice');

  const { specs, warnings } = parseImageSpecs(i.list('images', { required: true }));
  const timeoutMs = i.duration('timeout', { default: '10m' })!;
  const imagePullGraceMs = i.duration('image-pull-grace', { default: '30s' })!;
  if (timeoutMs < 1000) throw new UserError('input "timeout": must be at least 1s (e.g. 10m)');
  const env = ctx.env;
  const gh = githubContext(env);
  const changeCause = i.string('change-cause') ?? defaultChangeCause(specs, gh);
  const silence = env.DANTARO_WATCH_SILENCE ? Number.parseFloat(env.DANTARO_WATCH_SILENCE) * 1000 : undefined;
  return {
    access,
    namespace,
    deployments: deployments.length ? deployments : undefined,
    selector,
    images: specs,
    imageWarnings: warnings,
    timeoutMs,
    rollbackOnFailure: i.bool('rollback-on-failure', true),
    failFast: i.bool('fail-fast', true),
    crashloopRestarts: i.int('crashloop-restarts', { default: 3, min: 1, max: 100 })!,
    imagePullGraceMs,
    changeCause: changeCause.slice(0, 1000),
    dryRun: i.bool('dry-run', false),
    watchSilenceMs: silence && silence > 0 ? silence : undefined,
  };
}

function defaultChangeCause(specs: ImageSpec[], gh: ReturnType<typeof githubContext>): string {
  const images = specs.map((s) => (s.container ? `${s.container}=${s.image.raw}` : s.image.raw)).join(', ');
  const commit = gh.repository && gh.sha ? `${gh.repository}@${gh.sha.slice(0, 12)}` : gh.sha.slice(0, 12);
  return [`deploy ${images}`, commit && `from ${commit}`, gh.runUrl && `by ${gh.runUrl}`].filter(Boolean).join(' ');
}
