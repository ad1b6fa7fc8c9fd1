import { heading, table } from '@dantaro/core';
import type { BackupResult } from './backup-postgres';
import type { RetentionResult } from './retention';
import { formatBytes } from './size';

/** The job summary of `backup`: what was stored where, how big, its sha256, and what retention did. */
export function backupSummary(r: { bucket: string; pg?: BackupResult; redis?: BackupResult; retention: Array<{ prefix: string; result: RetentionResult }>; error?: string }): string {
  const parts = [heading(`Backup: ${r.error ? '❌ failed' : '✅ stored'}`)];
  if (r.error) parts.push(`${r.error}\n`);
  const rows: unknown[][] = [];
  for (const [what, b] of [['PostgreSQL', r.pg], ['Redis', r.redis]] as const) {
    if (!b) continue;
    rows.push([
      what,
      `s3://${r.bucket}/${b.key}`,
      `${formatBytes(b.bytes)} (from ${formatBytes(b.sourceBytes)})`,
      `${b.manifest.kdf}${b.manifest.format ? `, ${b.manifest.format}` : ''}${b.manifest.footer !== undefined ? `, footer ${b.manifest.footer ? '✅' : '❌'}` : ''}`,
      b.manifest.serverVersion ?? '',
      `${b.seconds.toFixed(1)} s`,
      b.sha256.slice(0, 16) + '…',
    ]);
  }
  if (rows.length) parts.push(table(['', 'object', 'size', 'kdf / format', 'server', 'time', 'sha256'], rows));
  for (const { prefix, result } of r.retention) {
    if (!result.expired.length) {
      parts.push(`Retention under \`${prefix}\`: nothing older than the limit (${result.kept} kept; the newest 3 are always kept).\n`);
      continue;
    }
    parts.push(
      heading(`Retention under ${prefix}: ${result.dryRun ? 'would delete' : 'deleted'} ${result.expired.length}`, 3),
      table(['object', 'taken'], result.expired.map((b) => [b.key, b.takenAt.toISOString()])),
    );
  }
  return parts.join('\n');
}
