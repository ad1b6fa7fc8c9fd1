/**
 * The Trivy command line, built by a pure function so it can be tested. Nothing secret ever goes
 * here: registry credentials reach Trivy through its environment (TRIVY_USERNAME/TRIVY_PASSWORD or
 * the Docker config), never argv.
 */
export type ScanTarget = { kind: 'image'; ref: string } | { kind: 'fs'; path: string };

/** Trivy's documented mirror order: Google's mirror first (no GHCR rate limit), then GHCR. */
export const DB_REPOSITORIES = ['mirror.gcr.io/aquasec/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'];
export const JAVA_DB_REPOSITORIES = ['mirror.gcr.io/aquasec/trivy-java-db:1', 'ghcr.io/aquasecurity/trivy-java-db:1'];

export interface TrivyArgsOptions {
  target: ScanTarget;
  /** Where Trivy writes its JSON report. */
  output: string;
  cacheDir: string;
  /** An empty file: we apply .trivyignore ourselves so ignored findings are still counted. */
  ignoreFile: string;
}

export function buildTrivyArgs(o: TrivyArgsOptions): string[] {
  const scanners = o.target.kind === 'image' ? 'vuln,secret' : 'vuln,misconfig,secret';
  return [
    o.target.kind === 'image' ? 'image' : 'filesystem',
    '--format', 'json',
    '--output', o.output,
    '--cache-dir', o.cacheDir,
    '--db-repository', DB_REPOSITORIES.join(','),
    '--java-db-repository', JAVA_DB_REPOSITORIES.join(','),
    '--scanners', scanners,
    '--ignorefile', o.ignoreFile,
    // every severity and status: the gate decides, and counts need the full picture
    '--severity', 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
    '--exit-code', '0',
    '--no-progress',
    '--', // the target can never be read as a flag
    o.target.kind === 'image' ? o.target.ref : o.target.path,
  ];
}
