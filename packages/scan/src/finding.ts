import type { Severity } from './severity';

export type FindingKind = 'vulnerability' | 'misconfiguration' | 'secret';

/**
 * One finding, normalised from any Trivy SchemaVersion 2 report. A vulnerability finding is one
 * VulnerabilityID for one installed package name@version in one target (duplicates merged).
 */
export interface Finding {
  kind: FindingKind;
  id: string;
  /** Other IDs a waiver may use (a misconfiguration's AVDID). */
  aliases?: string[];
  severity: Severity;
  target: string;
  /** Result.Class: os-pkgs, lang-pkgs, config, secret… */
  targetClass: string;
  pkgName?: string;
  installed?: string;
  /** FixedVersion as Trivy gave it (may be a comma-separated list); absent when no fix exists. */
  fixed?: string;
  /** Vulnerability Status (newer Trivy): affected, fixed, will_not_fix, end_of_life… */
  status?: string;
  title?: string;
  url: string;
  /** Highest CVSS v3 base score across sources (vulnerabilities only). */
  cvss?: number;
  /** Line in the target (misconfigurations, secrets). */
  line?: number;
  /** Identity within one report: dedupe key. */
  key: string;
  /** Identity across reports (baseline): survives image renames and package upgrades. */
  baseKey: string;
}
