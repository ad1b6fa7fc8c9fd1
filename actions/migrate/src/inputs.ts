import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UserError, type ActionContext } from '@dantaro/core';
import { parseImageRef, readClusterAccess, splitCommand, templateFromYaml, type ClusterAccess, type MigrationImage, type MigrationTemplate } from '@dantaro/kube';

/** Every input read and validated before anything touches AWS or the cluster. */
export interface MigrateInputs {
  access: ClusterAccess;
  namespace?: string;
  image: MigrationImage;
  fromDeployment?: string;
  /** Read and parsed already (a bad file fails before anything changes). */
  podTemplate?: MigrationTemplate;
  container?: string;
  argv: string[];
  planArgv?: string[];
  timeoutMs: number;
  lock: boolean;
  lockTimeoutMs: number;
  backoffLimit: number;
  ttlSecondsAfterFinished: number;
  keepFailedJob: boolean;
  dryRun: boolean;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function readInputs(ctx: ActionContext): MigrateInputs {
  const i = ctx.inputs;
  const access = readClusterAccess(ctx.inputs, ctx.env);
  const namespace = i.string('namespace');
  if (namespace && (!NAME.test(namespace) || namespace.length > 63)) throw new UserError(`input "namespace": "${namespace}" is not a namespace name (lower-case letters, digits and -, ≤63)`);
  const image = parseImageRef(i.required('image', 'an image by digest, e.g. registry/app@sha256:<64 hex>'));

  const fromDeployment = i.string('from-deployment');
  const podTemplateFile = i.string('pod-template');
  if (fromDeployment && podTemplateFile) throw new UserError('give either input "from-deployment" (a Deployment name) or input "pod-template" (a YAML file) — not both');
  if (!fromDeployment && !podTemplateFile) throw new UserError('input "from-deployment" or "pod-template" is required: name the Deployment whose pod the migration copies (env, secrets, service account), or give a pod template YAML file');
  if (fromDeployment && !NAME.test(fromDeployment)) throw new UserError(`input "from-deployment": "${fromDeployment}" is not a Deployment name`);
  const container = i.string('container');
  if (container && !NAME.test(container)) throw new UserError(`input "container": "${container}" is not a container name (lower-case letters, digits and -)`);
  let podTemplate: MigrationTemplate | undefined;
  if (podTemplateFile) {
    const path = isAbsolute(podTemplateFile) ? podTemplateFile : resolve(ctx.env.GITHUB_WORKSPACE || process.cwd(), podTemplateFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new UserError(`input "pod-template": cannot read "${podTemplateFile}" (${(e as NodeJS.ErrnoException).code ?? 'error'}); expected a path to a YAML file, relative to the workspace`);
    }
    podTemplate = templateFromYaml(text, podTemplateFile, container);
  }

  const argv = splitCommand(i.string('command', { default: 'alembic upgrade head' })!, 'command');
  const plan = i.string('plan-command');
  const timeoutMs = i.duration('timeout', { default: '15m' })!;
  if (timeoutMs < 1000) throw new UserError('input "timeout": must be at least 1s; expected a duration such as 15m');
  const lockTimeoutMs = i.duration('lock-timeout', { default: '10m' })!;
  return {
    access,
    namespace,
    image,
    fromDeployment,
    podTemplate,
    container,
    argv,
    planArgv: plan ? splitCommand(plan, 'plan-command') : undefined,
    timeoutMs,
    lock: i.bool('lock', true),
    lockTimeoutMs,
    backoffLimit: i.int('backoff-limit', { default: 0, min: 0, max: 20 })!,
    ttlSecondsAfterFinished: i.int('ttl-seconds-after-finished', { default: 3600, min: 0, max: 30 * 86_400 })!,
    keepFailedJob: i.bool('keep-failed-job', true),
    dryRun: i.bool('dry-run', false),
  };
}
