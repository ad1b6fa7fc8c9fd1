import { UserError } from '@dantaro/core';

/** Trivy's severities, most severe first (the order every table and sort uses). */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type Severity = (typeof SEVERITIES)[number];

const RANK: Record<Severity, number> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 };

export function isSeverity(s: string): s is Severity {
  return Object.prototype.hasOwnProperty.call(RANK, s);
}

export function severityRank(s: Severity): number {
  return RANK[s];
}

/** Severity names from a user list (case-insensitive); `what` names the input for the error. */
export function parseSeverityList(items: string[], what: string): Severity[] {
  const out: Severity[] = [];
  for (const raw of items) {
    const s = raw.trim().toUpperCase();
    if (s === 'NONE') continue;
    if (!isSeverity(s)) throw new UserError(`${what}: "${raw}" is not a severity; expected some of ${SEVERITIES.join(', ')} (or NONE)`);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

/** Empty per-severity record, so every key is present in JSON outputs. */
export function bySeverity<T>(make: () => T): Record<Severity, T> {
  return { CRITICAL: make(), HIGH: make(), MEDIUM: make(), LOW: make(), UNKNOWN: make() };
}

/** The scores Trivy's SARIF writer uses when a finding has no CVSS v3 score. */
export const DEFAULT_SECURITY_SEVERITY: Record<Severity, number> = { CRITICAL: 9.5, HIGH: 8.0, MEDIUM: 5.5, LOW: 2.0, UNKNOWN: 0.0 };
