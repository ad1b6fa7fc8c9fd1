import type { BuildSpec } from './types';

/**
 * `buildah` argv, pure. Daemonless: `buildah bud` (build-using-dockerfile) with --layers, then one
 * `buildah push --digestfile` per tag. `--retry 0` because the one retry loop is ours (core retry),
 * which also knows not to retry auth errors. Auth comes from REGISTRY_AUTH_FILE in the env.
 */
export function buildahBudArgs(spec: BuildSpec, iidFile: string, manifest?: string): string[] {
  const a = ['bud', '--layers', '--iidfile', iidFile];
  if (spec.file) a.push('--file', spec.file);
  if (spec.target) a.push('--target', spec.target);
  if (spec.platforms.length) a.push('--platform', spec.platforms.join(','));
  if (manifest) a.push('--manifest', manifest);
  for (const [k, v] of spec.buildArgs) a.push('--build-arg', `${k}=${v}`);
  for (const s of spec.secrets) a.push('--secret', `id=${s.id},env=${s.env}`);
  for (const [k, v] of spec.labels) a.push('--label', `${k}=${v}`);
  for (const c of spec.cacheFrom) a.push('--cache-from', cacheRepo(c));
  for (const c of spec.cacheTo) a.push('--cache-to', cacheRepo(c));
  if (spec.timestamp !== undefined) a.push('--timestamp', String(spec.timestamp));
  a.push(spec.context);
  return a;
}

/** `buildah push` (or `buildah manifest push --all` for a multi-platform list) of `source` to `dest`. */
export function buildahPushArgs(source: string, dest: string, digestFile: string, opts: { insecure: boolean; manifest: boolean }): string[] {
  const a = opts.manifest ? ['manifest', 'push', '--all'] : ['push'];
  a.push('--quiet', '--digestfile', digestFile);
  if (!opts.manifest) a.push('--retry', '0');
  if (opts.insecure && dest.startsWith('docker://')) a.push('--tls-verify=false');
  a.push(source, dest);
  return a;
}

/** buildah's --cache-from/--cache-to take a repository; accept buildx's `type=registry,ref=` too. */
export function cacheRepo(value: string): string {
  const ref = /(?:^|,)ref=([^,]+)/.exec(value);
  return ref ? ref[1] : value;
}
