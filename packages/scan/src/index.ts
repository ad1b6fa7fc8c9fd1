// Trivy report model, policy, baseline diff, SARIF, summary, and the Trivy installer/runner.
export * from './severity';
export * from './dates';
export * from './finding';
export * from './cvss';
export * from './report';
export * from './waiver';
export * from './waivers-file';
export * from './trivyignore';
export * from './baseline';
export * from './policy';
export * from './sarif';
export * from './summary';
export * from './trivy-args';
export * from './install';
export * from './run-trivy';
