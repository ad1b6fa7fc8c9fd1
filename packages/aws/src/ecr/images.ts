import { BatchGetImageCommand, DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { withAuthHint } from './errors';

/** Image lookups by tag: which of these tags exist, at which digest (one BatchGetImage call). */
export interface ImageInfo {
  digest: string;
  tags: string[];
  sizeBytes?: number;
  pushedAt?: Date;
  mediaType?: string;
}

const READ_PERMISSIONS = ['ecr:BatchGetImage', 'ecr:DescribeImages'];

/** tag → digest for the tags that exist; absent tags are simply missing from the map. */
export async function tagDigests(ecr: ECRClient, repository: string, tags: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (tags.length === 0) return found;
  const out = await withAuthHint('ECR BatchGetImage', READ_PERMISSIONS, () =>
    ecr.send(new BatchGetImageCommand({ repositoryName: repository, imageIds: tags.map((imageTag) => ({ imageTag })) })),
  );
  for (const img of out.images ?? []) {
    if (img.imageId?.imageTag && img.imageId.imageDigest) found.set(img.imageId.imageTag, img.imageId.imageDigest);
  }
  const other = (out.failures ?? []).filter((f) => f.failureCode !== 'ImageNotFound' && f.failureCode !== 'ImageTagDoesNotMatchDigest');
  if (other.length) throw new Error(`ECR BatchGetImage: ${other.map((f) => `${f.imageId?.imageTag}: ${f.failureCode} ${f.failureReason ?? ''}`).join('; ')}`);
  return found;
}

/** One image by tag or digest; undefined when ECR has no such image. */
export async function describeImage(ecr: ECRClient, repository: string, id: { tag?: string; digest?: string }): Promise<ImageInfo | undefined> {
  try {
    const out = await withAuthHint('ECR DescribeImages', READ_PERMISSIONS, () =>
      ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: id.tag, imageDigest: id.digest }] })),
    );
    const d = out.imageDetails?.[0];
    if (!d?.imageDigest) return undefined;
    return { digest: d.imageDigest, tags: d.imageTags ?? [], sizeBytes: d.imageSizeInBytes, pushedAt: d.imagePushedAt, mediaType: d.imageManifestMediaType };
  } catch (e) {
    if ((e as { name?: string }).name === 'ImageNotFoundException') return undefined;
    throw e;
  }
}
