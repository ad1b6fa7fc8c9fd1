import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { retry, silentLogger, type Clock } from '@dantaro/core';
import { buildahBudArgs, buildahPushArgs } from './buildah-args';
import { execTool, ToolError } from './exec';
import { explainPushError, pushRetryDecision } from './push-errors';
import type { Builder, BuildRequest } from './types';

/**
 * The daemonless builder: `buildah bud`, then `buildah push --digestfile` per tag, each push under
 * the core retry (5xx/429/timeouts; never auth). When a digest must be checked before anything is
 * pushed (an existing immutable tag, or push: false) it is computed locally by pushing to an OCI
 * layout: the same manifest bytes the registry would get, so the same digest.
 */
export interface BuildahOptions {
  bin?: string;
  clock?: Clock;
  /** Attempts per push (default 4). */
  pushAttempts?: number;
  /** Compute the digest before pushing even if not required. */
  digestBeforePush?: boolean;
}

export function buildahBuilder(opts: BuildahOptions = {}): Builder & { localDigest(req: BuildRequest, source: string, workDir: string, multi: boolean): Promise<string> } {
  const bin = opts.bin ?? 'buildah';
  const builder = {
    name: 'buildah' as const,
    async localDigest(req: BuildRequest, source: string, workDir: string, multi: boolean): Promise<string> {
      const file = join(workDir, 'local-digest');
      await execTool(bin, buildahPushArgs(source, `oci:${join(workDir, 'oci-layout')}:local`, file, { insecure: false, manifest: multi }), { env: req.env, log: silentLogger, quiet: true });
      return readFileSync(file, 'utf8').trim();
    },
    async run(req: BuildRequest, io: Parameters<Builder['run']>[1]) {
      const { spec } = req;
      const multi = spec.platforms.length > 1;
      const iidFile = join(io.workDir, 'iid');
      const manifest = multi ? `localhost/dantaro-build-${Date.now().toString(36)}` : undefined;
      const exec = (args: string[], quiet = false) => execTool(bin, args, { env: req.env, log: io.log, signal: io.signal, quiet });
      await io.log.group(`Build (buildah${multi ? `, ${spec.platforms.join(', ')}` : ''})`, async () => {
        try {
          await exec(buildahBudArgs(spec, iidFile, manifest));
        } catch (e) {
          if (!(e instanceof ToolError) || spec.cacheTo.length === 0 || !/cache/i.test(e.tail)) throw e;
          // a cache export must not fail the build: warn and build again without it
          io.log.warning(`cache export failed, building without it: ${e.tail.split('\n').filter(Boolean).pop()}`);
          await exec(buildahBudArgs({ ...spec, cacheTo: [] }, iidFile, manifest));
        }
      });
      const source = manifest ?? readFileSync(iidFile, 'utf8').trim();
      let digest: string | undefined;
      if (!req.push || req.pushTags.length === 0 || req.digestBeforePush || opts.digestBeforePush) {
        digest = await builder.localDigest(req, source, io.workDir, multi);
        req.verify(digest);
      }
      const pushed: string[] = [];
      if (req.push && req.pushTags.length) {
        await io.log.group(`Push ${req.repository} (${req.pushTags.join(', ')})`, async () => {
          for (const [i, tag] of req.pushTags.entries()) {
            const image = `${req.repository}:${tag}`;
            const file = join(io.workDir, `digest-${i}`);
            try {
              await retry(() => exec(buildahPushArgs(source, `docker://${image}`, file, { insecure: req.insecure, manifest: multi }), true), {
                classify: pushRetryDecision,
                maxAttempts: opts.pushAttempts ?? 4,
                baseMs: 500,
                clock: opts.clock,
                signal: io.signal,
                what: `push ${image}`,
                onRetry: ({ attempt, delayMs, error }) => io.log.warning(`push ${image} attempt ${attempt} failed, retrying in ${Math.round(delayMs)}ms: ${(error as Error).message}`),
              });
            } catch (e) {
              throw explainPushError(e, image);
            }
            const d = readFileSync(file, 'utf8').trim();
            if (digest && d !== digest) throw new Error(`push ${image} produced ${d}, but the image's digest is ${digest}`);
            if (!digest) req.verify(d);
            digest = d;
            pushed.push(tag);
            io.log.info(`pushed ${image} → ${d}`);
          }
        });
      }
      return { digest: digest!, pushed, metadata: { builder: 'buildah', imageId: multi ? undefined : source, manifestList: multi || undefined } };
    },
  };
  return builder;
}
