import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWaivers, parseWaivers } from './waivers-file';

const parse = (text: string) => parseWaivers(text, 'waivers.yml');

describe('waivers file', () => {
  test('a list with optional package and target; line numbers kept', () => {
    const w = parse(`# accepted risks
- id: CVE-2024-0001
  package: openssl
  reason: not reachable, TLS terminated at the ALB
  expires: 2026-12-31
- id: DS002
  target: Dockerfile
  reason: needs root for the port
  expires: "2027-01-15"
`);
    expect(w).toEqual([
      { id: 'CVE-2024-0001', package: 'openssl', target: undefined, reason: 'not reachable, TLS terminated at the ALB', expires: '2026-12-31', source: { file: 'waivers.yml', line: 2 } },
      { id: 'DS002', package: undefined, target: 'Dockerfile', reason: 'needs root for the port', expires: '2027-01-15', source: { file: 'waivers.yml', line: 6 } },
    ]);
  });

  test('a `waivers:` key holding the list, and an empty file', () => {
    expect(parse('waivers:\n  - id: X\n    reason: r\n    expires: 2027-01-01\n')[0].source.line).toBe(2);
    expect(parse('')).toEqual([]);
    expect(parse('waivers:\n')).toEqual([]);
  });

  test.each([
    ['- id: CVE-1\n  expires: 2027-01-01\n', 'waivers.yml:1: waiver for CVE-1 has no "reason"; say why the risk is accepted'],
    ['- id: CVE-1\n  reason: ok\n  expires: 2027-01-01\n- id: CVE-2\n  reason: fine\n', 'waivers.yml:4: waiver for CVE-2 has no "expires" date (YYYY-MM-DD)'],
    ['- reason: r\n  expires: 2027-01-01\n', 'waivers.yml:1: waiver without "id" (the CVE, check or secret rule ID)'],
    ['- id: A\n  reason: r\n  expires: 2027-02-30\n', 'waivers.yml:1: waiver for A: expires "2027-02-30" is not a date; use YYYY-MM-DD'],
    ['- id: A\n  reason: r\n  expires: next year\n', 'waivers.yml:1: waiver for A: expires "next year" is not a date; use YYYY-MM-DD'],
    ['- id: A\n  reason: r\n  expire: 2027-01-01\n', 'waivers.yml:3: unknown waiver field "expire"; expected id, package, target, reason, expires'],
    ['- id: A\n  reason: [a, b]\n  expires: 2027-01-01\n', 'waivers.yml:2: waiver field "reason" must be a single value'],
    ['id: A\n', 'waivers.yml:1: expected a list of waivers (each with id, reason, expires; optional package, target)'],
    ['- just a string\n', 'waivers.yml:1: a waiver must be a mapping with id, reason and expires'],
    ['- id: A\n  reason: r\n  reason: s\n', 'waivers.yml:3: not valid YAML: Map keys must be unique'],
  ])('bad waiver %#', (text, msg) => {
    expect(() => parse(text)).toThrow(msg);
  });

  test('loadWaivers names a missing file', () => {
    expect(() => loadWaivers('/nope/waivers.yml')).toThrow('/nope/waivers.yml: cannot read the waivers file (ENOENT)');
    const dir = mkdtempSync(join(tmpdir(), 'waivers-'));
    writeFileSync(join(dir, 'w.yml'), '- id: A\n  reason: r\n  expires: 2027-01-01\n');
    expect(loadWaivers(join(dir, 'w.yml'))[0].source.file).toBe(join(dir, 'w.yml'));
  });
});
