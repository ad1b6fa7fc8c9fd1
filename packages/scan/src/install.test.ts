import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '@dantaro/core';
import { expectedChecksum, installTrivy, normaliseVersion, trivyAssets, type ToolCache } from './install';

/**
 * The checksum check against a local HTTP file server serving a fake release (tarball + checksums
 * file). Real downloads from GitHub cannot be tested offline; the e2e test repeats this through the
 * bundle with the real @actions/tool-cache.
 */
const VERSION = '0.72.0';
const { tarball, checksums } = trivyAssets(VERSION, 'linux', 'x64');
let dir: string;
let server: Server;
let base: string;
let files: Record<string, Buffer>;
const requests: string[] = [];

function fakeToolCache(root: string): ToolCache & { cached: string[] } {
  const cached: string[] = [];
  let n = 0;
  return {
    cached,
    find: (tool, version, arch) => (existsSync(join(root, 'cache', tool, version, arch ?? '')) ? join(root, 'cache', tool, version, arch ?? '') : ''),
    downloadTool: async (url) => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`Unexpected HTTP response: ${res.status}`);
      const dest = join(root, `dl-${n++}`);
      writeFileSync(dest, Buffer.from(await res.arrayBuffer()));
      return dest;
    },
    extractTar: async (file) => {
      const dest = join(root, `x-${n++}`);
      mkdirSync(dest);
      execFileSync('tar', ['xzf', file, '-C', dest]);
      return dest;
    },
    cacheDir: async (src, tool, version, arch) => {
      const dest = join(root, 'cache', tool, version, arch ?? '');
      cpSync(src, dest, { recursive: true });
      cached.push(dest);
      return dest;
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trivy-install-'));
  mkdirSync(join(dir, 'pkg'));
  writeFileSync(join(dir, 'pkg', 'trivy'), '#!/bin/sh\necho fake trivy\n', { mode: 0o755 });
  execFileSync('tar', ['czf', join(dir, tarball), '-C', join(dir, 'pkg'), 'trivy']);
  const tar = readFileSync(join(dir, tarball));
  const sum = createHash('sha256').update(tar).digest('hex');
  files = {
    [`/v${VERSION}/${tarball}`]: tar,
    [`/v${VERSION}/${checksums}`]: Buffer.from(`${'0'.repeat(64)}  trivy_${VERSION}_Linux-ARM64.tar.gz\n${sum}  ${tarball}\n`),
  };
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files[req.url ?? ''];
    res.writeHead(body ? 200 : 404).end(body ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('installTrivy', () => {
  test('verifies the tarball against the checksums file, extracts, caches, then reuses the cache', async () => {
    const root = mkdtempSync(join(dir, 'tc-'));
    const tc = fakeToolCache(root);
    const log = memoryLogger();
    const bin = await installTrivy({ version: `v${VERSION}`, tc, log, baseUrl: base, platform: 'linux', arch: 'x64' });
    expect(execFileSync(bin).toString()).toBe('fake trivy\n');
    expect(log.lines.join('\n')).toMatch(/sha256 [0-9a-f]{64} matches trivy_0.72.0_checksums.txt/);
    requests.length = 0;
    const again = await installTrivy({ version: VERSION, tc, log, baseUrl: base, platform: 'linux', arch: 'x64' });
    expect(again).toBe(bin);
    expect(requests).toEqual([]); // served from the tool cache
  });

  test('a tampered tarball is refused before it is extracted', async () => {
    const good = files[`/v${VERSION}/${tarball}`];
    files[`/v${VERSION}/${tarball}`] = Buffer.concat([good, Buffer.from('x')]);
    try {
      const root = mkdtempSync(join(dir, 'tc-'));
      const tc = fakeToolCache(root);
      let extracted = 0;
      const extractTar = tc.extractTar;
      tc.extractTar = (f) => (extracted++, extractTar(f));
      await expect(installTrivy({ version: VERSION, tc, log: memoryLogger(), baseUrl: base, platform: 'linux', arch: 'x64' })).rejects.toThrow(
        /checksum mismatch for trivy_0.72.0_Linux-64bit.tar.gz: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}; refusing to run it/,
      );
      expect(extracted).toBe(0);
      expect(tc.cached).toEqual([]);
    } finally {
      files[`/v${VERSION}/${tarball}`] = good;
    }
  });

  test('a tarball missing from the checksums file is refused', async () => {
    const tc = fakeToolCache(mkdtempSync(join(dir, 'tc-')));
    await expect(installTrivy({ version: VERSION, tc, log: memoryLogger(), baseUrl: base, platform: 'darwin', arch: 'arm64' })).rejects.toThrow(
      'trivy_0.72.0_checksums.txt does not list trivy_0.72.0_macOS-ARM64.tar.gz; refusing to install Trivy 0.72.0 unverified',
    );
  });

  test('a missing release fails', async () => {
    const tc = fakeToolCache(mkdtempSync(join(dir, 'tc-')));
    await expect(installTrivy({ version: '0.1.0', tc, log: memoryLogger(), baseUrl: base, platform: 'linux', arch: 'x64' })).rejects.toThrow(/404/);
  });
});

describe('release names and checksums', () => {
  test.each([
    ['linux', 'x64', 'trivy_0.72.0_Linux-64bit.tar.gz'],
    ['linux', 'arm64', 'trivy_0.72.0_Linux-ARM64.tar.gz'],
    ['darwin', 'arm64', 'trivy_0.72.0_macOS-ARM64.tar.gz'],
  ] as const)('%s/%s → %s', (platform, arch, name) => {
    expect(trivyAssets('0.72.0', platform, arch).tarball).toBe(name);
  });
  test('windows is refused with a pointer to the report input', () => {
    expect(() => trivyAssets('0.72.0', 'win32', 'x64')).toThrow(/use the report input/);
  });
  test('versions', () => {
    expect(normaliseVersion('v0.72.0')).toBe('0.72.0');
    expect(() => normaliseVersion('latest')).toThrow('input "trivy-version": "latest" is not a release version; use one such as 0.72.0');
  });
  test('checksum lines: text and binary mode, other files ignored', () => {
    const a = 'a'.repeat(64);
    const b = 'B'.repeat(64);
    expect(expectedChecksum(`${a}  x.tar.gz\n${b} *y.tar.gz\n`, 'y.tar.gz')).toBe('b'.repeat(64));
    expect(expectedChecksum(`${a}  x.tar.gz.sig\n`, 'x.tar.gz')).toBeUndefined();
  });
});
