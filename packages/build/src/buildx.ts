import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildxArgs } from './buildx-args';
import { execTool } from './exec';
import { retry } from '@dantaro/core';
import { explainPushError, pushRetryDecision } from './push-errors';
import type { Builder } from './types';

/**
 * `docker buildx build` with DOCKER_CONFIG pointing at our private auth dir. Build and push are one
 * command, so the digest (from --metadata-file) is checked after the push; existing immutable tags
 * are left out of --tag, and when every tag exists the image is pushed by digest only.
 * Needs a Docker engine with buildx (GitHub-hosted runners have one; this sandbox does not).
 */
export function buildxBuilder(opts: { bin?: string } = {}): Builder {
  const bin = opts.bin ?? 'docker';
  return {
    name: 'buildx',
    async run(req, io) {
      const metadataFile = join(io.workDir, 'metadata.json');
      await io.log.group(`Build${req.push ? ' and push' : ''} (buildx)`, async () => {
        try {
          // one command builds and pushes: a transient push failure reruns it (BuildKit's cache makes that cheap)
          await retry(() => execTool(bin, buildxArgs(req.spec, req, metadataFile), { env: req.env, log: io.log, signal: io.signal }), {
            classify: pushRetryDecision,
            maxAttempts: 3,
            baseMs: 1000,
            signal: io.signal,
            what: 'buildx build',
            onRetry: ({ attempt, error }) => io.log.warning(`buildx attempt ${attempt} failed, retrying: ${(error as Error).message}`),
          });
        } catch (e) {
          throw explainPushError(e, req.repository);
        }
      });
      const metadata = existsSync(metadataFile) ? (JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>) : {};
      const digest = String(metadata['containerimage.digest'] ?? '');
      if (digest) req.verify(digest);
      return { digest, pushed: req.push ? req.pushTags : [], metadata: { builder: 'buildx', ...metadata } };
    },
  };
}
