import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  PutLifecyclePolicyCommand,
  type ECRClient,
  type Repository,
} from '@aws-sdk/client-ecr';
import { UserError, type Logger } from '@dantaro/core';
import { withAuthHint } from './errors';

/**
 * Describe the repository, or create it safe by default: IMMUTABLE tags, scan on push, and a
 * lifecycle policy expiring untagged images (cache/orphan manifests) after 14 days.
 */
export interface RepositoryInfo {
  name: string;
  uri: string;
  immutable: boolean;
  scanOnPush: boolean;
  created: boolean;
}

export const UNTAGGED_LIFECYCLE_POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'expire untagged images after 14 days',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
});

export async function describeRepository(ecr: ECRClient, name: string): Promise<RepositoryInfo | undefined> {
  try {
    const out = await withAuthHint('ECR DescribeRepositories', ['ecr:DescribeRepositories'], () => ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })));
    const r = out.repositories?.[0];
    return r ? info(r, false) : undefined;
  } catch (e) {
    if ((e as { name?: string }).name === 'RepositoryNotFoundException') return undefined;
    throw e;
  }
}

export async function ensureRepository(ecr: ECRClient, name: string, opts: { create: boolean; log: Logger }): Promise<RepositoryInfo> {
  const existing = await describeRepository(ecr, name);
  if (existing) return existing;
  if (!opts.create) {
    throw new UserError(`ECR repository "${name}" does not exist`, { hint: 'create it (IMMUTABLE tags, scan on push) or set `create-repository: true`' });
  }
  let repo: Repository | undefined;
  try {
    const out = await withAuthHint('ECR CreateRepository', ['ecr:CreateRepository', 'ecr:PutLifecyclePolicy'], () =>
      ecr.send(new CreateRepositoryCommand({ repositoryName: name, imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } })),
    );
    repo = out.repository;
  } catch (e) {
    // another job created it between our describe and create: use theirs, settings untouched
    if ((e as { name?: string }).name === 'RepositoryAlreadyExistsException') return (await describeRepository(ecr, name))!;
    throw e;
  }
  await withAuthHint('ECR PutLifecyclePolicy', ['ecr:PutLifecyclePolicy'], () => ecr.send(new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: UNTAGGED_LIFECYCLE_POLICY })));
  opts.log.info(`created ECR repository ${name} (IMMUTABLE tags, scan on push, untagged images expire after 14 days)`);
  return info(repo!, true);
}

function info(r: Repository, created: boolean): RepositoryInfo {
  return {
    name: r.repositoryName ?? '',
    uri: r.repositoryUri ?? '',
    immutable: (r.imageTagMutability ?? 'MUTABLE').startsWith('IMMUTABLE'),
    scanOnPush: r.imageScanningConfiguration?.scanOnPush ?? false,
    created,
  };
}
