import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

/**
 * The runner's protocol, written out: workflow commands on stdout (`::name props::message`) and the
 * GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files. We speak it ourselves instead of loading
 * @actions/core, whose HTTP/OIDC client alone cost ~100 ms of every action's start (bench/startup).
 */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

const PROPS: Record<keyof AnnotationProperties, string> = { title: 'title', file: 'file', startLine: 'line', endLine: 'endLine', startColumn: 'col', endColumn: 'endColumn' };

export function command(name: string, message: string, props: AnnotationProperties = {}): void {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${PROPS[k as keyof AnnotationProperties] ?? k}=${escapeProperty(String(v))}`)
    .join(',');
  process.stdout.write(`::${name}${p ? ' ' + p : ''}::${escapeData(message)}${EOL}`);
}

/** Append `name<<delimiter` / value / delimiter to a runner file (outputs, state). */
function fileCommand(envName: string, name: string, value: string): boolean {
  const path = process.env[envName];
  if (!path) return false;
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`unexpected input: the value contains the delimiter ${delimiter}`);
  appendFileSync(path, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
  return true;
}

export const runner = {
  info: (message: string) => void process.stdout.write(message + EOL),
  debug: (message: string) => command('debug', message),
  notice: (message: string, props?: AnnotationProperties) => command('notice', message, props),
  warning: (message: string, props?: AnnotationProperties) => command('warning', message, props),
  error: (message: string, props?: AnnotationProperties) => command('error', message, props),
  /** Tell the runner to mask a value in every later log line. */
  setSecret: (value: string) => command('add-mask', value),
  setOutput(name: string, value: string): void {
    // outside a runner (no GITHUB_OUTPUT) the legacy command still shows the value to a person
    if (!fileCommand('GITHUB_OUTPUT', name, value)) process.stdout.write(`::set-output name=${escapeProperty(name)}::${escapeData(value)}${EOL}`);
  },
  saveState(name: string, value: string): void {
    if (!fileCommand('GITHUB_STATE', name, value)) process.stdout.write(`::save-state name=${escapeProperty(name)}::${escapeData(value)}${EOL}`);
  },
  getState: (name: string) => process.env[`STATE_${name}`] ?? '',
  setFailed(message: string): void {
    process.exitCode = 1;
    command('error', message);
  },
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    command('group', name);
    try {
      return await fn();
    } finally {
      command('endgroup', '');
    }
  },
  /** Append Markdown to the job summary; a no-op outside a runner. */
  appendSummary(markdown: string): void {
    const path = process.env.GITHUB_STEP_SUMMARY;
    if (path) appendFileSync(path, markdown.endsWith('\n') ? markdown : markdown + EOL, 'utf8');
  },
};
