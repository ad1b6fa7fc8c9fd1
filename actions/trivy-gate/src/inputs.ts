import { existsSync, statSync } from 'node:fs';
import { UserError, type Inputs } from '@dantaro/core';
import { DEFAULT_POLICY, normaliseVersion, parseSeverityList, type Policy, type ScanTarget, type Severity } from '@dantaro/scan';

/** Pinned on purpose: a moving "latest" is how the 2026-03 trivy-action compromise spread. */
export const DEFAULT_TRIVY_VERSION = '0.72.0';

export const STATUSES = ['unknown', 'not_affected', 'affected', 'fixed', 'under_investigation', 'will_not_fix', 'fix_deferred', 'end_of_life'];

export interface GateConfig {
  source: ScanTarget | { kind: 'report'; path: string };
  trivyVersion: string;
  policy: Policy;
  waivers?: string;
  trivyignore?: string;
  baseline?: string;
  sarif?: string;
  reportOnly: boolean;
}

/** Every input checked before anything is downloaded, run or written. */
export function readInputs(inputs: Inputs): GateConfig {
  const given = (['image', 'scan-ref', 'report'] as const).filter((n) => inputs.has(n));
  if (given.length !== 1) {
    throw new UserError(
      given.length ? `inputs ${given.map((g) => `"${g}"`).join(' and ')} were both given; give exactly one` : 'give one of the inputs "image", "scan-ref" or "report"',
      { hint: 'image: an image reference to scan; scan-ref: a directory to scan; report: an existing Trivy JSON report' },
    );
  }
  let source: GateConfig['source'];
  if (given[0] === 'image') {
    const ref = inputs.required('image');
    if (/\s/.test(ref) || ref.startsWith('-')) throw new UserError(`input "image": "${ref}" is not an image reference; use one such as ghcr.io/org/app@sha256:…`);
    source = { kind: 'image', ref };
  } else if (given[0] === 'scan-ref') {
    source = { kind: 'fs', path: existingPath(inputs, 'scan-ref', 'a directory or file to scan') };
  } else {
    source = { kind: 'report', path: existingFile(inputs, 'report', 'a Trivy JSON report (trivy --format json)') };
  }

  const failOnRaw = inputs.list('fail-on');
  const limits: Partial<Record<Severity, number>> = {};
  for (const [k, v] of inputs.keyValues('limits')) {
    const [sev] = parseSeverityList([k], `input "limits"`);
    if (!sev || !/^\d+$/.test(v)) throw new UserError(`input "limits": "${k}=${v}" is not valid; use SEVERITY=N such as HIGH=5`);
    limits[sev] = Number(v);
  }
  const ignoreStatuses = inputs.list('ignore-statuses').map((s) => s.toLowerCase());
  for (const s of ignoreStatuses) {
    if (!STATUSES.includes(s)) throw new UserError(`input "ignore-statuses": "${s}" is not a Trivy status; expected some of ${STATUSES.join(', ')}`);
  }
  const policy: Policy = {
    failOn: failOnRaw.length ? parseSeverityList(failOnRaw, 'input "fail-on"') : DEFAULT_POLICY.failOn,
    limits,
    ignoreUnfixed: inputs.bool('ignore-unfixed', true),
    ignoreStatuses,
    maxCvss: inputs.number('max-cvss', { min: 0, max: 10 }),
  };

  let trivyignore: string | undefined;
  if (inputs.has('trivyignore')) trivyignore = existingFile(inputs, 'trivyignore', 'a .trivyignore file');
  else if (existsSync('.trivyignore')) trivyignore = '.trivyignore';

  return {
    source,
    trivyVersion: normaliseVersion(inputs.string('trivy-version') ?? DEFAULT_TRIVY_VERSION),
    policy,
    waivers: inputs.has('waivers') ? existingFile(inputs, 'waivers', 'a YAML list of waivers') : undefined,
    trivyignore,
    baseline: inputs.has('baseline') ? existingFile(inputs, 'baseline', 'an earlier Trivy JSON report') : undefined,
    sarif: inputs.string('sarif'),
    reportOnly: inputs.bool('report-only', false),
  };
}

function existingPath(inputs: Inputs, name: string, form: string): string {
  const p = inputs.required(name, form);
  if (!existsSync(p)) throw new UserError(`input "${name}": ${p} does not exist; give ${form}`);
  return p;
}

function existingFile(inputs: Inputs, name: string, form: string): string {
  const p = existingPath(inputs, name, form);
  if (!statSync(p).isFile()) throw new UserError(`input "${name}": ${p} is not a file; give ${form}`);
  return p;
}
