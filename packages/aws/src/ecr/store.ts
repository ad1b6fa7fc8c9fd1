import { BatchGetImageCommand, PutImageCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { withAuthHint } from './errors';
import { describeImage, tagDigests } from './images';

/**
 * One repository's images, as the build-push flow needs them: which tags exist, an image's size,
 * and adding a tag to an existing image without rebuilding (BatchGetImage + PutImage).
 */
export interface EcrImageStore {
  tagDigests(tags: string[]): Promise<Map<string, string>>;
  sizeOf(digest: string): Promise<number | undefined>;
  addTag(digest: string, tag: string): Promise<void>;
}

export function ecrImageStore(ecr: ECRClient, repository: string): EcrImageStore {
  return {
    tagDigests: (tags) => tagDigests(ecr, repository, tags),
    sizeOf: async (digest) => (await describeImage(ecr, repository, { digest }))?.sizeBytes,
    async addTag(digest, tag) {
      const got = await withAuthHint('ECR BatchGetImage', ['ecr:BatchGetImage'], () => ecr.send(new BatchGetImageCommand({ repositoryName: repository, imageIds: [{ imageDigest: digest }] })));
      const img = got.images?.[0];
      if (!img?.imageManifest) throw new Error(`ECR has no manifest for ${repository}@${digest}`);
      try {
        await withAuthHint('ECR PutImage', ['ecr:PutImage'], () =>
          ecr.send(new PutImageCommand({ repositoryName: repository, imageManifest: img.imageManifest, imageManifestMediaType: img.imageManifestMediaType, imageTag: tag, imageDigest: digest })),
        );
      } catch (e) {
        // the tag already points at this very image (a concurrent job did it): nothing to do
        if ((e as { name?: string }).name !== 'ImageAlreadyExistsException') throw e;
      }
    },
  };
}
