import { baselineKeys } from './baseline';
import { DEFAULT_POLICY, evaluate } from './policy';
import { loadReport } from './report';
import { renderSummary, SUMMARY_MAX_ROWS } from './summary';
import { finding, fixture } from './test-helpers';

const TODAY = '2026-11-29';

describe('renderSummary', () => {
  test('counts table, failing findings with installed → fixed and links, waivers', () => {
    const report = loadReport(fixture('new-image.json'));
    const ev = evaluate(report.findings, {
      policy: DEFAULT_POLICY,
      today: TODAY,
      baseline: baselineKeys(loadReport(fixture('old-image.json'))),
      waivers: [
        { id: 'CVE-2024-1000', reason: 'admin only', expires: '2026-12-05', source: { file: 'w.yml', line: 3 } },
        { id: 'CVE-2023-0003', reason: 'old', expires: '2026-11-01', source: { file: 'w.yml', line: 7 } },
      ],
    });
    const md = renderSummary({ artifact: report.artifactName, evaluation: ev, policy: DEFAULT_POLICY, reportOnly: false });
    expect(md).toContain('## Trivy gate: ❌ fail');
    expect(md).toContain('| Severity | Total | Fixable | Failing | Waived | New vs baseline |');
    expect(md).toContain('| CRITICAL | 3 | 3 | 1 | 1 | 2 |');
    expect(md).toContain('| CRITICAL | [CVE-2024-0001](https://avd.aquasec.com/nvd/cve-2024-0001) | libssl3 | 3.0.11-1~deb12u2 → 3.0.13-1~deb12u1 |');
    expect(md).toContain('### Expired waivers (no longer applied)');
    expect(md).toContain('| CVE-2023-0003 | 2026-11-01 | 1 | w.yml:7 | old |');
    expect(md).toContain('| CVE-2024-1000 | 2026-12-05 | 6 | w.yml:3 | admin only |');
    expect(md).toContain('1 baseline finding(s) no longer present.');
  });

  test('report-only says the step passes; rows are capped; untrusted text cannot break the table', () => {
    const many = Array.from({ length: SUMMARY_MAX_ROWS + 5 }, (_, i) => finding({ id: `CVE-${i}`, severity: 'CRITICAL', pkgName: i === 0 ? 'evil|<script>' : 'p' }));
    const ev = evaluate(many, { policy: DEFAULT_POLICY, today: TODAY });
    const md = renderSummary({ artifact: 'a', evaluation: ev, policy: DEFAULT_POLICY, reportOnly: true });
    expect(md).toContain('⚠️ fail (report-only: the step passes)');
    expect(md).toContain('…and 5 more');
    expect(md).toContain('evil\\|&lt;script&gt;');
    expect(md).not.toContain('<script>');
  });
});
