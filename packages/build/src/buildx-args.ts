import type { BuildRequest, BuildSpec } from './types';

/**
 * `docker buildx build` argv, as a pure function so every flag is unit-tested. ECR-safe defaults:
 * no provenance/SBOM unless asked (they turn one image into an index ECR shows as untagged), and
 * registry cache written as an image manifest with OCI media types (ECR rejects the index form),
 * with ignore-error so a failing cache export only warns.
 */
export function buildxArgs(spec: BuildSpec, req: Pick<BuildRequest, 'repository' | 'pushTags' | 'push' | 'insecure'>, metadataFile: string): string[] {
  const a = ['buildx', 'build'];
  if (spec.file) a.push('--file', spec.file);
  if (spec.target) a.push('--target', spec.target);
  if (spec.platforms.length) a.push('--platform', spec.platforms.join(','));
  for (const [k, v] of spec.buildArgs) a.push('--build-arg', `${k}=${v}`);
  for (const s of spec.secrets) a.push('--secret', `id=${s.id},env=${s.env}`);
  for (const [k, v] of spec.labels) a.push('--label', `${k}=${v}`);
  for (const c of spec.cacheFrom) a.push('--cache-from', registryCache(c, false));
  for (const c of spec.cacheTo) a.push('--cache-to', registryCache(c, true));
  a.push(`--provenance=${spec.provenance || 'false'}`, `--sbom=${spec.sbom || 'false'}`);
  a.push('--metadata-file', metadataFile);
  if (req.push && req.pushTags.length === 0) {
    // every tag already holds an image: push by digest only, so we can compare without retagging
    a.push('--output', `type=image,name=${req.repository},push-by-digest=true,name-canonical=true,push=true${req.insecure ? ',registry.insecure=true' : ''}`);
  } else {
    for (const t of req.pushTags) a.push('--tag', `${req.repository}:${t}`);
    if (req.push && req.insecure) a.push('--output', 'type=image,push=true,registry.insecure=true');
    else if (req.push) a.push('--push');
  }
  if (spec.timestamp !== undefined) a.push('--build-arg', `SOURCE_DATE_EPOCH=${spec.timestamp}`);
  a.push(spec.context);
  return a;
}

/** A bare ref becomes `type=registry,ref=…`; registry caches get the ECR-compatible attributes. */
export function registryCache(value: string, exporting: boolean): string {
  const v = value.includes('=') ? value : `type=registry,ref=${value}`;
  if (!/^type=registry\b/.test(v) && !/(^|,)ref=/.test(v)) return exporting && !v.includes('ignore-error') ? `${v},ignore-error=true` : v;
  const attrs = v.split(',');
  if (exporting) {
    for (const [k, d] of [['mode', 'max'], ['image-manifest', 'true'], ['oci-mediatypes', 'true'], ['ignore-error', 'true']]) {
      if (!attrs.some((x) => x.startsWith(`${k}=`))) attrs.push(`${k}=${d}`);
    }
  }
  return attrs.join(',');
}
