import { createHash } from 'node:crypto';
import { UserError } from '@dantaro/core';
import { parseImage } from '../images';

/**
 * Deterministic names: the same migration (image digest + argv) for the same target gets the same Job
 * name, so a re-run of a release finds the Job it already ran instead of migrating twice.
 */
export interface MigrationImage {
  /** The reference as given. */
  image: string;
  repository: string;
  tag?: string;
  /** `sha256:<64 hex>`. */
  digest: string;
}

/** `registry/repo[:tag]@sha256:<64 hex>`; a tag alone is refused: a tag can move, a digest cannot. */
export function parseImageRef(image: string, input = 'image'): MigrationImage {
  const form = 'an image by digest, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:<64 hex> (the build-push action outputs it)';
  const ref = parseImage(image);
  if (!ref) throw new UserError(`input "${input}": ${JSON.stringify(image)} is not a valid image reference; expected ${form}`);
  if (!ref.digest) throw new UserError(`input "${input}": ${JSON.stringify(image)} has no digest; expected ${form}`);
  if (!/^sha256:[a-f0-9]{64}$/.test(ref.digest)) throw new UserError(`input "${input}": ${JSON.stringify(image)} has a malformed digest; expected ${form}`);
  return { image: ref.raw, repository: ref.registry ? `${ref.registry}/${ref.path}` : ref.path, tag: ref.tag, digest: ref.digest };
}

/** Short, stable identity of a migration: sha256 over the digest and every argv word (NUL-separated). */
export function migrationKey(digest: string, argv: string[], kind: 'migrate' | 'plan' = 'migrate'): string {
  const h = createHash('sha256');
  h.update(`${kind}\0${digest}\0`);
  for (const a of argv) h.update(`${a}\0`);
  return h.digest('hex').slice(0, 10);
}

/** Lower-case DNS-1123 label text: invalid runs become '-', trimmed, cut to `max`. */
export function dnsLabel(text: string, max = 63): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '');
  return s.slice(0, max).replace(/-+$/, '');
}

export const MAX_NAME = 63;
const SUFFIX_ROOM = 4; // `-99` for re-runs after a failed attempt, plus `-plan`

/**
 * `migrate-<target>-<key>[-<attempt>]`, ≤ 63 chars, DNS-1123. The target (a Deployment or app name) is
 * cut to fit; the key is never cut, so two targets sharing a long prefix still differ by key.
 */
export function jobName(target: string, key: string, attempt = 1): string {
  const room = MAX_NAME - 'migrate-'.length - 1 - key.length - SUFFIX_ROOM - 1;
  const t = dnsLabel(target, room) || 'app';
  const base = `migrate-${t}-${key}`;
  return attempt > 1 ? `${base}-${attempt}` : base;
}

/** The plan Job of a migration: its own name so it never collides with the migration Job. */
export function planJobName(target: string, key: string): string {
  return `${jobName(target, key)}-plan`;
}

/** `migrate-<target>`: one Lease per namespace and target, so unrelated apps do not block each other. */
export function lockName(target: string): string {
  return `migrate-${dnsLabel(target, MAX_NAME - 'migrate-'.length) || 'app'}`;
}

/** The attempt number of a Job name this module made (1 for the base name), or undefined. */
export function attemptOf(name: string, base: string): number | undefined {
  if (name === base) return 1;
  const m = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(name);
  return m ? Number(m[1]) : undefined;
}
