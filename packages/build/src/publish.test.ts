import { memoryLogger } from '@dantaro/core';
import { publishImage, type ImageStore } from './publish';
import type { Builder, BuildRequest, BuildSpec } from './types';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const spec: BuildSpec = { context: '.', buildArgs: [], secrets: [], labels: [], platforms: [], cacheFrom: [], cacheTo: [], provenance: 'false', sbom: 'false' };

function fakeBuilder(digest: string): Builder & { calls: BuildRequest[] } {
  const calls: BuildRequest[] = [];
  return {
    name: 'buildah',
    calls,
    async run(req) {
      calls.push(req);
      req.verify(digest);
      return { digest, pushed: req.push ? req.pushTags : [], metadata: {} };
    },
  };
}

function fakeStore(tags: Record<string, string>): ImageStore & { added: string[] } {
  const added: string[] = [];
  return {
    added,
    tagDigests: async (ts) => new Map(ts.filter((t) => tags[t]).map((t) => [t, tags[t]])),
    sizeOf: async () => 1234,
    addTag: async (_d, t) => void added.push(t),
  };
}

const opts = (over: Partial<Parameters<typeof publishImage>[0]> = {}) => ({
  spec, registry: 'r.example', repository: 'team/app', tags: ['sha1', '1.0.0'], push: true, skipIfExists: true, immutable: true, insecure: false, env: {}, workDir: '/tmp', ...over,
});

test('first tag exists + skip-if-exists: no build, existing digest, missing tags added', async () => {
  const builder = fakeBuilder(D2);
  const store = fakeStore({ sha1: D1 });
  const r = await publishImage(opts(), { builder, store, log: memoryLogger() });
  expect(builder.calls).toHaveLength(0);
  expect(r).toMatchObject({ skipped: true, digest: D1, image: `r.example/team/app@${D1}`, pushed: ['1.0.0'], existing: ['sha1'], sizeBytes: 1234 });
  expect(store.added).toEqual(['1.0.0']);
});

test('immutable tag with another digest → error naming both digests', async () => {
  const builder = fakeBuilder(D2);
  await expect(publishImage(opts({ skipIfExists: false }), { builder, store: fakeStore({ sha1: D1 }), log: memoryLogger() })).rejects.toThrow(
    `tag "sha1" already exists in r.example/team/app with digest ${D1}, but this build produced ${D2}`,
  );
  expect(builder.calls[0]).toMatchObject({ pushTags: ['1.0.0'], digestBeforePush: true });
});

test('immutable tag with the same digest → success, only new tags pushed', async () => {
  const r = await publishImage(opts({ skipIfExists: false }), { builder: fakeBuilder(D1), store: fakeStore({ sha1: D1 }), log: memoryLogger() });
  expect(r).toMatchObject({ skipped: false, digest: D1, pushed: ['1.0.0'], existing: ['sha1'] });
});

test('mutable repository: existing tags are simply overwritten', async () => {
  const builder = fakeBuilder(D2);
  const r = await publishImage(opts({ skipIfExists: false, immutable: false }), { builder, store: fakeStore({ '1.0.0': D1 }), log: memoryLogger() });
  expect(r.pushed).toEqual(['sha1', '1.0.0']);
});

test('a builder without a digest is a failure, never a silent success', async () => {
  const builder = fakeBuilder('');
  await expect(publishImage(opts({ immutable: false }), { builder, store: fakeStore({}), log: memoryLogger() })).rejects.toThrow(/without an image digest/);
});
