import { JsonScanner, ScanError, lineOfOffset } from './json-scan';
import { parseReport } from './report';

describe('JsonScanner', () => {
  test('skips strings with escaped quotes and backslash runs', () => {
    const text = '{"a": "x\\"y\\\\", "b": ["]", {"c": "}\\\\\\""}], "d": 1}';
    const s = new JsonScanner(Buffer.from(text));
    const seen: Record<string, unknown> = {};
    expect(s.object(0, (k, at) => void (seen[k] = s.valueAt(at)))).toBe(text.length);
    expect(seen).toEqual(JSON.parse(text));
  });

  test('malformed input throws ScanError', () => {
    expect(() => new JsonScanner(Buffer.from('{"a": "open')).skipValue(0)).toThrow(ScanError);
    expect(() => new JsonScanner(Buffer.from('{"a" 1}')).object(0, () => {})).toThrow(ScanError);
  });

  test('lineOfOffset', () => {
    expect(lineOfOffset(Buffer.from('a\nb\nc'), 4)).toBe(3);
  });
});

describe('report reading order and shapes', () => {
  test('Target and Class after the findings, null lists, escaped and non-ASCII strings', () => {
    const r = parseReport(
      JSON.stringify({
        Results: [
          { Vulnerabilities: [{ VulnerabilityID: 'CVE-1', PkgName: 'ünïcode', InstalledVersion: '1', Title: 'quote " and \\ backslash', Severity: 'LOW' }], Misconfigurations: null, Target: 'app/pkg "x"', Class: 'lang-pkgs' },
          { Target: 'empty', Vulnerabilities: null },
        ],
        SchemaVersion: 2,
      }),
      'r.json',
    );
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ target: 'app/pkg "x"', targetClass: 'lang-pkgs', pkgName: 'ünïcode', title: 'quote " and \\ backslash' });
  });

  test('batches: findings spread over many 64 KB batches all arrive once', () => {
    const vulns = Array.from({ length: 3000 }, (_, i) => ({ VulnerabilityID: `CVE-${i}`, PkgName: 'p', InstalledVersion: '1', Severity: 'HIGH', Description: 'x'.repeat(200) }));
    const r = parseReport(JSON.stringify({ SchemaVersion: 2, Results: [{ Target: 't', Class: 'os-pkgs', Vulnerabilities: vulns }] }), 'r.json');
    expect(r.findings.map((f) => f.id)).toEqual(vulns.map((v) => v.VulnerabilityID));
  });
});
