import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, type Logger } from '@dantaro/core';

/** The parts of @actions/tool-cache we use, passed in so tests can drive them. */
export interface ToolCache {
  find(tool: string, version: string, arch?: string): string;
  downloadTool(url: string): Promise<string>;
  extractTar(file: string): Promise<string>;
  cacheDir(dir: string, tool: string, version: string, arch?: string): Promise<string>;
}

export const TRIVY_RELEASES = 'https://github.com/aquasecurity/trivy/releases/download';

export function normaliseVersion(v: string): string {
  const m = /^v?(\d+\.\d+\.\d+)$/.exec(v.trim());
  if (!m) throw new UserError(`input "trivy-version": "${v}" is not a release version; use one such as 0.72.0`);
  return m[1];
}

/** Release asset names as Trivy publishes them (GoReleaser). */
export function trivyAssets(version: string, platform: NodeJS.Platform, arch: string): { tarball: string; checksums: string } {
  const os = platform === 'linux' ? 'Linux' : platform === 'darwin' ? 'macOS' : undefined;
  const cpu = arch === 'x64' ? '64bit' : arch === 'arm64' ? 'ARM64' : undefined;
  if (!os || !cpu) throw new UserError(`trivy-gate runs Trivy on Linux or macOS (x64, arm64), not ${platform}/${arch}; use the report input with a report made elsewhere`);
  return { tarball: `trivy_${version}_${os}-${cpu}.tar.gz`, checksums: `trivy_${version}_checksums.txt` };
}

/** The expected SHA-256 of `file` from a `sha256sum`-style checksums file. */
export function expectedChecksum(checksums: string, file: string): string | undefined {
  for (const line of checksums.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(line.trim());
    if (m && m[2] === file) return m[1].toLowerCase();
  }
  return undefined;
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

export interface InstallOptions {
  version: string;
  tc: ToolCache;
  log: Logger;
  baseUrl?: string;
  platform?: NodeJS.Platform;
  arch?: string;
}

/**
 * Trivy from its release tarball: reuse the tool cache, else download the tarball and the release's
 * checksums file, refuse anything whose SHA-256 differs (before extracting, so nothing unverified is
 * unpacked or run), then cache it. Returns the path of the `trivy` binary.
 */
export async function installTrivy(o: InstallOptions): Promise<string> {
  const version = normaliseVersion(o.version);
  const arch = o.arch ?? process.arch;
  const cached = o.tc.find('trivy', version, arch);
  if (cached && existsSync(join(cached, 'trivy'))) {
    o.log.info(`Trivy ${version} from the tool cache`);
    return join(cached, 'trivy');
  }
  const { tarball, checksums } = trivyAssets(version, o.platform ?? process.platform, arch);
  const base = `${(o.baseUrl ?? TRIVY_RELEASES).replace(/\/$/, '')}/v${version}`;
  o.log.info(`downloading ${base}/${tarball}`);
  const sumsPath = await o.tc.downloadTool(`${base}/${checksums}`);
  const expected = expectedChecksum(readFileSync(sumsPath, 'utf8'), tarball);
  if (!expected) throw new UserError(`${checksums} does not list ${tarball}; refusing to install Trivy ${version} unverified`);
  const tarPath = await o.tc.downloadTool(`${base}/${tarball}`);
  const actual = await sha256File(tarPath);
  if (actual !== expected) {
    throw new UserError(`checksum mismatch for ${tarball}: expected sha256 ${expected}, got ${actual}; refusing to run it`);
  }
  o.log.info(`${tarball}: sha256 ${actual} matches ${checksums}`);
  const dir = await o.tc.extractTar(tarPath);
  if (!existsSync(join(dir, 'trivy'))) throw new UserError(`${tarball} has no trivy binary at its top level`);
  const cachedDir = await o.tc.cacheDir(dir, 'trivy', version, arch);
  return join(cachedDir, 'trivy');
}
