import { loadReport, type ScanReport } from './report';

/**
 * An earlier report's findings by their cross-report identity (kind, id, package name, target; the
 * os-pkgs target and installed version are left out because they change with every image build).
 */
export function baselineKeys(report: ScanReport): Set<string> {
  return new Set(report.findings.map((f) => f.baseKey));
}

export function loadBaseline(file: string): Set<string> {
  return baselineKeys(loadReport(file));
}
