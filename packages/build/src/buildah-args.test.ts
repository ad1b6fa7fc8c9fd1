import { buildahBudArgs, buildahPushArgs, cacheRepo } from './buildah-args';
import type { BuildSpec } from './types';

const spec: BuildSpec = {
  context: 'ctx',
  file: 'Containerfile',
  target: 'prod',
  buildArgs: [['V', '1']],
  secrets: [{ id: 'tok', env: 'DANTARO_BUILD_SECRET_0' }],
  labels: [['a', 'b']],
  platforms: ['linux/amd64'],
  cacheFrom: ['type=registry,ref=r/app:cache'],
  cacheTo: ['r/app:cache'],
  provenance: 'false',
  sbom: 'false',
  timestamp: 0,
};

test('buildah bud argv', () => {
  expect(buildahBudArgs(spec, '/w/iid')).toEqual([
    'bud', '--layers', '--iidfile', '/w/iid', '--file', 'Containerfile', '--target', 'prod', '--platform', 'linux/amd64',
    '--build-arg', 'V=1', '--secret', 'id=tok,env=DANTARO_BUILD_SECRET_0', '--label', 'a=b',
    '--cache-from', 'r/app:cache', '--cache-to', 'r/app:cache', '--timestamp', '0', 'ctx',
  ]);
  expect(buildahBudArgs({ ...spec, platforms: ['linux/amd64', 'linux/arm64'] }, '/w/iid', 'localhost/m')).toEqual(expect.arrayContaining(['--manifest', 'localhost/m', '--platform', 'linux/amd64,linux/arm64']));
});

test('buildah push argv: our retry, not buildah\'s; TLS off only for plain-HTTP docker:// targets', () => {
  expect(buildahPushArgs('sha256:1', 'docker://h/r:t', '/w/d', { insecure: false, manifest: false })).toEqual(['push', '--quiet', '--digestfile', '/w/d', '--retry', '0', 'sha256:1', 'docker://h/r:t']);
  expect(buildahPushArgs('sha256:1', 'docker://h/r:t', '/w/d', { insecure: true, manifest: false })).toContain('--tls-verify=false');
  expect(buildahPushArgs('sha256:1', 'oci:/w/l:local', '/w/d', { insecure: true, manifest: false })).not.toContain('--tls-verify=false');
  expect(buildahPushArgs('localhost/m', 'docker://h/r:t', '/w/d', { insecure: false, manifest: true }).slice(0, 3)).toEqual(['manifest', 'push', '--all']);
});

test('cacheRepo accepts a bare repo or buildx syntax', () => {
  expect(cacheRepo('type=registry,ref=r/app:cache,mode=max')).toBe('r/app:cache');
  expect(cacheRepo('r/app')).toBe('r/app');
});
