import { buildTrivyArgs, DB_REPOSITORIES } from './trivy-args';

describe('buildTrivyArgs', () => {
  const base = { output: '/tmp/r.json', cacheDir: '/home/runner/.cache/trivy', ignoreFile: '/tmp/empty' };

  test('image scan: JSON to a file, every severity, mirror order, exit code 0, target after --', () => {
    const args = buildTrivyArgs({ ...base, target: { kind: 'image', ref: 'ghcr.io/dantaro/wallet@sha256:abc' } });
    expect(args).toEqual([
      'image', '--format', 'json', '--output', '/tmp/r.json', '--cache-dir', '/home/runner/.cache/trivy',
      '--db-repository', 'mirror.gcr.io/aquasec/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2',
      '--java-db-repository', 'mirror.gcr.io/aquasec/trivy-java-db:1,ghcr.io/aquasecurity/trivy-java-db:1',
      '--scanners', 'vuln,secret', '--ignorefile', '/tmp/empty', '--severity', 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
      '--exit-code', '0', '--no-progress', '--', 'ghcr.io/dantaro/wallet@sha256:abc',
    ]);
    expect(DB_REPOSITORIES[0]).toMatch(/^mirror\.gcr\.io/);
  });

  test('filesystem scan adds misconfigurations', () => {
    const args = buildTrivyArgs({ ...base, target: { kind: 'fs', path: '.' } });
    expect(args[0]).toBe('filesystem');
    expect(args[args.indexOf('--scanners') + 1]).toBe('vuln,misconfig,secret');
    expect(args.slice(-2)).toEqual(['--', '.']);
  });

  test('a target that looks like a flag stays a target', () => {
    const args = buildTrivyArgs({ ...base, target: { kind: 'fs', path: '--server=http://evil' } });
    expect(args.indexOf('--server=http://evil')).toBe(args.indexOf('--') + 1);
  });

  test('no credential ever reaches argv, whatever the environment holds', () => {
    const saved = { ...process.env };
    process.env.TRIVY_PASSWORD = 'canary-registry-password';
    process.env.GITHUB_TOKEN = 'ghs_canarytoken';
    try {
      const argv = buildTrivyArgs({ ...base, target: { kind: 'image', ref: 'app:1' } }).join(' ');
      expect(argv).not.toMatch(/canary|password|token|username/i);
    } finally {
      process.env = saved;
    }
  });
});
