import { UserError, type GitHubContext } from '@dantaro/core';

/**
 * Default tags and labels. Tags: the commit SHA, plus the exact version for a `v*` tag ref
 * (`v1.2.3` → `1.2.3`); no moving `1.2`/`latest` tags, since IMMUTABLE repositories refuse them
 * on the next release. Labels: the OCI annotations source/revision/created/version.
 */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const SEMVER = /^v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

export function defaultTags(gh: Pick<GitHubContext, 'sha' | 'ref'>): string[] {
  const tags: string[] = [];
  if (gh.sha) tags.push(gh.sha);
  const m = gh.ref.startsWith('refs/tags/') ? SEMVER.exec(gh.ref.slice('refs/tags/'.length)) : null;
  if (m) tags.push(m[1].replace(/\+/g, '_')); // `+` is not allowed in a tag
  return tags;
}

export function validateTags(tags: string[], input = 'tags'): string[] {
  for (const t of tags) {
    if (!TAG.test(t)) throw new UserError(`input "${input}": "${t}" is not a valid image tag; expected letters, digits, _ . - (max 128, not starting with . or -), without the repository`);
  }
  return [...new Set(tags)];
}

export function versionFromRef(ref: string): string | undefined {
  const m = ref.startsWith('refs/tags/') ? SEMVER.exec(ref.slice('refs/tags/'.length)) : null;
  return m?.[1];
}

/** OCI labels; user labels override defaults key by key. */
export function defaultLabels(gh: Pick<GitHubContext, 'serverUrl' | 'repository' | 'sha' | 'ref'>, created: Date, firstTag: string | undefined): Array<[string, string]> {
  const labels: Array<[string, string]> = [];
  if (gh.repository) labels.push(['org.opencontainers.image.source', `${gh.serverUrl}/${gh.repository}`]);
  if (gh.sha) labels.push(['org.opencontainers.image.revision', gh.sha]);
  labels.push(['org.opencontainers.image.created', created.toISOString()]);
  const version = versionFromRef(gh.ref) ?? firstTag;
  if (version) labels.push(['org.opencontainers.image.version', version]);
  return labels;
}

export function mergeLabels(defaults: Array<[string, string]>, user: Array<[string, string]>): Array<[string, string]> {
  const m = new Map(defaults);
  for (const [k, v] of user) m.set(k, v);
  return [...m];
}

const REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function validateRepository(name: string): string {
  // a registry host in front (`123….dkr.ecr.…amazonaws.com/app`) is a common slip: the host has its own input
  if (!REPOSITORY.test(name) || name.length < 2 || name.length > 256 || /\.dkr\.ecr\.|amazonaws\.com/.test(name)) {
    throw new UserError(`input "repository": "${name}" is not a valid ECR repository name; expected lower-case path components such as "team/app" (no registry host, no tag)`);
  }
  return name;
}
