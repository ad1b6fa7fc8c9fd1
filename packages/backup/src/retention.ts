import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '@dantaro/core';
import { manifestKey } from './names';
import { deleteKeys, listBackups, type BackupObject } from './s3-store';

/**
 * Delete backups older than `days` under the prefix (and their manifests), never the newest `keep`
 * (default 3), whatever their age. `days` 0 disables retention. Dry-run lists without deleting.
 */
export interface RetentionResult {
  expired: BackupObject[];
  kept: number;
  dryRun: boolean;
}

export async function applyRetention(o: { client: S3Client; bucket: string; prefix: string; days: number; keep?: number; dryRun: boolean; now?: number; log: Logger }): Promise<RetentionResult> {
  if (o.days <= 0) return { expired: [], kept: 0, dryRun: o.dryRun };
  const all = await listBackups(o.client, o.bucket, o.prefix);
  const keep = o.keep ?? 3;
  const cutoff = (o.now ?? Date.now()) - o.days * 86_400_000;
  const candidates = all.slice(0, Math.max(0, all.length - keep));
  const expired = candidates.filter((b) => b.takenAt.getTime() < cutoff);
  for (const b of expired) o.log.info(`${o.dryRun ? 'would delete' : 'deleting'} s3://${o.bucket}/${b.key} (taken ${b.takenAt.toISOString()})`);
  if (!o.dryRun && expired.length) await deleteKeys(o.client, o.bucket, expired.flatMap((b) => [b.key, manifestKey(b.key)]));
  return { expired, kept: all.length - expired.length, dryRun: o.dryRun };
}
