import { evaluate, DEFAULT_POLICY, type Policy } from './policy';
import { loadReport } from './report';
import { baselineKeys } from './baseline';
import { finding, fixture } from './test-helpers';
import type { Waiver } from './waiver';

const TODAY = '2026-11-29';
const policy = (over: Partial<Policy> = {}): Policy => ({ ...DEFAULT_POLICY, ...over });
const waiver = (over: Partial<Waiver>): Waiver => ({ id: 'X', reason: 'r', expires: '2027-06-01', source: { file: 'w.yml', line: 1 }, ...over });
const image = () => loadReport(fixture('new-image.json')).findings;

describe('evaluate on the new-image fixture', () => {
  test('default policy: CRITICAL/HIGH fixable fail, unfixed ignored, the secret fails', () => {
    const ev = evaluate(image(), { policy: policy(), today: TODAY });
    expect(ev.result).toBe('fail');
    expect(ev.counts).toEqual({
      CRITICAL: { total: 3, fixable: 3, failing: 3, waived: 0 },
      HIGH: { total: 4, fixable: 2, failing: 2, waived: 0 },
      MEDIUM: { total: 3, fixable: 3, failing: 0, waived: 0 },
      LOW: { total: 1, fixable: 0, failing: 0, waived: 0 },
      UNKNOWN: { total: 1, fixable: 0, failing: 0, waived: 0 },
    });
    expect(ev.secrets).toEqual({ total: 1, failing: 1, waived: 0 });
    expect(ev.failing.map((a) => a.pkgName ?? a.id)).toEqual(['aws-access-key-id', 'libssl3', 'openssl', 'django', 'setuptools', 'libc6']);
    expect(ev.newCounts).toBeUndefined();
  });

  test('fail-on alone: only CRITICAL', () => {
    const ev = evaluate(image(), { policy: policy({ failOn: ['CRITICAL'] }), today: TODAY });
    expect(ev.counts.HIGH.failing).toBe(0);
    expect(ev.failing).toHaveLength(4);
  });

  test('fail-on NONE still fails on the secret', () => {
    const ev = evaluate(image(), { policy: policy({ failOn: [] }), today: TODAY });
    expect(ev.failing.map((a) => a.kind)).toEqual(['secret']);
  });

  test('ignore-unfixed off: unfixed HIGH now fails too', () => {
    const ev = evaluate(image(), { policy: policy({ ignoreUnfixed: false }), today: TODAY });
    expect(ev.counts.HIGH.failing).toBe(4);
  });

  test('ignore-statuses alone: will_not_fix cannot fail even when unfixed counts', () => {
    const ev = evaluate(image(), { policy: policy({ ignoreUnfixed: false, ignoreStatuses: ['will_not_fix'] }), today: TODAY });
    expect(ev.counts.HIGH.failing).toBe(3); // perl-base (will_not_fix) ignored, zlib1g (affected) fails
    expect(ev.findings.find((a) => a.pkgName === 'perl-base')).toMatchObject({ state: 'ignored', ignoredBecause: 'will_not_fix' });
  });

  test('limits alone: HIGH=2 allows the two fixable HIGH, HIGH=1 fails both', () => {
    expect(evaluate(image(), { policy: policy({ limits: { HIGH: 2 } }), today: TODAY }).counts.HIGH.failing).toBe(0);
    const over = evaluate(image(), { policy: policy({ limits: { HIGH: 1 } }), today: TODAY });
    expect(over.counts.HIGH.failing).toBe(2);
    expect(over.failing.filter((a) => a.severity === 'HIGH').every((a) => a.reasons.includes('limit'))).toBe(true);
  });

  test('limits on a severity outside fail-on: MEDIUM=2 with 3 MEDIUM fails them', () => {
    const ev = evaluate(image(), { policy: policy({ limits: { MEDIUM: 2 } }), today: TODAY });
    expect(ev.counts.MEDIUM.failing).toBe(3);
    expect(evaluate(image(), { policy: policy({ limits: { MEDIUM: 3 } }), today: TODAY }).counts.MEDIUM.failing).toBe(0);
  });

  test('max-cvss alone: any score ≥ 5.5 fails whatever the severity', () => {
    const ev = evaluate(image(), { policy: policy({ failOn: [], maxCvss: 5.5 }), today: TODAY });
    // fixable with a score ≥ 5.5: openssl, libssl3 (9.8), libc6 (7.8), coreutils (5.5), gnutls (5.9), django, requests (5.6), setuptools
    expect(ev.failing.filter((a) => a.kind === 'vulnerability').map((a) => a.pkgName).sort()).toEqual(
      ['coreutils', 'django', 'libc6', 'libgnutls30', 'libssl3', 'openssl', 'requests', 'setuptools'],
    );
    expect(ev.failing.find((a) => a.pkgName === 'coreutils')!.reasons).toEqual(['cvss']);
  });

  test('waivers: by id, by id+package, by name@version, by target', () => {
    const ev = evaluate(image(), {
      policy: policy(),
      today: TODAY,
      waivers: [
        waiver({ id: 'CVE-2024-0001', package: 'openssl' }),
        waiver({ id: 'CVE-2024-0001', package: 'libssl3@3.0.11-1~deb12u2' }),
        waiver({ id: 'CVE-2024-1000', target: 'Python' }),
        waiver({ id: 'aws-access-key-id' }),
        waiver({ id: 'CVE-2023-0003', target: 'somewhere else' }),
      ],
    });
    expect(ev.counts.CRITICAL).toEqual({ total: 3, fixable: 3, failing: 0, waived: 3 });
    expect(ev.secrets.waived).toBe(1);
    expect(ev.failing.map((a) => a.pkgName)).toEqual(['setuptools', 'libc6']);
    expect(ev.unusedWaivers.map((w) => w.id)).toEqual(['CVE-2023-0003']);
  });

  test('baseline alone: existing findings cannot fail, the secret still does', () => {
    const baseline = baselineKeys(loadReport(fixture('old-image.json')));
    const ev = evaluate(image(), { policy: policy(), today: TODAY, baseline });
    expect(ev.failing.map((a) => a.pkgName ?? a.id)).toEqual(['aws-access-key-id', 'libssl3', 'django']);
    expect(ev.findings.find((a) => a.pkgName === 'openssl')).toMatchObject({ state: 'existing', isNew: false });
    expect(ev.newCounts).toEqual({ CRITICAL: 2, HIGH: 2, MEDIUM: 3, LOW: 1, UNKNOWN: 1 });
    expect(ev.resolvedSinceBaseline).toBe(1); // curl
  });

  test('combined: baseline + waivers + limits + max-cvss + statuses', () => {
    const baseline = baselineKeys(loadReport(fixture('old-image.json')));
    const ev = evaluate(image(), {
      policy: policy({ failOn: ['CRITICAL'], limits: { MEDIUM: 1 }, maxCvss: 9.0, ignoreUnfixed: false, ignoreStatuses: ['will_not_fix', 'affected'] }),
      today: TODAY,
      baseline,
      waivers: [waiver({ id: 'CVE-2024-1000' }), waiver({ id: 'aws-access-key-id', expires: '2026-11-29' })],
    });
    // django waived; libssl3 CRITICAL new (fail-on + cvss); 3 new MEDIUM > limit 1; secret's waiver expired today
    expect(ev.failing.map((a) => `${a.pkgName ?? a.id}:${a.reasons.join('+')}`)).toEqual([
      'aws-access-key-id:secret', 'libssl3:cvss+severity', 'libgnutls30:limit', 'requests:limit', 'coreutils:limit',
    ]);
    expect(ev.expiredWaivers).toEqual([{ waiver: expect.objectContaining({ id: 'aws-access-key-id' }), matched: 1 }]);
  });
});

describe('waiver expiry around today', () => {
  const f = () => [finding({ id: 'CVE-1', severity: 'CRITICAL' })];
  test.each([
    ['2026-11-28', 'expired', undefined],
    ['2026-11-29', 'expired', undefined],
    ['2026-11-30', 'expiring', 1],
    ['2026-12-13', 'expiring', 14],
    ['2026-12-14', 'active', undefined],
  ])('expires %s → %s', (expires, state, daysLeft) => {
    const ev = evaluate(f(), { policy: policy(), today: TODAY, waivers: [waiver({ id: 'CVE-1', expires })] });
    expect(ev.result).toBe(state === 'expired' ? 'fail' : 'pass');
    expect(ev.expiredWaivers).toHaveLength(state === 'expired' ? 1 : 0);
    expect(ev.expiringWaivers.map((e) => e.daysLeft)).toEqual(daysLeft === undefined ? [] : [daysLeft]);
  });

  test('a .trivyignore entry without expiry never expires', () => {
    const ev = evaluate(f(), { policy: policy(), today: TODAY, waivers: [waiver({ id: 'CVE-1', expires: undefined, reason: undefined })] });
    expect(ev.result).toBe('pass');
    expect(ev.counts.CRITICAL.waived).toBe(1);
  });
});

describe('misconfigurations and secrets', () => {
  test('fs report: HIGH misconfigs fail by fail-on, the LOW one does not; AVDID waives', () => {
    const findings = loadReport(fixture('fs-config.json')).findings;
    const ev = evaluate(findings, { policy: policy(), today: TODAY });
    expect(ev.misconfigurations).toEqual({ total: 3, failing: 2, waived: 0 });
    expect(ev.failing.map((a) => a.id)).toEqual(['github-pat', 'CVE-2024-4068', 'DS002', 'KSV-0014']);
    const waived = evaluate(findings, { policy: policy(), today: TODAY, waivers: [waiver({ id: 'AVD-DS-0002' })] });
    expect(waived.misconfigurations.waived).toBe(1);
  });

  test('limits count each kind separately', () => {
    const fs = [finding({ kind: 'misconfiguration', id: 'DS1', severity: 'HIGH' }), finding({ severity: 'HIGH' })];
    expect(evaluate(fs, { policy: policy({ limits: { HIGH: 1 } }), today: TODAY }).result).toBe('pass');
  });
});

describe('scale', () => {
  test('30 000 findings and 1 000 waivers (indexed, so no quadratic matching)', () => {
    const many = Array.from({ length: 30_000 }, (_, i) => finding({ id: `CVE-${i}`, severity: i % 2 ? 'HIGH' : 'LOW' }));
    const waivers = Array.from({ length: 1000 }, (_, i) => waiver({ id: `CVE-${i * 7}` }));
    const ev = evaluate(many, { policy: policy(), today: TODAY, waivers, baseline: new Set(many.slice(0, 10).map((f) => f.baseKey)) });
    expect(ev.counts.HIGH.total + ev.counts.LOW.total).toBe(30_000);
    expect(ev.counts.HIGH.waived + ev.counts.LOW.waived).toBe(1000);
  });
});
