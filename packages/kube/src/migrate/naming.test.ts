import { attemptOf, dnsLabel, jobName, lockName, migrationKey, parseImageRef, planJobName } from './naming';

const D = 'sha256:' + 'a'.repeat(64);
const D2 = 'sha256:' + 'b'.repeat(64);
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('parseImageRef', () => {
  it.each([
    [`app@${D}`, 'app', undefined],
    [`registry.local:5000/team/app@${D}`, 'registry.local:5000/team/app', undefined],
    [`registry.local:5000/team/app:v1.2@${D}`, 'registry.local:5000/team/app', 'v1.2'],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend:latest@${D}`, '123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend', 'latest'],
  ])('%s', (image, repository, tag) => {
    expect(parseImageRef(image)).toEqual({ image, repository, tag, digest: D });
  });

  it.each([
    ['app:latest', /has no digest/],
    ['app', /has no digest/],
    ['app@sha256:abc', /not a valid image reference/],
    ['app@sha256:' + 'A'.repeat(64), /malformed digest/],
    [`@${D}`, /not a valid image reference/],
    [`App/UPPER@${D}`, /not a valid image reference/],
  ])('refuses %s', (image, re) => {
    expect(() => parseImageRef(image)).toThrow(re);
    expect(() => parseImageRef(image)).toThrow(/input "image"/);
  });
});

describe('migrationKey', () => {
  it('is stable and depends on digest, every word and word boundaries', () => {
    const k = migrationKey(D, ['alembic', 'upgrade', 'head']);
    expect(k).toMatch(/^[a-f0-9]{10}$/);
    expect(migrationKey(D, ['alembic', 'upgrade', 'head'])).toBe(k);
    expect(migrationKey(D2, ['alembic', 'upgrade', 'head'])).not.toBe(k);
    expect(migrationKey(D, ['alembic', 'upgrade', 'heads'])).not.toBe(k);
    expect(migrationKey(D, ['alembic', 'upgrade head'])).not.toBe(k);
    expect(migrationKey(D, ['alembic', 'upgrade', 'head'], 'plan')).not.toBe(k);
  });
});

describe('dnsLabel', () => {
  it.each([
    ['Dantaro_Backend', 'dantaro-backend'],
    ['--x--', 'x'],
    ['a..b', 'a-b'],
    ['', ''],
    ['ÄÖÜ', ''],
  ])('%s → %s', (text, out) => expect(dnsLabel(text)).toBe(out));

  it('cuts without leaving a trailing dash', () => {
    expect(dnsLabel('abcd-efgh', 5)).toBe('abcd');
  });
});

describe('jobName', () => {
  const key = migrationKey(D, ['alembic', 'upgrade', 'head']);
  it('is migrate-<target>-<key>', () => {
    expect(jobName('dantaro-backend', key)).toBe(`migrate-dantaro-backend-${key}`);
  });
  it('adds the attempt after the first', () => {
    expect(jobName('api', key, 2)).toBe(`migrate-api-${key}-2`);
    expect(attemptOf(jobName('api', key, 2), jobName('api', key))).toBe(2);
    expect(attemptOf(jobName('api', key), jobName('api', key))).toBe(1);
    expect(attemptOf('other', jobName('api', key))).toBeUndefined();
  });
  it.each(['x'.repeat(200), 'Very_Long.Name.With.Dots-and-UPPER-case-characters-everywhere-in-it', '', '___'])('stays a DNS-1123 label of ≤ 63 with room for suffixes: %s', (target) => {
    for (const name of [jobName(target, key), jobName(target, key, 99), planJobName(target, key), lockName(target)]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(DNS1123);
    }
    expect(jobName(target, key)).toContain(key);
  });
  it('falls back to "app" for a target with no usable characters', () => {
    expect(jobName('___', key)).toBe(`migrate-app-${key}`);
    expect(lockName('')).toBe('migrate-app');
  });
  it('uses one lock per target', () => {
    expect(lockName('dantaro-backend')).toBe('migrate-dantaro-backend');
  });
});
