import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir, removeDir } from '../process';

const execFileP = promisify(execFile);

/**
 * Per-test buildah/skopeo world. What works on this machine (root, no user namespaces, no overlay):
 * `vfs` storage in a private graphroot/runroot given through CONTAINERS_STORAGE_CONF (so parallel
 * suites never share a store or its lock), and BUILDAH_ISOLATION=chroot for RUN steps. The product
 * code passes none of these: they are environment, exactly as a runner would provide its own.
 *
 * `PATH` starts with wrapper scripts that append each call's argv to a log, then exec the real tool:
 * tests read the log to prove what ran (no build on a skip) and what never reached argv (secrets).
 */
export interface ContainerTools {
  /** Env for the action / tools: CONTAINERS_STORAGE_CONF, BUILDAH_ISOLATION, PATH with the wrappers. */
  env: Record<string, string>;
  /** One line per wrapped call: `<tool> <args…>`. */
  calls(): string[];
  clearCalls(): void;
  /** Digest of a pushed image, read back with skopeo (creds via an auth file, never argv). */
  remoteDigest(ref: string, authFile: string): Promise<string>;
  /** Build a tiny FROM-scratch image and push it to `ref` (loopback HTTP registry); returns its digest. */
  pushScratchImage(ref: string, opts: { authFile: string; labels?: Record<string, string>; content?: string }): Promise<string>;
  stop(): void;
}

export const WRAPPED_TOOLS = ['buildah', 'skopeo'];

export function containerTools(opts: { realBinDir?: string } = {}): ContainerTools {
  const dir = tempDir('containers');
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  const real = opts.realBinDir ?? '/usr/bin';
  writeFileSync(log, '');
  mkdirSync(bin, { recursive: true });
  for (const tool of WRAPPED_TOOLS) {
    const script = `#!/bin/sh\nprintf '%s\\n' "${tool} $*" >> '${log}'\nexec '${join(real, tool)}' "$@"\n`;
    writeFileSync(join(bin, tool), script);
    chmodSync(join(bin, tool), 0o755);
  }
  const storageConf = join(dir, 'storage.conf');
  writeFileSync(storageConf, `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, 'root')}"\nrunroot = "${join(dir, 'run')}"\n`);
  const env = {
    CONTAINERS_STORAGE_CONF: storageConf,
    BUILDAH_ISOLATION: 'chroot',
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  };
  return {
    env,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    clearCalls: () => writeFileSync(log, ''),
    async remoteDigest(ref, authFile) {
      const { stdout } = await execFileP(join(bin, 'skopeo'), ['inspect', '--tls-verify=false', '--authfile', authFile, `docker://${ref}`], {
        env: { ...process.env, ...env },
      });
      return (JSON.parse(stdout) as { Digest: string }).Digest;
    },
    async pushScratchImage(ref, o) {
      const ctx = join(dir, `ctx-${Math.random().toString(36).slice(2)}`);
      mkdirSync(ctx);
      writeFileSync(join(ctx, 'Containerfile'), 'FROM scratch\nCOPY payload.txt /payload.txt\n');
      writeFileSync(join(ctx, 'payload.txt'), o.content ?? `payload ${Date.now()} ${Math.random()}\n`);
      const run = (args: string[]) => execFileP(join(bin, 'buildah'), args, { env: { ...process.env, ...env } });
      const labels = Object.entries(o.labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
      await run(['bud', '--quiet', '--layers', ...labels, '-t', ref, ctx]);
      const digestFile = join(ctx, 'digest');
      await run(['push', '--quiet', '--retry', '0', '--tls-verify=false', '--authfile', o.authFile, '--digestfile', digestFile, ref, `docker://${ref}`]);
      return readFileSync(digestFile, 'utf8').trim();
    },
    stop: () => removeDir(dir),
  };
}
