import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@dantaro/testkit';

export const fixture = (name: string) => join(repoRoot, 'packages', 'scan', 'test-fixtures', name);

export function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `trivy-gate-${prefix}-`));
}

export function writeFile(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/**
 * A fake Trivy release served over local HTTP: the tarball holds a `trivy` script that records its argv
 * and copies $FAKE_TRIVY_REPORT to --output. Real downloads from GitHub cannot run offline here.
 */
export interface FakeRelease {
  url: string;
  tarSha: string;
  setChecksums(text: string): void;
  close(): Promise<void>;
}

export async function fakeTrivyRelease(version: string): Promise<FakeRelease> {
  const dir = tmp('release');
  mkdirSync(join(dir, 'pkg'));
  writeFileSync(
    join(dir, 'pkg', 'trivy'),
    `#!/bin/sh
printf '%s\\n' "$@" > "$FAKE_TRIVY_ARGV"
env > "$FAKE_TRIVY_ARGV.env"
out=""; prev=""
for a in "$@"; do [ "$prev" = "--output" ] && out="$a"; prev="$a"; done
cp "$FAKE_TRIVY_REPORT" "$out"
`,
    { mode: 0o755 },
  );
  const tarball = `trivy_${version}_Linux-64bit.tar.gz`;
  execFileSync('tar', ['czf', join(dir, tarball), '-C', join(dir, 'pkg'), 'trivy']);
  const tar = readFileSync(join(dir, tarball));
  const tarSha = createHash('sha256').update(tar).digest('hex');
  let sums = `${tarSha}  ${tarball}\n`;
  const server: Server = createServer((req, res) => {
    if (req.url === `/v${version}/${tarball}`) return res.writeHead(200).end(tar);
    if (req.url === `/v${version}/trivy_${version}_checksums.txt`) return res.writeHead(200).end(sums);
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    tarSha,
    setChecksums: (text) => (sums = text),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
