import { imagePatch, parseImage, parseImageSpecs, planImageChanges, repositoryKey } from './images';
import type { Deployment } from './types';

const D = 'sha256:' + 'a'.repeat(64);

describe('image references', () => {
  it.each([
    ['nginx', { registry: '', path: 'nginx', tag: undefined, digest: undefined }],
    ['nginx:1.27', { path: 'nginx', tag: '1.27' }],
    ['localhost:5000/app/api:v1', { registry: 'localhost:5000', path: 'app/api', tag: 'v1' }],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/wallet@${D}`, { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', path: 'wallet', digest: D }],
    [`ghcr.io/o/r:v1@${D}`, { registry: 'ghcr.io', path: 'o/r', tag: 'v1', digest: D }],
  ])('parses %s', (raw, want) => expect(parseImage(raw)).toMatchObject(want));

  it.each(['', 'UPPER/case', 'a b', 'repo:', 'repo@sha256:xyz', 'repo:-bad', '/lead'])('rejects %j', (raw) => expect(parseImage(raw)).toBeUndefined());

  it('normalises Docker Hub spellings', () => {
    expect(repositoryKey(parseImage('nginx')!)).toBe(repositoryKey(parseImage('docker.io/library/nginx:1')!));
    expect(repositoryKey(parseImage('index.docker.io/library/nginx')!)).toBe('docker.io/library/nginx');
    expect(repositoryKey(parseImage('ghcr.io/a/b')!)).not.toBe(repositoryKey(parseImage('a/b')!));
  });
});

describe('images input', () => {
  it('accepts container=image and bare images, warns on tags and latest', () => {
    const { specs, warnings } = parseImageSpecs([`api=repo/app@${D}`, 'repo/worker:latest', 'repo/beat:1.2']);
    expect(specs.map((s) => s.container)).toEqual(['api', undefined, undefined]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('latest');
    expect(warnings[1]).toContain('digest');
  });
  it('names the input and the form on errors', () => {
    expect(() => parseImageSpecs(['api=NOT VALID'])).toThrow(/input "images".*not a valid image reference/);
    expect(() => parseImageSpecs(['Bad_Name=repo:1'])).toThrow(/not a container name/);
    expect(() => parseImageSpecs(['a=r:1', 'a=r:2'])).toThrow(/given twice/);
    expect(() => parseImageSpecs([])).toThrow(/required/);
  });
});

describe('planning and patch', () => {
  const dep = (containers: Array<[string, string]>, init: Array<[string, string]> = []): Deployment => ({
    metadata: { name: 'd' },
    spec: { template: { spec: { containers: containers.map(([name, image]) => ({ name, image })), initContainers: init.map(([name, image]) => ({ name, image })) } } },
  });
  const specs = parseImageSpecs([`registry.example.com/wallet/backend@${D}`, 'sidecar=envoy:1.30']).specs;

  it('a bare image moves every container of that repository (backend, celery worker and beat)', () => {
    for (const name of ['backend', 'celery-worker', 'celery-beat']) {
      const changes = planImageChanges(dep([[name, 'registry.example.com/wallet/backend:old'], ['metrics', 'prom/statsd:1']]), specs);
      expect(changes).toEqual([{ container: name, init: false, from: 'registry.example.com/wallet/backend:old', to: `registry.example.com/wallet/backend@${D}` }]);
    }
  });
  it('named containers and init containers', () => {
    const changes = planImageChanges(dep([['sidecar', 'envoy:1.29']], [['migrate', 'registry.example.com/wallet/backend:old']]), specs);
    expect(changes.map((c) => [c.container, c.init, c.to])).toEqual([
      ['sidecar', false, 'envoy:1.30'],
      ['migrate', true, `registry.example.com/wallet/backend@${D}`],
    ]);
  });
  it('the strategic-merge patch carries images by name, the change-cause and the resourceVersion', () => {
    const p = imagePatch(
      [
        { container: 'app', init: false, from: 'a:1', to: 'a:2' },
        { container: 'same', init: false, from: 'b:1', to: 'b:1' },
        { container: 'init', init: true, from: 'a:1', to: 'a:2' },
      ],
      { 'kubernetes.io/change-cause': 'why' },
      '42',
    );
    expect(p).toEqual({
      metadata: { resourceVersion: '42', annotations: { 'kubernetes.io/change-cause': 'why' } },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'a:2' }], initContainers: [{ name: 'init', image: 'a:2' }] } } },
    });
  });
});
