import { createHash } from 'node:crypto';
import type { RegistryClient } from '../registry/client';

/**
 * ECR's control plane (JSON 1.1, `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Op>`). Repository
 * settings live here; images are always read back from the real registry, so DescribeImages and
 * BatchGetImage report what was actually pushed (tags, digests, sizes, manifests).
 */
export interface EcrRepository {
  repositoryName: string;
  repositoryArn: string;
  registryId: string;
  repositoryUri: string;
  createdAt: number;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  imageScanningConfiguration: { scanOnPush: boolean };
  encryptionConfiguration: { encryptionType: string };
  lifecyclePolicyText?: string;
  /** manifest digest → epoch seconds of its first push, recorded by the registry front. */
  pushedAt: Map<string, number>;
}

export class EcrError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface EcrContext {
  region: string;
  accountId: string;
  registryHost: () => string;
  proxyEndpoint: () => string;
  tokenPassword: () => string;
  registry: RegistryClient;
}

type Json = Record<string, unknown>;
type ImageId = { imageTag?: string; imageDigest?: string };

const REPO_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export class EcrState {
  readonly repositories = new Map<string, EcrRepository>();
  constructor(private readonly ctx: EcrContext) {}

  get accountId(): string {
    return this.ctx.accountId;
  }

  repo(name: unknown): EcrRepository {
    const r = this.repositories.get(String(name));
    if (!r) throw new EcrError('RepositoryNotFoundException', `The repository with name '${String(name)}' does not exist in the registry with id '${this.ctx.accountId}'`);
    return r;
  }

  /** Create directly (tests arranging a world); same checks as CreateRepository. */
  create(name: string, opts: { imageTagMutability?: 'MUTABLE' | 'IMMUTABLE'; scanOnPush?: boolean } = {}): EcrRepository {
    if (!REPO_NAME.test(name) || name.length < 2 || name.length > 256) {
      throw new EcrError('InvalidParameterException', `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '${REPO_NAME.source}''`);
    }
    if (this.repositories.has(name)) {
      throw new EcrError('RepositoryAlreadyExistsException', `The repository with name '${name}' already exists in the registry with id '${this.ctx.accountId}'`);
    }
    const repo: EcrRepository = {
      repositoryName: name,
      repositoryArn: `arn:aws:ecr:${this.ctx.region}:${this.ctx.accountId}:repository/${name}`,
      registryId: this.ctx.accountId,
      repositoryUri: `${this.ctx.registryHost()}/${name}`,
      createdAt: Math.floor(Date.now() / 1000),
      imageTagMutability: opts.imageTagMutability ?? 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: opts.scanOnPush ?? false },
      encryptionConfiguration: { encryptionType: 'AES256' },
      pushedAt: new Map(),
    };
    this.repositories.set(name, repo);
    return repo;
  }

  async handle(op: string, input: Json): Promise<Json> {
    switch (op) {
      case 'GetAuthorizationToken':
        return {
          authorizationData: [
            {
              authorizationToken: Buffer.from(`AWS:${this.ctx.tokenPassword()}`).toString('base64'),
              expiresAt: Math.floor(Date.now() / 1000) + 12 * 3600,
              proxyEndpoint: this.ctx.proxyEndpoint(),
            },
          ],
        };
      case 'DescribeRepositories': {
        const names = input.repositoryNames as string[] | undefined;
        const repos = names?.length ? names.map((n) => this.repo(n)) : [...this.repositories.values()];
        return { repositories: repos.map(view) };
      }
      case 'CreateRepository': {
        const scanning = input.imageScanningConfiguration as { scanOnPush?: boolean } | undefined;
        const mutability = input.imageTagMutability as string | undefined;
        if (mutability && mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE') {
          throw new EcrError('InvalidParameterException', `Invalid parameter at 'imageTagMutability': ${mutability}`);
        }
        return { repository: view(this.create(String(input.repositoryName), { imageTagMutability: mutability as 'MUTABLE' | 'IMMUTABLE' | undefined, scanOnPush: scanning?.scanOnPush })) };
      }
      case 'PutImageTagMutability': {
        const r = this.repo(input.repositoryName);
        r.imageTagMutability = input.imageTagMutability === 'IMMUTABLE' ? 'IMMUTABLE' : 'MUTABLE';
        return { registryId: r.registryId, repositoryName: r.repositoryName, imageTagMutability: r.imageTagMutability };
      }
      case 'PutLifecyclePolicy': {
        const r = this.repo(input.repositoryName);
        const text = String(input.lifecyclePolicyText ?? '');
        if (!validLifecyclePolicy(text)) throw new EcrError('InvalidParameterException', "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure'");
        r.lifecyclePolicyText = text;
        return { registryId: r.registryId, repositoryName: r.repositoryName, lifecyclePolicyText: text };
      }
      case 'GetLifecyclePolicy': {
        const r = this.repo(input.repositoryName);
        if (!r.lifecyclePolicyText) throw new EcrError('LifecyclePolicyNotFoundException', `Lifecycle policy does not exist for the repository with name '${r.repositoryName}' in the registry with id '${r.registryId}'`);
        return { registryId: r.registryId, repositoryName: r.repositoryName, lifecyclePolicyText: r.lifecyclePolicyText };
      }
      case 'DescribeImages':
        return this.describeImages(this.repo(input.repositoryName), input.imageIds as ImageId[] | undefined);
      case 'BatchGetImage':
        return this.batchGetImage(this.repo(input.repositoryName), (input.imageIds as ImageId[] | undefined) ?? []);
      case 'PutImage':
        return this.putImage(this.repo(input.repositoryName), input);
      default:
        throw new EcrError('UnknownOperationException', `${op} is not implemented by the sandbox`);
    }
  }

  private async describeImages(repo: EcrRepository, ids?: ImageId[]): Promise<Json> {
    const reg = this.ctx.registry;
    const name = repo.repositoryName;
    const byDigest = new Map<string, { tags: string[]; size: number; mediaType: string }>();
    const add = async (reference: string, tag?: string) => {
      const m = await reg.manifest(name, reference);
      if (!m) return false;
      const entry = byDigest.get(m.digest) ?? { tags: [], size: await reg.size(name, m), mediaType: m.mediaType };
      if (tag && !entry.tags.includes(tag)) entry.tags.push(tag);
      byDigest.set(m.digest, entry);
      return true;
    };
    const allTags = await reg.tags(name);
    if (ids?.length) {
      for (const id of ids) {
        const found = id.imageDigest ? await add(id.imageDigest) : id.imageTag ? await add(id.imageTag, id.imageTag) : false;
        if (!found) throw new EcrError('ImageNotFoundException', `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${name}' in the registry with id '${repo.registryId}'`);
      }
      // an image's tag list is all its tags, not only the one asked for
      for (const t of allTags) {
        const m = await reg.manifest(name, t);
        if (m && byDigest.has(m.digest) && !byDigest.get(m.digest)!.tags.includes(t)) byDigest.get(m.digest)!.tags.push(t);
      }
    } else {
      for (const t of allTags) await add(t, t);
    }
    return {
      imageDetails: [...byDigest].map(([digest, d]) => ({
        registryId: repo.registryId,
        repositoryName: name,
        imageDigest: digest,
        imageTags: d.tags.length ? d.tags.sort() : undefined,
        imageSizeInBytes: d.size,
        imagePushedAt: repo.pushedAt.get(digest) ?? Math.floor(Date.now() / 1000),
        imageManifestMediaType: d.mediaType,
      })),
    };
  }

  /** Tag an image by re-putting its manifest, with ECR's tag rules. */
  private async putImage(repo: EcrRepository, input: Json): Promise<Json> {
    const raw = String(input.imageManifest ?? '');
    const tag = input.imageTag as string | undefined;
    const mediaType = String(input.imageManifestMediaType ?? (JSON.parse(raw) as { mediaType?: string }).mediaType ?? 'application/vnd.oci.image.manifest.v1+json');
    const digest = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    if (input.imageDigest && input.imageDigest !== digest) throw new EcrError('ImageDigestDoesNotMatchException', `The image digest '${String(input.imageDigest)}' does not match the digest of the manifest`);
    if (tag) {
      const existing = await this.ctx.registry.manifest(repo.repositoryName, tag);
      if (existing?.digest === digest) throw new EcrError('ImageAlreadyExistsException', `Image with digest '${digest}' and tag '${tag}' already exists in the repository with name '${repo.repositoryName}' in registry with id '${repo.registryId}'`);
      if (existing && repo.imageTagMutability === 'IMMUTABLE') throw new EcrError('ImageTagAlreadyExistsException', `The image tag '${tag}' already exists in the '${repo.repositoryName}' repository and cannot be overwritten because the repository is immutable.`);
    }
    await this.ctx.registry.putManifest(repo.repositoryName, tag ?? digest, raw, mediaType);
    if (!repo.pushedAt.has(digest)) repo.pushedAt.set(digest, Math.floor(Date.now() / 1000));
    return { image: { registryId: repo.registryId, repositoryName: repo.repositoryName, imageId: { imageDigest: digest, imageTag: tag }, imageManifest: raw, imageManifestMediaType: mediaType } };
  }

  private async batchGetImage(repo: EcrRepository, ids: ImageId[]): Promise<Json> {
    const images: Json[] = [];
    const failures: Json[] = [];
    for (const id of ids) {
      const m = await this.ctx.registry.manifest(repo.repositoryName, id.imageDigest ?? id.imageTag ?? '');
      if (!m || (id.imageDigest && id.imageTag && m.digest !== id.imageDigest)) {
        failures.push({ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });
        continue;
      }
      images.push({
        registryId: repo.registryId,
        repositoryName: repo.repositoryName,
        imageId: { imageDigest: m.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
        imageManifest: m.raw,
        imageManifestMediaType: m.mediaType,
      });
    }
    return { images, failures };
  }
}

function view(r: EcrRepository): Json {
  const { pushedAt: _p, lifecyclePolicyText: _l, ...rest } = r;
  return rest;
}

function validLifecyclePolicy(text: string): boolean {
  try {
    const p = JSON.parse(text) as { rules?: Array<{ rulePriority?: number; selection?: { tagStatus?: string; countType?: string; countNumber?: number }; action?: { type?: string } }> };
    return (
      Array.isArray(p.rules) &&
      p.rules.length > 0 &&
      p.rules.every((r) => Number.isInteger(r.rulePriority) && !!r.selection?.tagStatus && !!r.selection.countType && Number.isInteger(r.selection.countNumber) && r.action?.type === 'expire')
    );
  } catch {
    return false;
  }
}
