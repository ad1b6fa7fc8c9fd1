import { baselineKeys } from './baseline';
import { DEFAULT_POLICY, evaluate } from './policy';
import { loadReport } from './report';
import { toSarif } from './sarif';
import { sarifValidator } from './sarif-validate';
import { fixture } from './test-helpers';

const TODAY = '2026-11-29';
const validate = sarifValidator();
type Sarif = { runs: Array<{ tool: { driver: { rules: Array<{ id: string; defaultConfiguration: { level: string }; properties: Record<string, unknown> }> } }; results: Array<Record<string, any>>; properties: Record<string, unknown> }> };

function sarifFor(file: string, opts: Parameters<typeof evaluate>[1] = { policy: DEFAULT_POLICY, today: TODAY }, max?: number): Sarif {
  const report = loadReport(fixture(file));
  return toSarif(report, evaluate(report.findings, opts), { maxResults: max }) as Sarif;
}

describe('toSarif', () => {
  test.each(['new-image.json', 'old-image.json', 'fs-config.json', 'clean.json'])('%s is valid SARIF 2.1.0', (file) => {
    expect(validate(sarifFor(file))).toEqual([]);
  });

  test('one rule per id, security-severity from the highest CVSS v3, level by severity', () => {
    const run = sarifFor('new-image.json').runs[0];
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const rule = (id: string) => run.tool.driver.rules.find((r) => r.id === id)!;
    expect(rule('CVE-2024-0001').properties['security-severity']).toBe('9.8');
    expect(rule('CVE-2024-0001').defaultConfiguration.level).toBe('error');
    expect(rule('CVE-2022-0006').defaultConfiguration.level).toBe('warning');
    expect(rule('CVE-2022-0006').properties['security-severity']).toBe('5.5');
    // no CVSS: the severity default (Trivy's values)
    expect(rule('aws-access-key-id').properties['security-severity']).toBe('9.5');
    // two results (openssl, libssl3) share the CVE-2024-0001 rule
    expect(run.results.filter((r) => r.ruleId === 'CVE-2024-0001')).toHaveLength(2);
    expect(run.results.every((r) => run.tool.driver.rules[r.ruleIndex].id === r.ruleId)).toBe(true);
  });

  test('only the reported set: waived and ignored (unfixed) findings are left out', () => {
    const report = loadReport(fixture('new-image.json'));
    const ev = evaluate(report.findings, { policy: DEFAULT_POLICY, today: TODAY, waivers: [{ id: 'CVE-2024-1000', reason: 'r', expires: '2027-01-01', source: { file: 'w', line: 1 } }] });
    const run = (toSarif(report, ev) as Sarif).runs[0];
    const ids = run.results.map((r) => r.ruleId);
    expect(ids).not.toContain('CVE-2024-1000'); // waived
    expect(ids).not.toContain('CVE-2024-0002'); // unfixed, ignored
    expect(ids).toContain('CVE-2022-0006'); // MEDIUM: reported, not failing
    expect(run.tool.driver.rules.map((r) => r.id)).not.toContain('CVE-2024-1000');
    expect(run.results).toHaveLength(8);
  });

  test('baselineState new/unchanged when a baseline is given', () => {
    const baseline = baselineKeys(loadReport(fixture('old-image.json')));
    const run = sarifFor('new-image.json', { policy: DEFAULT_POLICY, today: TODAY, baseline }).runs[0];
    const state = (pkg: string) => run.results.find((r) => r.locations[0].message.text.includes(`${pkg}@`))!.baselineState;
    expect(state('openssl')).toBe('unchanged');
    expect(state('libssl3')).toBe('new');
    expect(validate({ version: '2.1.0', runs: [run] })).toEqual([]);
  });

  test('capped at maxResults, failing first, and says so', () => {
    const run = sarifFor('new-image.json', undefined, 3).runs[0];
    expect(run.results).toHaveLength(3);
    expect(run.results[0].ruleId).toBe('aws-access-key-id');
    expect(run.properties.truncated).toBe(true);
  });

  test('locations: os packages point at the image, files at their path and line; URIs are valid', () => {
    const run = sarifFor('fs-config.json').runs[0];
    const ksv = run.results.find((r) => r.ruleId === 'KSV-0014')!;
    expect(ksv.locations[0].physicalLocation.artifactLocation.uri).toBe('deploy/k8s/backend.yaml');
    expect(ksv.locations[0].physicalLocation.region.startLine).toBe(21);
    const img = sarifFor('new-image.json').runs[0].results.find((r) => r.ruleId === 'CVE-2024-0001')!;
    expect(img.locations[0].physicalLocation.artifactLocation.uri).toBe('ghcr.io/dantaro/wallet:1.4.2');
  });
});
