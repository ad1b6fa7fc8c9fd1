import { githubContext, UserError, type ActionContext } from '@dantaro/core';
import { parseImageSpecs, type ImageSpec } from '@dantaro/kube';

/** Every input read and validated before anything touches AWS or the cluster. */
export interface RolloutInputs {
  access: { kind: 'eks'; clusterName: string; region: string } | { kind: 'kubeconfig'; source: string; context?: string };
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
  const clusterName = i.string('cluster-name');
  // not registered whole: masking every line of a YAML document would blank common words in the log;
  // loadKubeconfig registers the credentials inside it (tokens, keys, passwords, a base64 blob)
  const kubeconfig = i.string('kubeconfig');
  if (clusterName && kubeconfig) throw new UserError('give either input "cluster-name" (with "region") for EKS, or input "kubeconfig" — not both');
  if (!clusterName && !kubeconfig) throw new UserError('input "cluster-name" (with "region") or input "kubeconfig" is required: name the EKS cluster, or give a kubeconfig path or inline YAML');
  let access: RolloutInputs['access'];
  if (clusterName) {
    const region = i.string('region') || ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION;
    if (!region) throw new UserError('input "region" is required with "cluster-name": give the AWS region, e.g. eu-west-1 (or set AWS_REGION)');
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UserError(`input "region": "${region}" is not an AWS region; expected e.g. us-east-1`);
    if (!/^[0-9A-Za-z][A-Za-z0-9\-_]*$/.test(clusterName) || clusterName.length > 100) throw new UserError(`input "cluster-name": "${clusterName}" is not an EKS cluster name (letters, digits, - and _, ≤100)`);
    access = { kind: 'eks', clusterName, region };
  } else {
    access = { kind: 'kubeconfig', source: kubeconfig!, context: i.string('context') };
  }

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
