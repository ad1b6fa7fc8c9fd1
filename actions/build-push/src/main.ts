import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPost, markMainRan, run, stateSlot, type ActionContext } from '@dantaro/core';
import { buildahBuilder, buildxBuilder, publishImage, type ImageStore } from '@dantaro/build';
import { readConfig } from './inputs';
import { writeSummary } from './summary';

// Inputs → ECR login/repository → one publishImage() → outputs + summary. The post step (same
// bundle) removes the private registry auth dir, whether the job succeeded or not.
const authState = stateSlot<{ dir: string }>('registry-auth');

async function main(ctx: ActionContext): Promise<void> {
  markMainRan(); // first: a post step after a failed main must clean up, never run main again
  const cfg = readConfig(ctx);
  const workDir = mkdtempSync(join(ctx.env.RUNNER_TEMP || tmpdir(), 'dantaro-build-'));
  try {
    let env: Record<string, string> = { ...cfg.secretEnv };
    let registry = cfg.registry ?? '';
    let insecure = false;
    let immutable = false;
    let store: ImageStore | undefined;
    if (cfg.push) {
      // loaded only now, after every input is valid: the ECR SDK is most of this action's start-up
      const { createEcrClient, ecrImageStore, ensureRepository, getEcrAuthorization, makeAuthDir, writeRegistryAuth } = await import('@dantaro/aws');
      const ecr = createEcrClient();
      const files = makeAuthDir(ctx.env.RUNNER_TEMP || undefined);
      authState.save({ dir: files.dir }); // saved before any secret exists, so the post step always finds it
      const auth = await ctx.log.group('ECR login', () => getEcrAuthorization(ecr, ctx.secrets));
      registry ||= auth.registry;
      insecure = auth.insecure && registry === auth.registry;
      writeRegistryAuth(files, [...new Set([registry, auth.registry])], auth);
      env = { ...env, ...files.env };
      const repo = await ensureRepository(ecr, cfg.repository, { create: cfg.createRepository, log: ctx.log });
      immutable = repo.immutable;
      store = ecrImageStore(ecr, cfg.repository);
    }
    const builder = cfg.builder === 'buildah' ? buildahBuilder() : buildxBuilder();
    const result = await publishImage(
      { spec: cfg.spec, registry, repository: cfg.repository, tags: cfg.tags, push: cfg.push, skipIfExists: cfg.skipIfExists, immutable, insecure, env, workDir },
      { builder, store, log: ctx.log, signal: ctx.signal },
    );
    const image = registry ? result.image : `${cfg.repository}@${result.digest}`;
    ctx.output('digest', result.digest);
    ctx.output('image', image);
    ctx.output('tags', result.tags);
    ctx.output('skipped', result.skipped);
    ctx.output('metadata', {
      builder: cfg.builder,
      registry,
      repository: cfg.repository,
      digest: result.digest,
      image,
      tags: result.tags,
      pushed: result.pushed,
      existing: result.existing,
      skipped: result.skipped,
      sizeBytes: result.sizeBytes,
      durationMs: result.durationMs,
      immutable,
      ...result.metadata,
    });
    writeSummary(ctx.summary, { ...result, image }, cfg.builder, cfg.push);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function post(ctx: ActionContext): Promise<void> {
  const dir = authState.load()?.dir;
  if (!dir) return;
  const { removeAuthDir } = await import('@dantaro/aws');
  if (removeAuthDir(dir)) ctx.log.info('removed the registry credentials written by this step');
  else ctx.log.warning(`could not remove ${dir}; it holds a registry token valid for up to 12 hours`);
}

await run(isPost() ? post : main);
