import { securitySeverity } from './cvss';
import type { Assessed, Evaluation } from './policy';
import type { ScanReport } from './report';
import type { Severity } from './severity';

/** GitHub code scanning keeps at most 25 000 results per run; we keep the most important. */
export const SARIF_MAX_RESULTS = 25_000;

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', UNKNOWN: 'note' };
const RULE_NAME = { vulnerability: 'PackageVulnerability', misconfiguration: 'Misconfiguration', secret: 'Secret' } as const;

export interface SarifOptions {
  toolVersion?: string;
  maxResults?: number;
}

/**
 * SARIF 2.1.0 for the reported set: every finding that is neither waived nor ignored by status or
 * missing fix (failing, existing-in-baseline and below-threshold ones), one rule per finding id.
 */
export function toSarif(report: Pick<ScanReport, 'artifactName' | 'trivyVersion'>, evaluation: Evaluation, opts: SarifOptions = {}): object {
  const reported = evaluation.findings.filter((a) => a.state !== 'waived' && a.state !== 'ignored');
  // failing first, then by importance: evaluation.failing is already ordered
  const failingSet = new Set(evaluation.failing);
  const ordered = [...evaluation.failing, ...reported.filter((a) => !failingSet.has(a))];
  const kept = ordered.slice(0, opts.maxResults ?? SARIF_MAX_RESULTS);
  const hasBaseline = evaluation.newCounts !== undefined;

  const rules: object[] = [];
  const ruleIndex = new Map<string, number>();
  const results = kept.map((a) => {
    let index = ruleIndex.get(a.id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(a.id, index);
      rules.push(rule(a));
    } else {
      raiseRule(rules[index] as RuleObj, a);
    }
    const result: Record<string, unknown> = {
      ruleId: a.id,
      ruleIndex: index,
      level: LEVEL[a.severity],
      message: { text: message(a) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uriFor(a, report.artifactName) },
            region: { startLine: a.line ?? 1, startColumn: 1, endLine: a.line ?? 1, endColumn: 1 },
          },
          message: { text: a.pkgName ? `${a.target}: ${a.pkgName}@${a.installed}` : a.target },
        },
      ],
      partialFingerprints: { dantaroFinding: fingerprint(a.baseKey) },
      properties: { state: a.state },
    };
    if (hasBaseline) result.baselineState = a.isNew ? 'new' : 'unchanged';
    return result;
  });

  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Trivy',
            fullName: 'Trivy Vulnerability Scanner (gated by dantaro trivy-gate)',
            informationUri: 'https://github.com/aquasecurity/trivy',
            ...(report.trivyVersion ? { version: report.trivyVersion } : {}),
            rules,
          },
        },
        results,
        columnKind: 'utf16CodeUnits',
        properties: { artifactName: report.artifactName, truncated: reported.length > kept.length, reportedFindings: reported.length },
      },
    ],
  };
}

interface RuleObj {
  defaultConfiguration: { level: string };
  properties: { 'security-severity': string; tags: string[] };
}

function rule(a: Assessed): object {
  const text = a.title ?? a.id;
  return {
    id: a.id,
    name: RULE_NAME[a.kind],
    shortDescription: { text },
    fullDescription: { text },
    defaultConfiguration: { level: LEVEL[a.severity] },
    ...(a.url ? { helpUri: a.url } : {}),
    help: { text: `${a.kind} ${a.id} (${a.severity})${a.url ? `\n${a.url}` : ''}`, markdown: `**${a.kind} ${a.id}** (${a.severity})${a.url ? `\n\n[${a.url}](${a.url})` : ''}` },
    properties: {
      precision: 'very-high',
      'security-severity': securitySeverity(a.cvss, a.severity),
      tags: [a.kind, 'security', a.severity],
    },
  };
}

/** The same id in several packages may carry different scores: the rule keeps the highest. */
function raiseRule(r: RuleObj, a: Assessed): void {
  const score = securitySeverity(a.cvss, a.severity);
  if (Number(score) > Number(r.properties['security-severity'])) {
    r.properties['security-severity'] = score;
    r.defaultConfiguration.level = LEVEL[a.severity];
    r.properties.tags[2] = a.severity;
  }
}

function message(a: Assessed): string {
  if (a.kind === 'vulnerability') {
    return [
      `Package: ${a.pkgName}`,
      `Installed Version: ${a.installed}`,
      `Vulnerability ${a.id}`,
      `Severity: ${a.severity}`,
      `Fixed Version: ${a.fixed ?? ''}`,
      ...(a.url ? [`Link: [${a.id}](${a.url})`] : []),
    ].join('\n');
  }
  return `${a.kind === 'secret' ? 'Secret' : 'Misconfiguration'} ${a.id}: ${a.title ?? ''}\nSeverity: ${a.severity}${a.url ? `\nLink: [${a.id}](${a.url})` : ''}`;
}

/** A valid uri-reference: os packages point at the image, the rest at their file; spaces escaped. */
function uriFor(a: Assessed, artifactName: string): string {
  const raw = a.targetClass === 'os-pkgs' ? artifactName || a.target : a.target || artifactName;
  return encodeURI(raw || '.').replace(/%25([0-9A-Fa-f]{2})/g, '%$1').replace(/#/g, '%23');
}

function fingerprint(baseKey: string): string {
  // stable across runs and image rebuilds; the separator byte is not valid in JSON text otherwise
  return baseKey.replace(/\0/g, '/');
}
