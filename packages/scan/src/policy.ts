import type { Finding, FindingKind } from './finding';
import { bySeverity, severityRank, type Severity } from './severity';
import { WaiverIndex, daysLeft, expiresSoon, isExpired, type Waiver } from './waiver';

export interface Policy {
  /** Severities where any new, unwaived finding fails (limits override these per severity). */
  failOn: Severity[];
  /** Per-severity allowance: more than N new, unwaived findings of one kind fails them all. */
  limits: Partial<Record<Severity, number>>;
  /** Vulnerabilities without a FixedVersion cannot fail. */
  ignoreUnfixed: boolean;
  /** Vulnerability statuses (Trivy's Status) that cannot fail, e.g. will_not_fix. */
  ignoreStatuses: string[];
  /** Any vulnerability with a CVSS v3 score ≥ this fails. */
  maxCvss?: number;
}

export const DEFAULT_POLICY: Policy = { failOn: ['CRITICAL', 'HIGH'], limits: {}, ignoreUnfixed: true, ignoreStatuses: [] };

export type State = 'failing' | 'waived' | 'ignored' | 'existing' | 'ok';
export type FailReason = 'severity' | 'limit' | 'cvss' | 'secret';

export interface Assessed extends Finding {
  state: State;
  reasons: FailReason[];
  /** Absent from the baseline (true when there is no baseline). */
  isNew: boolean;
  waiver?: Waiver;
  /** Why it cannot fail: unfixed, or the status. */
  ignoredBecause?: string;
}

export interface SeverityCounts {
  total: number;
  fixable: number;
  failing: number;
  waived: number;
}

export interface KindCounts {
  total: number;
  failing: number;
  waived: number;
}

export interface Evaluation {
  result: 'pass' | 'fail';
  /** Vulnerability findings per severity (the `counts` output). */
  counts: Record<Severity, SeverityCounts>;
  /** New vulnerability findings per severity, when a baseline was given. */
  newCounts?: Record<Severity, number>;
  misconfigurations: KindCounts;
  secrets: KindCounts;
  /** Every finding with its verdict. */
  findings: Assessed[];
  /** Failing findings, most severe first. */
  failing: Assessed[];
  expiredWaivers: Array<{ waiver: Waiver; matched: number }>;
  expiringWaivers: Array<{ waiver: Waiver; daysLeft: number }>;
  unusedWaivers: Waiver[];
  /** Findings in the baseline that are gone now. */
  resolvedSinceBaseline?: number;
  today: string;
}

export interface EvaluateOptions {
  policy: Policy;
  waivers?: Waiver[];
  /** baseKeys of the earlier report's findings. */
  baseline?: Set<string>;
  /** `YYYY-MM-DD`, from the caller's clock. */
  today: string;
}

/** Applies the policy. Linear: one pass to classify, one to apply limits, one sort of the failing. */
export function evaluate(findings: Finding[], opts: EvaluateOptions): Evaluation {
  const { policy, today, baseline } = opts;
  const all = opts.waivers ?? [];
  const active = all.filter((w) => !isExpired(w, today));
  const expired = all.filter((w) => isExpired(w, today));
  const activeIndex = new WaiverIndex(active);
  const expiredIndex = new WaiverIndex(expired);
  const used = new Set<Waiver>();
  const expiredHits = new Map<Waiver, number>();
  const failOn = new Set(policy.failOn);
  const ignoreStatuses = new Set(policy.ignoreStatuses.map((s) => s.toLowerCase()));
  const candidates = new Map<string, Assessed[]>(); // kind+severity → new, unwaived, not ignored

  const assessed: Assessed[] = new Array(findings.length);
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    const a: Assessed = { ...f, state: 'ok', reasons: [], isNew: !baseline || !baseline.has(f.baseKey) };
    assessed[i] = a;
    const waiver = activeIndex.match(f);
    if (waiver) {
      a.state = 'waived';
      a.waiver = waiver;
      used.add(waiver);
      continue;
    }
    const stale = expiredIndex.match(f);
    if (stale) expiredHits.set(stale, (expiredHits.get(stale) ?? 0) + 1);
    if (f.kind === 'secret') {
      // a committed secret is never acceptable by severity or baseline: only an explicit waiver
      a.state = 'failing';
      a.reasons.push('secret');
      continue;
    }
    if (f.kind === 'vulnerability') {
      if (policy.ignoreUnfixed && !f.fixed) {
        a.state = 'ignored';
        a.ignoredBecause = 'no fix';
        continue;
      }
      if (f.status && ignoreStatuses.has(f.status.toLowerCase())) {
        a.state = 'ignored';
        a.ignoredBecause = f.status;
        continue;
      }
    }
    if (!a.isNew) {
      a.state = 'existing';
      continue;
    }
    if (f.kind === 'vulnerability' && policy.maxCvss !== undefined && f.cvss !== undefined && f.cvss >= policy.maxCvss) {
      a.reasons.push('cvss');
    }
    if (failOn.has(f.severity) && policy.limits[f.severity] === undefined) a.reasons.push('severity');
    if (a.reasons.length) a.state = 'failing';
    const group = `${f.kind}\0${f.severity}`;
    const list = candidates.get(group);
    if (list) list.push(a);
    else candidates.set(group, [a]);
  }

  // limits: more than N candidates of one kind and severity fail them all
  for (const [group, list] of candidates) {
    const severity = group.slice(group.indexOf('\0') + 1) as Severity;
    const limit = policy.limits[severity];
    if (limit === undefined || list.length <= limit) continue;
    for (const a of list) {
      a.reasons.push('limit');
      a.state = 'failing';
    }
  }

  const counts = bySeverity<SeverityCounts>(() => ({ total: 0, fixable: 0, failing: 0, waived: 0 }));
  const newCounts = baseline ? bySeverity(() => 0) : undefined;
  const kinds: Record<Exclude<FindingKind, 'vulnerability'>, KindCounts> = {
    misconfiguration: { total: 0, failing: 0, waived: 0 },
    secret: { total: 0, failing: 0, waived: 0 },
  };
  const failing: Assessed[] = [];
  for (const a of assessed) {
    if (a.state === 'failing') failing.push(a);
    if (a.kind === 'vulnerability') {
      const c = counts[a.severity];
      c.total++;
      if (a.fixed) c.fixable++;
      if (a.state === 'failing') c.failing++;
      if (a.state === 'waived') c.waived++;
      if (newCounts && a.isNew) newCounts[a.severity]++;
    } else {
      const c = kinds[a.kind];
      c.total++;
      if (a.state === 'failing') c.failing++;
      if (a.state === 'waived') c.waived++;
    }
  }
  failing.sort(byImportance);

  let resolved: number | undefined;
  if (baseline) {
    const now = new Set(findings.map((f) => f.baseKey));
    resolved = 0;
    for (const k of baseline) if (!now.has(k)) resolved++;
  }

  return {
    result: failing.length ? 'fail' : 'pass',
    counts,
    newCounts,
    misconfigurations: kinds.misconfiguration,
    secrets: kinds.secret,
    findings: assessed,
    failing,
    expiredWaivers: expired.map((waiver) => ({ waiver, matched: expiredHits.get(waiver) ?? 0 })),
    expiringWaivers: active.filter((w) => expiresSoon(w, today)).map((waiver) => ({ waiver, daysLeft: daysLeft(waiver, today)! })),
    unusedWaivers: active.filter((w) => !used.has(w)),
    resolvedSinceBaseline: resolved,
    today,
  };
}

const KIND_ORDER: Record<FindingKind, number> = { secret: 0, vulnerability: 1, misconfiguration: 2 };

/** Secrets first, then by severity, CVSS, id: the order a person should read them in. */
export function byImportance(a: Finding, b: Finding): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    severityRank(b.severity) - severityRank(a.severity) ||
    (b.cvss ?? 0) - (a.cvss ?? 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}
