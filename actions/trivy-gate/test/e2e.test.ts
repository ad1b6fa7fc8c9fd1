import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoLeak, runAction, type ActionRun } from '@dantaro/testkit';
import { sarifValidator } from '../../../packages/scan/src/sarif-validate';
import { day, fakeTrivyRelease, fixture, tmp, writeFile, type FakeRelease } from './helpers';

/** End to end through dist/trivy-gate/index.js, as the runner runs it. */
const gate = (inputs: Record<string, string>, opts: { env?: Record<string, string>; cwd?: string } = {}) =>
  runAction('trivy-gate', { inputs, ...opts });
const counts = (run: ActionRun) => JSON.parse(run.outputs.counts);
const failing = (run: ActionRun) => JSON.parse(run.outputs.failing) as Array<Record<string, string>>;
const IMAGE = fixture('new-image.json');

describe('trivy-gate: report input and policy', () => {
  test('default policy fails CRITICAL/HIGH fixable and the secret; outputs, summary, annotations', async () => {
    const run = await gate({ report: IMAGE });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('fail');
    expect(counts(run)).toEqual({
      CRITICAL: { total: 3, fixable: 3, failing: 3, waived: 0 },
      HIGH: { total: 4, fixable: 2, failing: 2, waived: 0 },
      MEDIUM: { total: 3, fixable: 3, failing: 0, waived: 0 },
      LOW: { total: 1, fixable: 0, failing: 0, waived: 0 },
      UNKNOWN: { total: 1, fixable: 0, failing: 0, waived: 0 },
    });
    expect(failing(run)[1]).toEqual({ kind: 'vulnerability', id: 'CVE-2024-0001', package: 'libssl3', installed: '3.0.11-1~deb12u2', fixed: '3.0.13-1~deb12u1', severity: 'CRITICAL', target: 'ghcr.io/dantaro/wallet:1.4.2 (debian 12.5)' });
    expect(failing(run)).toHaveLength(6);
    expect(run.outputs.sarif).toBe('');
    expect(run.summary).toContain('| HIGH | 4 | 2 | 2 | 0 |');
    expect(run.summary).toContain('[CVE-2024-1000](https://avd.aquasec.com/nvd/cve-2024-1000) | django | 4.2.1 → 4.2.14, 5.0.7');
    expect(run.stdout).toContain('::error::6 finding(s) fail the policy');
    expect(run.stdout).toContain('::error title=trivy-gate%3A CRITICAL aws-access-key-id::');
  });

  test('report-only: result fail, step passes', async () => {
    const run = await gate({ report: IMAGE, 'report-only': 'true' });
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('fail');
    expect(run.stdout).toContain('::warning::report-only: 6 finding(s) fail the policy');
    expect(run.summary).toContain('report-only: the step passes');
  });

  test('a clean report passes', async () => {
    const run = await gate({ report: fixture('clean.json') });
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('pass');
    expect(failing(run)).toEqual([]);
    expect(run.summary).toContain('✅ pass');
  });

  test.each([
    [{ 'fail-on': 'CRITICAL' }, 4],
    [{ 'fail-on': 'none' }, 1],
    [{ limits: 'HIGH=2' }, 4],
    [{ limits: 'HIGH=1' }, 6],
    [{ 'ignore-unfixed': 'false' }, 8],
    [{ 'ignore-unfixed': 'false', 'ignore-statuses': 'will_not_fix' }, 7],
    [{ 'fail-on': 'NONE', 'max-cvss': '9.5' }, 4],
    [{ 'fail-on': 'NONE', 'max-cvss': '5.5' }, 9],
  ])('policy %j → %i failing', async (inputs, n) => {
    const run = await gate({ report: IMAGE, ...inputs });
    expect(failing(run)).toHaveLength(n);
    expect(run.outputs.result).toBe('fail');
  });

  test('waivers around today: expired stop applying and are listed, expiring soon are warned', async () => {
    const dir = tmp('waivers');
    const file = writeFile(dir, 'waivers.yml', `
- id: CVE-2024-0001
  package: openssl
  reason: TLS terminates at the load balancer
  expires: ${day(30)}
- id: CVE-2024-0001
  package: libssl3
  reason: same library
  expires: ${day(5)}
- id: CVE-2024-1000
  reason: admin only
  expires: ${day(0)}
- id: aws-access-key-id
  target: /app/config/settings.py
  reason: test key, rotated
  expires: ${day(-1)}
`);
    const run = await gate({ report: IMAGE, waivers: file });
    expect(counts(run).CRITICAL).toEqual({ total: 3, fixable: 3, failing: 1, waived: 2 });
    expect(failing(run).map((f) => f.package || f.id)).toEqual(['aws-access-key-id', 'django', 'setuptools', 'libc6']);
    expect(run.stdout).toContain(`::warning title=Expired waiver,file=${file},line=10::waiver for CVE-2024-1000 expired on ${day(0)}`);
    expect(run.stdout).toContain(`::warning title=Expired waiver,file=${file},line=13::waiver for aws-access-key-id expired on ${day(-1)}`);
    expect(run.stdout).toContain(`::warning title=Waiver expiring soon,file=${file},line=6::waiver for CVE-2024-0001 expires on ${day(5)} (5 day(s) left)`);
    expect(run.stdout).not.toContain(`expires on ${day(30)}`);
    expect(run.summary).toContain('### Expired waivers (no longer applied)');
    expect(run.summary).toContain('### Waivers expiring soon');
  });

  test('all waived → pass', async () => {
    const dir = tmp('waivers');
    const lines = ['CVE-2024-0001', 'CVE-2024-1000', 'CVE-2024-1002', 'CVE-2023-0003', 'aws-access-key-id'].map((id) => `- {id: ${id}, reason: accepted, expires: ${day(60)}}`);
    const run = await gate({ report: IMAGE, waivers: writeFile(dir, 'w.yml', lines.join('\n')) });
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('pass');
    expect(counts(run).CRITICAL.waived).toBe(3);
  });

  test('trivyignore input honours exp:', async () => {
    const dir = tmp('ignore');
    const file = writeFile(dir, 'ignore.txt', `# ours\nCVE-2024-0001\naws-access-key-id exp:${day(-3)}\nCVE-2024-1000 exp:${day(3)}\n`);
    const run = await gate({ report: IMAGE, trivyignore: file });
    expect(counts(run).CRITICAL).toEqual({ total: 3, fixable: 3, failing: 0, waived: 3 });
    expect(failing(run).map((f) => f.id)).toEqual(['aws-access-key-id', 'CVE-2024-1002', 'CVE-2023-0003']);
    expect(run.stdout).toContain(`file=${file},line=3::waiver for aws-access-key-id expired on ${day(-3)}`);
  });

  test('.trivyignore in the working directory is used by default', async () => {
    const dir = tmp('cwd');
    writeFile(dir, '.trivyignore', 'CVE-2024-0001\nCVE-2024-1000\nCVE-2024-1002\nCVE-2023-0003\naws-access-key-id\n');
    const run = await gate({ report: IMAGE }, { cwd: dir });
    expect(run.outputs.result).toBe('pass');
    expect(counts(run).HIGH.waived).toBe(2);
  });

  test('baseline: only new findings fail; the table shows new vs baseline', async () => {
    const run = await gate({ report: IMAGE, baseline: fixture('old-image.json') });
    expect(failing(run).map((f) => f.package || f.id)).toEqual(['aws-access-key-id', 'libssl3', 'django']);
    expect(run.summary).toContain('| Severity | Total | Fixable | Failing | Waived | New vs baseline |');
    expect(run.summary).toContain('| CRITICAL | 3 | 3 | 2 | 0 | 2 |');
    expect(run.summary).toContain('1 baseline finding(s) no longer present.');
  });

  test('the same report as its own baseline: nothing new, only the secret fails', async () => {
    const run = await gate({ report: IMAGE, baseline: IMAGE });
    expect(failing(run).map((f) => f.kind)).toEqual(['secret']);
  });

  test('sarif: written, output set, valid against the SARIF 2.1.0 schema', async () => {
    const dir = tmp('sarif');
    const path = join(dir, 'nested', 'trivy.sarif');
    const run = await gate({ report: IMAGE, sarif: path, baseline: fixture('old-image.json') });
    expect(run.outputs.sarif).toBe(path);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    expect(sarifValidator()(doc)).toEqual([]);
    expect(doc.runs[0].results.some((r: { baselineState?: string }) => r.baselineState === 'unchanged')).toBe(true);
  });

  test('misconfigurations and secrets from a filesystem report', async () => {
    const run = await gate({ report: fixture('fs-config.json') });
    expect(failing(run).map((f) => `${f.kind}:${f.id}`)).toEqual(['secret:github-pat', 'vulnerability:CVE-2024-4068', 'misconfiguration:DS002', 'misconfiguration:KSV-0014']);
    expect(run.summary).toContain('| Misconfigurations | 3 | 2 | 0 |');
  });

  test('combined: waivers + trivyignore + baseline + limits + max-cvss + statuses + sarif', async () => {
    const dir = tmp('combined');
    const sarif = join(dir, 'out.sarif');
    const run = await gate({
      report: IMAGE,
      'fail-on': 'CRITICAL',
      limits: 'MEDIUM=1',
      'max-cvss': '9.0',
      'ignore-unfixed': 'false',
      'ignore-statuses': 'will_not_fix,affected',
      waivers: writeFile(dir, 'w.yml', `- id: CVE-2024-1000\n  reason: admin only\n  expires: ${day(90)}\n`),
      trivyignore: writeFile(dir, 'ti', `aws-access-key-id exp:${day(0)}\n`),
      baseline: fixture('old-image.json'),
      sarif,
    });
    expect(failing(run).map((f) => f.package || f.id)).toEqual(['aws-access-key-id', 'libssl3', 'libgnutls30', 'requests', 'coreutils']);
    expect(sarifValidator()(JSON.parse(readFileSync(sarif, 'utf8')))).toEqual([]);
  });

  test('a generated large report (20 000 findings) caps the failing output at 100', async () => {
    const { writeReport } = await import('../../../packages/scan/test-fixtures/generate');
    const dir = tmp('large');
    await writeReport(join(dir, 'big.json'), { findings: 20_000, seed: 3 });
    const run = await gate({ report: join(dir, 'big.json'), 'report-only': 'true', sarif: join(dir, 'big.sarif') });
    expect(run.code).toBe(0);
    expect(failing(run)).toHaveLength(100);
    const c = counts(run);
    expect(Object.values(c).reduce((n: number, s) => n + (s as { total: number }).total, 0)).toBe(20_000);
    expect(run.summary).toMatch(/…and \d+ more/);
  });
});

describe('trivy-gate: bad input fails before anything runs', () => {
  const dir = tmp('bad');
  test.each([
    [{}, 'give one of the inputs "image", "scan-ref" or "report"'],
    [{ image: 'app:1', report: IMAGE }, 'inputs "image" and "report" were both given; give exactly one'],
    [{ report: IMAGE, 'fail-on': 'CRITICAL,SEVERE' }, 'input "fail-on": "SEVERE" is not a severity; expected some of CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN (or NONE)'],
    [{ report: IMAGE, limits: 'HIGH=lots' }, 'input "limits": "HIGH=lots" is not valid; use SEVERITY=N such as HIGH=5'],
    [{ report: IMAGE, 'max-cvss': '11' }, 'input "max-cvss": "11" is not valid; expected a number ≥ 0 ≤ 10'],
    [{ report: IMAGE, 'ignore-statuses': 'wontfix' }, 'input "ignore-statuses": "wontfix" is not a Trivy status'],
    [{ report: IMAGE, 'trivy-version': 'latest' }, 'input "trivy-version": "latest" is not a release version; use one such as 0.72.0'],
    [{ report: '/nope/report.json' }, 'input "report": /nope/report.json does not exist'],
    [{ report: IMAGE, waivers: '/nope/w.yml' }, 'input "waivers": /nope/w.yml does not exist'],
    [{ report: fixture('not-trivy.json') }, `${fixture('not-trivy.json')}:1: not a Trivy JSON report: no SchemaVersion field`],
    [{ report: fixture('bad-severity.json') }, `${fixture('bad-severity.json')}:22: unknown severity "SEVERE"`],
    [{ report: IMAGE, waivers: writeFile(dir, 'no-reason.yml', `- id: CVE-1\n  reason: ok\n  expires: 2030-01-01\n- id: CVE-2\n  expires: 2030-01-01\n`) }, 'no-reason.yml:4: waiver for CVE-2 has no "reason"'],
    [{ report: IMAGE, waivers: writeFile(dir, 'no-expiry.yml', `- id: CVE-1\n  reason: ok\n`) }, 'no-expiry.yml:1: waiver for CVE-1 has no "expires" date'],
    [{ report: IMAGE, baseline: fixture('not-trivy.json') }, 'not-trivy.json:1: not a Trivy JSON report'],
  ])('%j', async (inputs, message) => {
    const run = await gate(inputs as Record<string, string>);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::');
    expect(run.stdout).toContain(message);
    expect(run.outputs.result).toBeUndefined();
  });
});

describe('trivy-gate: scanning with a checksum-verified Trivy (fake release over local HTTP)', () => {
  let release: FakeRelease;
  const CANARY = 'canary-registry-password-7f3a';
  beforeAll(async () => {
    release = await fakeTrivyRelease('0.72.0');
  });
  afterAll(async () => {
    await release.close();
  });
  const env = (dir: string, report: string) => ({
    DANTARO_TRIVY_RELEASES_URL: release.url,
    RUNNER_TOOL_CACHE: join(dir, 'toolcache'),
    RUNNER_TEMP: dir,
    HOME: dir,
    FAKE_TRIVY_ARGV: join(dir, 'argv'),
    FAKE_TRIVY_REPORT: report,
    TRIVY_PASSWORD: CANARY,
  });

  test('image: downloads, verifies, caches, runs Trivy with the built args; the credential stays in env', async () => {
    release.setChecksums(`${release.tarSha}  trivy_0.72.0_Linux-64bit.tar.gz\n`);
    const dir = tmp('image');
    const run = await gate({ image: 'ghcr.io/dantaro/wallet@sha256:abc', sarif: join(dir, 's.sarif') }, { env: env(dir, IMAGE) });
    expect(run.outputs.result).toBe('fail');
    expect(run.stdout).toMatch(/trivy_0.72.0_Linux-64bit.tar.gz: sha256 [0-9a-f]{64} matches trivy_0.72.0_checksums.txt/);
    const argv = readFileSync(join(dir, 'argv'), 'utf8').trim().split('\n');
    expect(argv[0]).toBe('image');
    expect(argv.slice(-2)).toEqual(['--', 'ghcr.io/dantaro/wallet@sha256:abc']);
    expect(argv.join(' ')).not.toContain(CANARY);
    expect(readFileSync(join(dir, 'argv.env'), 'utf8')).toContain(`TRIVY_PASSWORD=${CANARY}`); // reached Trivy by env
    expect(existsSync(join(dir, 'toolcache', 'trivy', '0.72.0', 'x64', 'trivy'))).toBe(true);
    assertNoLeak(run, [CANARY]);
  });

  test('scan-ref: filesystem scan of a directory', async () => {
    release.setChecksums(`${release.tarSha}  trivy_0.72.0_Linux-64bit.tar.gz\n`);
    const dir = tmp('fs');
    const run = await gate({ 'scan-ref': dir, 'report-only': 'true' }, { env: env(dir, fixture('fs-config.json')) });
    expect(run.code).toBe(0);
    const argv = readFileSync(join(dir, 'argv'), 'utf8').trim().split('\n');
    expect(argv[0]).toBe('filesystem');
    expect(argv[argv.indexOf('--scanners') + 1]).toBe('vuln,misconfig,secret');
    expect(failing(run)).toHaveLength(4);
  });

  test('a checksum mismatch stops before Trivy is extracted or run', async () => {
    release.setChecksums(`${'0'.repeat(64)}  trivy_0.72.0_Linux-64bit.tar.gz\n`);
    const dir = tmp('tampered');
    const run = await gate({ image: 'app:1' }, { env: env(dir, IMAGE) });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::checksum mismatch for trivy_0.72.0_Linux-64bit.tar.gz: expected sha256 0{64}, got [0-9a-f]{64}; refusing to run it/);
    expect(existsSync(join(dir, 'argv'))).toBe(false);
    expect(existsSync(join(dir, 'toolcache', 'trivy'))).toBe(false);
    expect(run.outputs.result).toBeUndefined();
  });
});
