import { buildxArgs, registryCache } from './buildx-args';
import type { BuildSpec } from './types';

const spec = (over: Partial<BuildSpec> = {}): BuildSpec => ({
  context: '.',
  buildArgs: [],
  secrets: [],
  labels: [],
  platforms: [],
  cacheFrom: [],
  cacheTo: [],
  provenance: 'false',
  sbom: 'false',
  ...over,
});
const req = { repository: '1.dkr.ecr.eu-west-1.amazonaws.com/team/app', pushTags: ['abc'], push: true, insecure: false };
const args = (s: Partial<BuildSpec>, r: Partial<typeof req> = {}) => buildxArgs(spec(s), { ...req, ...r }, '/tmp/meta.json');
const pairs = (a: string[], flag: string) => a.flatMap((x, i) => (x === flag ? [a[i + 1]] : []));

describe('buildxArgs', () => {
  test('defaults: ECR-safe attestations off, metadata file, tag, push, context last', () => {
    expect(args({})).toEqual([
      'buildx', 'build', '--provenance=false', '--sbom=false', '--metadata-file', '/tmp/meta.json',
      '--tag', '1.dkr.ecr.eu-west-1.amazonaws.com/team/app:abc', '--push', '.',
    ]);
  });

  test.each<[string, Partial<BuildSpec>, string, string[]]>([
    ['platforms joined', { platforms: ['linux/amd64', 'linux/arm64'] }, '--platform', ['linux/amd64,linux/arm64']],
    ['build args', { buildArgs: [['A', '1'], ['B', 'x=y']] }, '--build-arg', ['A=1', 'B=x=y']],
    ['secrets by env name only', { secrets: [{ id: 'npm', env: 'DANTARO_BUILD_SECRET_0' }] }, '--secret', ['id=npm,env=DANTARO_BUILD_SECRET_0']],
    ['labels', { labels: [['org.opencontainers.image.revision', 'abc']] }, '--label', ['org.opencontainers.image.revision=abc']],
    ['target', { target: 'runtime' }, '--target', ['runtime']],
    ['file', { file: 'docker/Dockerfile.prod' }, '--file', ['docker/Dockerfile.prod']],
    ['cache-from bare ref', { cacheFrom: ['r/app:cache'] }, '--cache-from', ['type=registry,ref=r/app:cache']],
    ['cache-to gets ECR attributes + ignore-error', { cacheTo: ['r/app:cache'] }, '--cache-to', ['type=registry,ref=r/app:cache,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true']],
  ])('%s', (_name, s, flag, want) => {
    expect(pairs(args(s), flag)).toEqual(want);
  });

  test('attestations on request', () => {
    const a = args({ provenance: 'mode=max', sbom: 'true' });
    expect(a).toContain('--provenance=mode=max');
    expect(a).toContain('--sbom=true');
  });

  test('no push: no --push, no --output', () => {
    const a = args({}, { push: false });
    expect(a).not.toContain('--push');
    expect(a).not.toContain('--output');
  });

  test('every tag already exists: push by digest only', () => {
    expect(pairs(args({}, { pushTags: [] }), '--output')).toEqual(['type=image,name=1.dkr.ecr.eu-west-1.amazonaws.com/team/app,push-by-digest=true,name-canonical=true,push=true']);
  });

  test('plain-HTTP registry uses an insecure image output instead of --push', () => {
    expect(pairs(args({}, { insecure: true }), '--output')).toEqual(['type=image,push=true,registry.insecure=true']);
  });

  test('user cache attributes win; non-registry caches only get ignore-error on export', () => {
    expect(registryCache('type=registry,ref=r:c,mode=min', true)).toBe('type=registry,ref=r:c,mode=min,image-manifest=true,oci-mediatypes=true,ignore-error=true');
    expect(registryCache('type=gha', true)).toBe('type=gha,ignore-error=true');
    expect(registryCache('type=gha', false)).toBe('type=gha');
  });

  test('SOURCE_DATE_EPOCH passes as a build arg', () => {
    expect(pairs(args({ timestamp: 1700000000 }), '--build-arg')).toEqual(['SOURCE_DATE_EPOCH=1700000000']);
  });
});
