import { githubContext, splitList, UserError, type ActionContext } from '@dantaro/core';
import { defaultLabels, defaultTags, mergeLabels, validateRepository, validateTags, type BuildSpec } from '@dantaro/build';

/** Every input read and checked here, before anything is changed anywhere. */
export interface Config {
  repository: string;
  registry?: string;
  builder: 'buildx' | 'buildah';
  push: boolean;
  createRepository: boolean;
  skipIfExists: boolean;
  tags: string[];
  spec: BuildSpec;
  /** Secret values for the builder's env, by variable name. Never logged. */
  secretEnv: Record<string, string>;
}

const SECRET_ID = /^[A-Za-z0-9_.-]+$/;

export function readConfig(ctx: ActionContext): Config {
  const { inputs } = ctx;
  const gh = githubContext(ctx.env);
  const repository = validateRepository(inputs.required('repository', 'an ECR repository name such as team/app'));
  const registry = inputs.string('registry')?.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const builder = inputs.enum('builder', ['buildx', 'buildah'] as const, { default: 'buildx' })!;
  const tags = validateTags(inputs.has('tags') ? inputs.list('tags') : defaultTags(gh));
  if (tags.length === 0) throw new UserError('input "tags": no tags given and no commit SHA (GITHUB_SHA) to default to; give at least one tag');

  // secrets: masked as a whole first, then each value; a bad line is reported by number, never echoed
  const rawSecrets = inputs.secret('secrets') ?? '';
  const secretEnv: Record<string, string> = {};
  const secrets = splitList(rawSecrets, 'newline').map((line, i) => {
    const eq = line.indexOf('=');
    const id = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!SECRET_ID.test(id)) throw new UserError(`input "secrets": item ${i + 1} is not valid; expected \`id=value\` lines with an id of letters, digits, _ . -`);
    const env = `DANTARO_BUILD_SECRET_${i}`;
    secretEnv[env] = ctx.secrets.add(line.slice(eq + 1).trim());
    return { id, env };
  });

  const epoch = ctx.env.SOURCE_DATE_EPOCH && /^\d+$/.test(ctx.env.SOURCE_DATE_EPOCH) ? Number(ctx.env.SOURCE_DATE_EPOCH) : undefined;
  const created = epoch !== undefined ? new Date(epoch * 1000) : new Date();
  const labels = mergeLabels(defaultLabels(gh, created, tags[0]), inputs.keyValues('labels', { separator: 'newline' }));
  const provenance = inputs.string('provenance', { default: 'false' })!;
  const sbom = inputs.string('sbom', { default: 'false' })!;
  if (builder === 'buildah' && (provenance !== 'false' || sbom !== 'false')) {
    ctx.log.warning('provenance/sbom attestations are produced by buildx only; buildah builds a plain image');
  }
  return {
    repository,
    registry,
    builder,
    push: inputs.bool('push', true),
    createRepository: inputs.bool('create-repository', false),
    skipIfExists: inputs.bool('skip-if-exists', true),
    tags,
    secretEnv,
    spec: {
      context: inputs.string('context', { default: '.' })!,
      file: inputs.string('file'),
      target: inputs.string('target'),
      buildArgs: inputs.keyValues('build-args', { separator: 'newline' }),
      secrets,
      labels,
      platforms: inputs.list('platforms'),
      cacheFrom: inputs.list('cache-from', { separator: 'newline' }),
      cacheTo: inputs.list('cache-to', { separator: 'newline' }),
      provenance,
      sbom,
      timestamp: epoch,
    },
  };
}
