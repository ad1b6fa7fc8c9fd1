import { readFileSync } from 'node:fs';
import { UserError } from '@dantaro/core';
import { maxCvssV3 } from './cvss';
import type { Finding } from './finding';
import { lineOfPath } from './json-locate';
import { JsonScanner, ScanError, lineOfOffset } from './json-scan';
import { isSeverity, type Severity } from './severity';

/** What we keep of a Trivy report: the artifact and its deduplicated findings. */
export interface ScanReport {
  file: string;
  artifactName: string;
  artifactType: string;
  trivyVersion?: string;
  findings: Finding[];
  /** Vulnerability entries merged away as duplicates (same id, package@version, target). */
  duplicates: number;
}

type Obj = Record<string, unknown>;
type ListKind = 'Vulnerabilities' | 'Misconfigurations' | 'Secrets';
const LISTS: ListKind[] = ['Vulnerabilities', 'Misconfigurations', 'Secrets'];
/**
 * A string we keep, copied out of the parsed batch: V8 may hand back substrings of a JSON text as
 * views on it, and kept views would pin every batch's text (the whole report) in memory.
 */
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? (v.length < 13 ? v : ` ${v}`.slice(1)) : undefined);

/** Findings are JSON.parsed in batches of about this many bytes: native speed, and small enough that
 * each batch dies young (scavenged cheaply) instead of piling up in old space until a full GC. */
const BATCH_BYTES = 64 * 1024;

export function loadReport(file: string): ScanReport {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new UserError(`${file}: cannot read the report (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseReportBuffer(buf, file);
}

export function parseReport(text: string, file: string): ScanReport {
  return parseReportBuffer(Buffer.from(text), file);
}

/**
 * Parses a Trivy JSON report (SchemaVersion 2, old and new field sets). A scanner finds the
 * findings and they are JSON.parsed a few MB at a time, so a 100 MB report never becomes one 300 MB
 * object tree; a Map deduplicates. Linear in the report size.
 */
export function parseReportBuffer(buf: Buffer, file: string): ScanReport {
  try {
    return new ReportReader(buf, file).read();
  } catch (e) {
    if (!(e instanceof ScanError)) throw e;
    // malformed JSON: JSON.parse names the position precisely
    try {
      JSON.parse(buf.toString('utf8'));
    } catch (syntax) {
      const msg = syntax instanceof Error ? syntax.message : String(syntax);
      const pos = /position (\d+)/.exec(msg);
      const where = pos ? `:${lineOfOffset(buf, Buffer.byteLength(buf.toString('utf8').slice(0, Number(pos[1]))))}` : '';
      throw new UserError(`${file}${where}: not a Trivy JSON report: ${msg.split('\n')[0]}`, { hint: 'run Trivy with --format json' });
    }
    throw new UserError(`${file}: not a Trivy JSON report: ${e.message}`);
  }
}

class ReportReader {
  private readonly s: JsonScanner;
  private readonly seen = new Map<string, Finding>();
  private duplicates = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly file: string,
  ) {
    this.s = new JsonScanner(buf);
  }

  read(): ScanReport {
    const { s, file } = this;
    const start = s.ws(0);
    if (!s.isObject(start)) {
      s.skipValue(start); // throws ScanError on broken JSON
      throw new UserError(`${file}:1: not a Trivy JSON report: no SchemaVersion field`, { hint: 'run Trivy with --format json (table, SARIF and CycloneDX output cannot be gated)' });
    }
    const root: Obj = {};
    let schemaAt = -1;
    let resultsAt = -1;
    let resultsDone = false;
    s.object(start, (key, at) => {
      if (key === 'Results') {
        resultsAt = at;
        if (root.SchemaVersion === 2) {
          resultsDone = true;
          return this.results(at);
        }
        return undefined;
      }
      if (key === 'SchemaVersion') schemaAt = at;
      if (key === 'SchemaVersion' || key === 'ArtifactName' || key === 'ArtifactType' || key === 'Trivy') root[key] = s.value(at);
      return undefined;
    });
    if (schemaAt < 0) {
      throw new UserError(`${file}:1: not a Trivy JSON report: no SchemaVersion field`, { hint: 'run Trivy with --format json (table, SARIF and CycloneDX output cannot be gated)' });
    }
    if (root.SchemaVersion !== 2) {
      throw new UserError(`${file}:${this.line(schemaAt)}: Trivy report SchemaVersion ${JSON.stringify(root.SchemaVersion)} is not supported; expected 2 (Trivy ≥ 0.20)`);
    }
    if (resultsAt >= 0 && !resultsDone) this.results(resultsAt);
    return {
      file,
      artifactName: str(root.ArtifactName) ?? '',
      artifactType: str(root.ArtifactType) ?? '',
      trivyVersion: str((root.Trivy as Obj | undefined)?.Version),
      findings: [...this.seen.values()],
      duplicates: this.duplicates,
    };
  }

  private results(at: number): number {
    const { s } = this;
    if (!s.isArray(at)) {
      if (this.buf[s.ws(at)] === 0x6e) return s.skipValue(at); // null
      throw new UserError(`${this.file}:${this.line(at)}: not a Trivy JSON report: Results is not a list`);
    }
    return s.array(at, (_n, start) => {
      if (!s.isObject(start)) throw new UserError(`${this.file}:${this.line(start)}: not a Trivy JSON report: a Results entry is not an object`);
      const head: Obj = {};
      const pending: Array<[ListKind, number]> = [];
      s.object(start, (key, vat) => {
        if (key === 'Target' || key === 'Class') head[key] = s.value(vat);
        else if ((LISTS as string[]).includes(key)) {
          // Trivy writes Target and Class first; if not, come back once they are known
          if ('Target' in head && 'Class' in head) return this.list(key as ListKind, vat, head);
          pending.push([key as ListKind, vat]);
        }
        return undefined;
      });
      for (const [kind, vat] of pending) this.list(kind, vat, head);
    });
  }

  private list(kind: ListKind, at: number, head: Obj): number {
    const { s } = this;
    const target = str(head.Target) ?? '';
    const targetClass = str(head.Class) ?? '';
    // os packages: the target names the image, which changes every build; the class does not
    const baseTarget = targetClass === 'os-pkgs' ? 'os-pkgs' : target;
    if (!s.isArray(at) && this.buf[s.ws(at)] !== 0x6e) throw new UserError(`${this.file}:${this.line(at)}: not a Trivy JSON report: ${kind} is not a list`);
    let starts: number[] = [];
    let batchEnd = 0;
    const flush = () => {
      if (!starts.length) return;
      const items = JSON.parse(`[${this.buf.toString('utf8', starts[0], batchEnd)}]`) as unknown[];
      for (let n = 0; n < items.length; n++) this.entry(kind, items[n] as Obj, starts[n], target, targetClass, baseTarget);
      starts = [];
    };
    const end = s.array(at, (_n, start, elementEnd) => {
      starts.push(start);
      batchEnd = elementEnd;
      if (elementEnd - starts[0] >= BATCH_BYTES) flush();
    });
    flush();
    return end;
  }

  private entry(kind: ListKind, x: Obj, start: number, target: string, targetClass: string, baseTarget: string): void {
    if (!x || typeof x !== 'object' || Array.isArray(x)) throw new UserError(`${this.file}:${this.line(start)}: not a Trivy JSON report: a ${kind} entry is not an object`);
    // error path only: the line of a field inside this entry
    const where = (field?: string) => {
      const line = this.line(start);
      if (!field) return line;
      return line + (lineOfPath(this.buf.toString('utf8', start, this.s.skipValue(start)), [field]) ?? 1) - 1;
    };
    const severity = severityOf(x.Severity, () => `${this.file}:${where('Severity')}`);
    if (kind === 'Vulnerabilities') this.vulnerability(x, severity, target, targetClass, baseTarget, where);
    else if (kind === 'Misconfigurations') this.misconfiguration(x, severity, target, targetClass, where);
    else this.secret(x, severity, target, targetClass, where);
  }

  private add(key: string, make: () => Finding): void {
    if (this.seen.has(key)) this.duplicates++;
    else this.seen.set(key, make());
  }

  private vulnerability(x: Obj, severity: Severity, target: string, targetClass: string, baseTarget: string, where: () => number): void {
    const id = str(x.VulnerabilityID);
    if (!id) throw new UserError(`${this.file}:${where()}: vulnerability without VulnerabilityID`);
    const pkgName = str(x.PkgName) ?? '';
    const installed = str(x.InstalledVersion) ?? '';
    const key = `v\0${target}\0${id}\0${pkgName}\0${installed}`;
    this.add(key, () => ({
      kind: 'vulnerability',
      id,
      severity,
      target,
      targetClass,
      pkgName,
      installed,
      fixed: str(typeof x.FixedVersion === 'string' ? x.FixedVersion.trim() : undefined),
      status: str(x.Status),
      title: str(x.Title),
      url: str(x.PrimaryURL) ?? `https://avd.aquasec.com/nvd/${id.toLowerCase()}`,
      cvss: maxCvssV3(x.CVSS),
      key,
      baseKey: `v\0${baseTarget}\0${id}\0${pkgName}`,
    }));
  }

  private misconfiguration(x: Obj, severity: Severity, target: string, targetClass: string, where: () => number): void {
    if (String(x.Status ?? '').toUpperCase() !== 'FAIL') return; // PASS and EXCEPTION are not findings
    const id = str(x.ID) ?? str(x.AVDID);
    if (!id) throw new UserError(`${this.file}:${where()}: misconfiguration without ID`);
    const line = positive((x.CauseMetadata as Obj | undefined)?.StartLine);
    const avd = str(x.AVDID);
    const key = `m\0${target}\0${id}\0${line ?? ''}`;
    this.add(key, () => ({
      kind: 'misconfiguration',
      id,
      aliases: avd && avd !== id ? [avd] : undefined,
      severity,
      target,
      targetClass,
      title: str(x.Title) ?? str(x.Message),
      url: str(x.PrimaryURL) ?? `https://avd.aquasec.com/misconfig/${(avd ?? id).toLowerCase()}`,
      line,
      key,
      baseKey: `m\0${target}\0${id}`,
    }));
  }

  private secret(x: Obj, severity: Severity, target: string, targetClass: string, where: () => number): void {
    const id = str(x.RuleID);
    if (!id) throw new UserError(`${this.file}:${where()}: secret finding without RuleID`);
    const line = positive(x.StartLine);
    const key = `s\0${target}\0${id}\0${line ?? ''}`;
    // never keep Match or Code: they hold (partly redacted) secret material
    this.add(key, () => ({ kind: 'secret', id, severity, target, targetClass, title: str(x.Title) ?? str(x.Category), url: '', line, key, baseKey: `s\0${target}\0${id}` }));
  }

  private line(offset: number): number {
    return lineOfOffset(this.buf, this.s.ws(offset));
  }
}

function severityOf(v: unknown, where: () => string): Severity {
  if (v === undefined || v === null || v === '') return 'UNKNOWN';
  const s = typeof v === 'string' ? v.toUpperCase() : '';
  if (!isSeverity(s)) throw new UserError(`${where()}: unknown severity ${JSON.stringify(v)}; expected CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN`);
  return s;
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}
