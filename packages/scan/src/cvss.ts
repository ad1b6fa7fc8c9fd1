import { DEFAULT_SECURITY_SEVERITY, type Severity } from './severity';

/** Highest CVSS v3 base score across every source Trivy lists (nvd, ghsa, redhat…), if any. */
export function maxCvssV3(cvss: unknown): number | undefined {
  if (!cvss || typeof cvss !== 'object') return undefined;
  let max: number | undefined;
  for (const source of Object.values(cvss as Record<string, unknown>)) {
    const score = (source as { V3Score?: unknown } | null)?.V3Score;
    if (typeof score === 'number' && Number.isFinite(score) && score > 0 && (max === undefined || score > max)) max = score;
  }
  return max;
}

/** The GitHub `security-severity` value: the CVSS score, else the severity-derived default. */
export function securitySeverity(cvss: number | undefined, severity: Severity): string {
  return (cvss ?? DEFAULT_SECURITY_SEVERITY[severity]).toFixed(1);
}
