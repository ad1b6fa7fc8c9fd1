import { isUserError } from '@dantaro/core';
import { generateReport } from '../test-fixtures/generate';
import { loadReport, parseReport } from './report';
import { fixture } from './test-helpers';

const errorOf = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    expect(isUserError(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected a UserError');
};

describe('parseReport', () => {
  test('new Trivy shape: dedupes one id per package@version per target, keeps comma FixedVersion', () => {
    const r = loadReport(fixture('new-image.json'));
    expect(r.trivyVersion).toBe('0.72.0');
    expect(r.artifactName).toBe('ghcr.io/dantaro/wallet:1.4.2');
    const vulns = r.findings.filter((f) => f.kind === 'vulnerability');
    expect(vulns).toHaveLength(12);
    expect(r.duplicates).toBe(1);
    const openssl = vulns.filter((f) => f.id === 'CVE-2024-0001');
    expect(openssl.map((f) => f.pkgName).sort()).toEqual(['libssl3', 'openssl']);
    const django = vulns.find((f) => f.pkgName === 'django')!;
    expect(django.fixed).toBe('4.2.14, 5.0.7');
    expect(django.cvss).toBe(9.8); // max of nvd 9.8 and ghsa 9.1
    expect(django.targetClass).toBe('lang-pkgs');
    expect(vulns.find((f) => f.pkgName === 'perl-base')!.fixed).toBeUndefined(); // "" means no fix
    expect(vulns.find((f) => f.pkgName === 'bash')!.severity).toBe('UNKNOWN');
    expect(vulns.find((f) => f.pkgName === 'zlib1g')!.status).toBe('affected');
  });

  test('secrets keep no Match or Code', () => {
    const r = loadReport(fixture('new-image.json'));
    const secret = r.findings.find((f) => f.kind === 'secret')!;
    expect(secret).toMatchObject({ id: 'aws-access-key-id', severity: 'CRITICAL', line: 12, target: '/app/config/settings.py' });
    expect(JSON.stringify(secret)).not.toMatch(/\*\*\*\*|AWS_ACCESS_KEY_ID =/);
  });

  test('old Trivy shape (no Status, PkgIdentifier, Fingerprint, Trivy) and a Result without findings', () => {
    const r = loadReport(fixture('old-image.json'));
    expect(r.trivyVersion).toBeUndefined();
    expect(r.findings).toHaveLength(4);
    expect(r.findings.every((f) => f.status === undefined)).toBe(true);
    expect(r.findings[0].url).toBe('https://avd.aquasec.com/nvd/cve-2024-0001');
  });

  test('baseKey ignores the os-pkgs target (image tag) and the installed version', () => {
    const now = loadReport(fixture('new-image.json')).findings.find((f) => f.pkgName === 'openssl')!;
    const before = loadReport(fixture('old-image.json')).findings.find((f) => f.pkgName === 'openssl')!;
    expect(now.target).not.toBe(before.target);
    expect(now.installed).not.toBe(before.installed);
    expect(now.baseKey).toBe(before.baseKey);
  });

  test('misconfigurations: only FAIL, old and new IDs with AVDID as alias; secrets and npm vulns', () => {
    const r = loadReport(fixture('fs-config.json'));
    const m = r.findings.filter((f) => f.kind === 'misconfiguration');
    expect(m.map((f) => f.id).sort()).toEqual(['DS002', 'DS026', 'KSV-0014']);
    expect(m.find((f) => f.id === 'DS002')!.aliases).toEqual(['AVD-DS-0002']);
    expect(m.find((f) => f.id === 'KSV-0014')!.line).toBe(21);
    expect(r.findings.filter((f) => f.kind === 'secret')).toHaveLength(1);
    expect(r.findings.find((f) => f.pkgName === 'braces')!.targetClass).toBe('lang-pkgs');
  });

  test('a clean report without Results', () => {
    expect(loadReport(fixture('clean.json')).findings).toEqual([]);
  });

  test('unknown severity names the file and line', () => {
    expect(errorOf(() => loadReport(fixture('bad-severity.json'))).message).toBe(
      `${fixture('bad-severity.json')}:22: unknown severity "SEVERE"; expected CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN`,
    );
  });

  test('severity is case-insensitive, missing severity is UNKNOWN', () => {
    const r = parseReport(JSON.stringify({ SchemaVersion: 2, Results: [{ Target: 't', Vulnerabilities: [{ VulnerabilityID: 'A', Severity: 'high' }, { VulnerabilityID: 'B' }] }] }), 'r.json');
    expect(r.findings.map((f) => f.severity)).toEqual(['HIGH', 'UNKNOWN']);
  });

  test.each([
    ['not-trivy.json', /not-trivy.json:1: not a Trivy JSON report: no SchemaVersion field/],
  ])('%s is refused', (file, msg) => {
    expect(errorOf(() => loadReport(fixture(file))).message).toMatch(msg);
  });

  test('a SARIF file, an array (SchemaVersion 1 era) and broken JSON are refused with a line', () => {
    expect(errorOf(() => parseReport('{"version":"2.1.0","runs":[]}', 's.sarif')).message).toMatch(/s.sarif:1: not a Trivy JSON report/);
    expect(errorOf(() => parseReport('[{"Target":"x"}]', 'old.json')).message).toMatch(/no SchemaVersion/);
    expect(errorOf(() => parseReport('{\n  "SchemaVersion": 2,\n  "Results": [\n    {,\n  ]\n}', 'broken.json')).message).toMatch(/^broken.json:4: not a Trivy JSON report/);
    expect(errorOf(() => parseReport('{\n"SchemaVersion": 3}', 'v3.json')).message).toMatch(/v3.json:2: Trivy report SchemaVersion 3 is not supported/);
    expect(errorOf(() => parseReport('{"SchemaVersion": 2, "Results": {}}', 'r.json')).message).toMatch(/Results is not a list/);
    expect(errorOf(() => parseReport('{"SchemaVersion": 2, "Results": [{"Vulnerabilities": [{"PkgName": "x"}]}]}', 'r.json')).message).toMatch(/vulnerability without VulnerabilityID/);
  });

  test('a missing file is a UserError naming it', () => {
    expect(errorOf(() => loadReport('/nonexistent/report.json')).message).toMatch(/\/nonexistent\/report.json: cannot read the report \(ENOENT\)/);
  });

  test('generated large report: every entry counted once, duplicates merged', () => {
    const text = generateReport({ findings: 5_000, targets: 8, duplicateRate: 0.05, seed: 7 });
    const raw = JSON.parse(text) as { Results: Array<{ Vulnerabilities: unknown[] }> };
    const entries = raw.Results.reduce((n, r) => n + r.Vulnerabilities.length, 0);
    const r = parseReport(text, 'big.json');
    expect(r.findings).toHaveLength(5_000);
    expect(r.duplicates).toBe(entries - 5_000);
    expect(r.duplicates).toBeGreaterThan(150);
  });
});
