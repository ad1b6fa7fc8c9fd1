import { UserError } from '@dantaro/core';
import type { Container, Deployment } from './types';

/**
 * Image references: parse and validate (distribution/reference grammar, simplified), normalise the
 * repository for matching (`nginx` == `docker.io/library/nginx`), and plan which containers of which
 * Deployment get which image.
 */
export interface ImageRef {
  /** As given. */
  raw: string;
  /** Registry host, '' when implicit (Docker Hub). */
  registry: string;
  /** Repository path without registry, tag or digest. */
  path: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/** Parse an image reference; undefined when it is not valid. */
export function parseImage(raw: string): ImageRef | undefined {
  let rest = raw.trim();
  if (!rest || /\s/.test(rest)) return undefined;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  let registry = '';
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) registry = parts.shift()!;
  if (registry && !/^[a-zA-Z0-9.-]+(:\d+)?$/.test(registry) && !/^\[[0-9a-fA-F:]+\](:\d+)?$/.test(registry)) return undefined;
  if (parts.length === 0 || !parts.every((p) => COMPONENT.test(p))) return undefined;
  return { raw: raw.trim(), registry, path: parts.join('/'), tag, digest };
}

/** Registry + path, Docker Hub made explicit, so different spellings of one repository compare equal. */
export function repositoryKey(ref: ImageRef): string {
  const registry = !ref.registry || ref.registry === 'index.docker.io' || ref.registry === 'registry-1.docker.io' ? 'docker.io' : ref.registry.toLowerCase();
  const path = registry === 'docker.io' && !ref.path.includes('/') ? `library/${ref.path}` : ref.path;
  return `${registry}/${path}`;
}

/** An `images` entry: `container=image` (by name) or a bare image (every container of that repository). */
export type ImageSpec = { container: string; image: ImageRef } | { container?: undefined; image: ImageRef };

export interface ParsedImages {
  specs: ImageSpec[];
  warnings: string[];
}

export function parseImageSpecs(items: string[], inputName = 'images'): ParsedImages {
  const warnings: string[] = [];
  const specs: ImageSpec[] = items.map((item) => {
    const eq = item.indexOf('=');
    const container = eq >= 0 ? item.slice(0, eq).trim() : undefined;
    const text = eq >= 0 ? item.slice(eq + 1).trim() : item.trim();
    if (container !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(container)) {
      throw new UserError(`input "${inputName}": "${container}" is not a container name; expected \`container=image\` lines or a bare image reference`);
    }
    const image = parseImage(text);
    if (!image) throw new UserError(`input "${inputName}": "${text}" is not a valid image reference; expected registry/repository[:tag][@sha256:digest]`);
    if (!image.digest) {
      if (!image.tag || image.tag === 'latest') warnings.push(`image "${text}" uses ${image.tag ? 'the "latest" tag' : 'no tag (means "latest")'}: the rollout may be a no-op or pull something else later; deploy by digest (repo@sha256:...)`);
      else warnings.push(`image "${text}" is deployed by tag; a digest (repo@sha256:...) is immutable and preferred`);
    }
    return container !== undefined ? { container, image } : { image };
  });
  if (specs.length === 0) throw new UserError(`input "${inputName}" is required: give \`container=image\` lines or a bare image reference`);
  const named = specs.filter((s) => s.container).map((s) => s.container!);
  const dup = named.find((n, i) => named.indexOf(n) !== i);
  if (dup) throw new UserError(`input "${inputName}": container "${dup}" is given twice`);
  return { specs, warnings };
}

export interface ContainerChange {
  container: string;
  init: boolean;
  from: string;
  to: string;
}

/** Which containers of one Deployment the specs change (named specs win over repository matches). */
export function planImageChanges(d: Deployment, specs: ImageSpec[]): ContainerChange[] {
  const changes: ContainerChange[] = [];
  const spec = d.spec?.template?.spec;
  const all: Array<[Container, boolean]> = [...(spec?.containers ?? []).map((c) => [c, false] as [Container, boolean]), ...(spec?.initContainers ?? []).map((c) => [c, true] as [Container, boolean])];
  for (const [c, init] of all) {
    const byName = specs.find((s) => s.container === c.name);
    const current = parseImage(c.image ?? '');
    const byRepo = !byName && current ? specs.find((s) => !s.container && repositoryKey(s.image) === repositoryKey(current)) : undefined;
    const hit = byName ?? byRepo;
    if (hit) changes.push({ container: c.name, init, from: c.image ?? '', to: hit.image.raw });
  }
  return changes;
}

/** Names of all containers (and init containers) of a Deployment's pod template. */
export function containerNames(d: Deployment): string[] {
  const s = d.spec?.template?.spec;
  return [...(s?.containers ?? []), ...(s?.initContainers ?? [])].map((c) => c.name);
}

/** The strategic-merge patch that sets images (containers merge by name) and the change-cause. */
export function imagePatch(changes: ContainerChange[], annotations: Record<string, string>, resourceVersion?: string): Record<string, unknown> {
  const containers = changes.filter((c) => !c.init && c.from !== c.to).map((c) => ({ name: c.container, image: c.to }));
  const initContainers = changes.filter((c) => c.init && c.from !== c.to).map((c) => ({ name: c.container, image: c.to }));
  const podSpec: Record<string, unknown> = {};
  if (containers.length) podSpec.containers = containers;
  if (initContainers.length) podSpec.initContainers = initContainers;
  return {
    // resourceVersion makes the patch conditional: a concurrent writer gets us a 409, not a lost update
    metadata: { ...(resourceVersion ? { resourceVersion } : {}), annotations },
    spec: { template: { spec: podSpec } },
  };
}
