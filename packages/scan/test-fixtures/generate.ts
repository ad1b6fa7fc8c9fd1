import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Large synthetic Trivy reports (new shape, every field real reports carry: description, references,
 * CVSS from two sources; ~1 KB per finding) for tests and bench/trivy.ts. Deterministic for a seed.
 */
export interface GenerateOptions {
  findings: number;
  /** Results (targets) to spread the findings over; the first is os-pkgs, the rest lang-pkgs. */
  targets?: number;
  /** Fraction of entries repeated verbatim (Trivy lists some twice). */
  duplicateRate?: number;
  seed?: number;
}

const SEVERITIES = [['CRITICAL', 0.05], ['HIGH', 0.2], ['MEDIUM', 0.4], ['LOW', 0.25], ['UNKNOWN', 0.1]] as const;
const STATUSES = ['fixed', 'affected', 'will_not_fix', 'fix_deferred', 'end_of_life'];
const WORDS = 'buffer overflow in the parser allows remote attackers to cause a denial of service or possibly execute arbitrary code via crafted input when processing untrusted data from the network'.split(' ');

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickSeverity(r: number): string {
  let acc = 0;
  for (const [s, p] of SEVERITIES) {
    acc += p;
    if (r < acc) return s;
  }
  return 'UNKNOWN';
}

function vulnerability(i: number, rand: () => number, os: boolean): string {
  const severity = pickSeverity(rand());
  const fixable = rand() < 0.6;
  const pkg = `${os ? 'lib' : 'py-'}pkg${i % 5000}`;
  const version = `${1 + (i % 7)}.${i % 13}.${i % 29}`;
  const id = `CVE-${2015 + (i % 11)}-${10000 + i}`;
  const score = Math.round((1 + rand() * 9) * 10) / 10;
  const words = Array.from({ length: 12 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
  const v = {
    VulnerabilityID: id,
    PkgID: `${pkg}@${version}`,
    PkgName: pkg,
    PkgIdentifier: { PURL: `pkg:${os ? 'deb/debian' : 'pypi'}/${pkg}@${version}`, UID: (i * 2654435761 >>> 0).toString(16) },
    InstalledVersion: version,
    ...(fixable ? { FixedVersion: `${version}-fix1${rand() < 0.1 ? `, ${version}-fix2` : ''}` } : {}),
    Status: fixable ? 'fixed' : STATUSES[1 + Math.floor(rand() * 4)],
    Layer: { DiffID: 'sha256:7cea17427f83f6c4706c74f94fb6d7925b06ea9a0701234f1a9d43f6af11432a' },
    SeveritySource: 'nvd',
    PrimaryURL: `https://avd.aquasec.com/nvd/${id.toLowerCase()}`,
    DataSource: { ID: 'debian', Name: 'Debian Security Tracker', URL: 'https://salsa.debian.org/security-tracker-team/security-tracker' },
    Fingerprint: `sha256:${(i * 40503).toString(16).padStart(64, '0')}`,
    Title: `${pkg}: ${words.slice(0, 30)}`,
    Description: words,
    Severity: severity,
    CweIDs: ['CWE-787'],
    VendorSeverity: { nvd: 3, debian: 2 },
    CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', V3Score: score }, redhat: { V3Vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', V3Score: Math.max(0.1, Math.round((score - 1) * 10) / 10) } },
    References: [`https://nvd.nist.gov/vuln/detail/${id}`],
    PublishedDate: '2024-03-12T14:15:07.98Z',
    LastModifiedDate: '2024-06-10T17:16:20.2Z',
  };
  // one line per finding: indented like Trivy's output a finding is ~2 KB, the bench wants ~1 KB
  return JSON.stringify(v);
}

/** Writes the report in chunks, so generating 100 MB does not need 100 MB of string at once. */
export async function writeReport(path: string, opts: GenerateOptions): Promise<{ bytes: number; entries: number }> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  let entries = 0;
  for (const chunk of reportChunks(opts)) {
    entries += chunk.entries;
    await write(chunk.text);
  }
  out.end();
  await once(out, 'finish');
  return { bytes, entries };
}

export function generateReport(opts: GenerateOptions): string {
  return [...reportChunks(opts)].map((c) => c.text).join('');
}

function* reportChunks(opts: GenerateOptions): Generator<{ text: string; entries: number }> {
  const rand = rng(opts.seed ?? 42);
  const targets = Math.max(1, opts.targets ?? 20);
  const dup = opts.duplicateRate ?? 0.01;
  const head = {
    SchemaVersion: 2,
    Trivy: { Version: '0.72.0' },
    CreatedAt: '2026-11-20T08:00:00Z',
    ArtifactName: 'ghcr.io/dantaro/generated:latest',
    ArtifactType: 'container_image',
    Metadata: { OS: { Family: 'debian', Name: '12.5' } },
  };
  yield { text: JSON.stringify(head, null, 2).slice(0, -2) + ',\n  "Results": [', entries: 0 };
  const per = Math.ceil(opts.findings / targets);
  let made = 0;
  for (let t = 0; t < targets && made < opts.findings; t++) {
    const os = t === 0;
    const target = os ? 'ghcr.io/dantaro/generated:latest (debian 12.5)' : `app/service-${t}/requirements.txt`;
    yield { text: `${t ? ',' : ''}\n    {\n      "Target": ${JSON.stringify(target)},\n      "Class": "${os ? 'os-pkgs' : 'lang-pkgs'}",\n      "Type": "${os ? 'debian' : 'pip'}",\n      "Vulnerabilities": [`, entries: 0 };
    const n = Math.min(per, opts.findings - made);
    for (let i = 0; i < n; i++) {
      const v = vulnerability(made + i, rand, os);
      const twice = rand() < dup;
      yield { text: `${i ? ',' : ''}\n        ${v}${twice ? `,\n        ${v}` : ''}`, entries: twice ? 2 : 1 };
    }
    made += n;
    yield { text: '\n      ]\n    }', entries: 0 };
  }
  yield { text: '\n  ]\n}\n', entries: 0 };
}
