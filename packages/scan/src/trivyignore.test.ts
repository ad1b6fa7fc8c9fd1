import { loadTrivyignore, parseTrivyignore } from './trivyignore';

describe('.trivyignore', () => {
  test('ids, comments, exp: dates and trailing words', () => {
    const w = parseTrivyignore('# header\nCVE-2024-0001\n\nCVE-2024-0002 exp:2026-12-01 # upstream fix pending\n  AVD-DS-0002  \naws-access-key-id exp:2027-01-01\n', '.trivyignore');
    expect(w.map((x) => [x.id, x.expires, x.source.line])).toEqual([
      ['CVE-2024-0001', undefined, 2],
      ['CVE-2024-0002', '2026-12-01', 4],
      ['AVD-DS-0002', undefined, 5],
      ['aws-access-key-id', '2027-01-01', 6],
    ]);
    expect(w[1].reason).toBe('upstream fix pending');
  });

  test('a bad expiry names the file and line', () => {
    expect(() => parseTrivyignore('CVE-1\nCVE-2 exp:2026-13-01\n', 'ci/.trivyignore')).toThrow('ci/.trivyignore:2: "exp:2026-13-01" is not a valid expiry; use exp:YYYY-MM-DD');
  });

  test('the YAML form is refused with a pointer to waivers', () => {
    expect(() => loadTrivyignore('/nope/.trivyignore.yaml')).toThrow('/nope/.trivyignore.yaml: .trivyignore.yaml is not supported here; use the waivers input (it requires a reason and an expiry)');
  });
});
