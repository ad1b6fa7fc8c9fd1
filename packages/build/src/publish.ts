import { formatDuration, systemClock, UserError, type Clock, type Logger } from '@dantaro/core';
import type { Builder, BuildSpec } from './types';

/**
 * Build once, push safely. Looks the tags up first: when the first tag already exists (and
 * skip-if-exists) nothing is built and the existing digest is the result; in an IMMUTABLE
 * repository an existing tag is fine only if it holds the very digest we built — otherwise a clear
 * error naming both digests, raised before anything is pushed whenever the builder allows.
 */
export interface ImageStore {
  /** tag → digest for the tags that exist. */
  tagDigests(tags: string[]): Promise<Map<string, string>>;
  sizeOf(digest: string): Promise<number | undefined>;
  /** Point an extra tag at an existing image without rebuilding (ECR PutImage). */
  addTag(digest: string, tag: string): Promise<void>;
}

export interface PublishOptions {
  spec: BuildSpec;
  registry: string;
  repository: string;
  tags: string[];
  push: boolean;
  skipIfExists: boolean;
  immutable: boolean;
  insecure: boolean;
  env: Record<string, string>;
  workDir: string;
}

export interface PublishResult {
  skipped: boolean;
  digest: string;
  image: string;
  tags: string[];
  pushed: string[];
  /** Tags that already held this digest. */
  existing: string[];
  sizeBytes?: number;
  durationMs: number;
  metadata: Record<string, unknown>;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export async function publishImage(opts: PublishOptions, deps: { builder: Builder; store?: ImageStore; log: Logger; clock?: Clock; signal?: AbortSignal }): Promise<PublishResult> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const repo = `${opts.registry}/${opts.repository}`;
  const store = opts.push ? deps.store : undefined;
  const existing = store ? await deps.log.group('Look up tags in the registry', () => store.tagDigests(opts.tags)) : new Map<string, string>();
  for (const [t, d] of existing) deps.log.info(`${repo}:${t} exists → ${d}`);

  const first = existing.get(opts.tags[0]);
  if (store && opts.skipIfExists && first) {
    const missing = opts.tags.filter((t) => !existing.has(t));
    for (const t of missing) {
      await store.addTag(first, t);
      deps.log.info(`tagged the existing image ${t} (no rebuild)`);
    }
    deps.log.info(`${repo}:${opts.tags[0]} already exists: skipping the build (skip-if-exists)`);
    return {
      skipped: true,
      digest: first,
      image: `${repo}@${first}`,
      tags: opts.tags,
      pushed: missing,
      existing: opts.tags.filter((t) => existing.get(t) === first),
      sizeBytes: await store.sizeOf(first),
      durationMs: clock.now() - started,
      metadata: { builder: deps.builder.name, skipped: true },
    };
  }

  const verify = (digest: string) => {
    if (!opts.immutable) return;
    for (const [t, d] of existing) {
      if (d !== digest) {
        throw new UserError(`tag "${t}" already exists in ${repo} with digest ${d}, but this build produced ${digest}; the repository's tags are IMMUTABLE`, {
          hint: 'give a new tag (the default is the commit SHA), or keep `skip-if-exists: true` to reuse the existing image',
        });
      }
    }
  };
  const pushTags = opts.immutable ? opts.tags.filter((t) => !existing.has(t)) : opts.tags;
  const outcome = await deps.builder.run(
    { spec: opts.spec, repository: repo, pushTags, push: opts.push, insecure: opts.insecure, env: opts.env, verify, digestBeforePush: opts.immutable && existing.size > 0 },
    { log: deps.log, signal: deps.signal, workDir: opts.workDir },
  );
  if (!DIGEST.test(outcome.digest ?? '')) throw new Error(`${deps.builder.name} finished without an image digest; refusing to report success`);
  const sizeBytes = store ? await store.sizeOf(outcome.digest) : undefined;
  const durationMs = clock.now() - started;
  deps.log.info(`${opts.push ? 'pushed' : 'built'} ${repo}@${outcome.digest} in ${formatDuration(durationMs)}`);
  return {
    skipped: false,
    digest: outcome.digest,
    image: `${repo}@${outcome.digest}`,
    tags: opts.tags,
    pushed: outcome.pushed,
    existing: opts.tags.filter((t) => existing.get(t) === outcome.digest),
    sizeBytes,
    durationMs,
    metadata: outcome.metadata,
  };
}
