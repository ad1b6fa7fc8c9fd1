import { defaultLabels, defaultTags, mergeLabels, validateRepository, validateTags } from './tags';

const gh = { serverUrl: 'https://github.com', repository: 'dantaro/wallet', sha: 'abc123', ref: 'refs/heads/main' };

test.each([
  ['refs/heads/main', ['abc123']],
  ['refs/tags/v1.2.3', ['abc123', '1.2.3']],
  ['refs/tags/v2.0.0-rc.1', ['abc123', '2.0.0-rc.1']],
  ['refs/tags/v1.0.0+build.5', ['abc123', '1.0.0_build.5']],
  ['refs/tags/release-7', ['abc123']],
])('default tags for %s', (ref, want) => {
  expect(defaultTags({ sha: 'abc123', ref })).toEqual(want);
});

test('tags are validated and de-duplicated', () => {
  expect(validateTags(['a', 'a', 'b-1.2'])).toEqual(['a', 'b-1.2']);
  expect(() => validateTags(['repo:tag'])).toThrow('input "tags": "repo:tag" is not a valid image tag');
  expect(() => validateTags(['-x'])).toThrow(/not a valid image tag/);
});

test('OCI labels by default; user labels override by key', () => {
  const created = new Date('2026-01-01T00:00:00Z');
  const labels = defaultLabels({ ...gh, ref: 'refs/tags/v3.1.0' }, created, 'abc123');
  expect(Object.fromEntries(labels)).toEqual({
    'org.opencontainers.image.source': 'https://github.com/dantaro/wallet',
    'org.opencontainers.image.revision': 'abc123',
    'org.opencontainers.image.created': '2026-01-01T00:00:00.000Z',
    'org.opencontainers.image.version': '3.1.0',
  });
  expect(Object.fromEntries(mergeLabels(labels, [['org.opencontainers.image.version', 'custom'], ['team', 'x']]))).toMatchObject({ 'org.opencontainers.image.version': 'custom', team: 'x' });
});

test('repository names', () => {
  expect(validateRepository('team/app')).toBe('team/app');
  for (const bad of ['Team/App', '1.dkr.ecr.eu-west-1.amazonaws.com/app', 'app:tag', '/app', 'a']) {
    expect(() => validateRepository(bad)).toThrow(/not a valid ECR repository name/);
  }
});
