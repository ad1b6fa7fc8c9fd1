import { errorMessage, heading, table } from '@dantaro/core';
import type { RestoreReport } from './restore-postgres';

/** The job summary of `restore`: what was replaced, from which backup, and where the safety backup is. */
export function restoreSummary(r: RestoreReport, bucket: string): string {
  const parts = [heading(`Restore: ${r.ok ? '✅ restored' : '❌ failed'}`)];
  if (!r.ok) {
    parts.push(`${errorMessage(r.error)}\n`);
    parts.push(
      r.state === 'unknown'
        ? '**State of the target: unknown** — the failure happened at COMMIT; check the database before retrying.\n'
        : '**The target database is unchanged**: the restore runs in one transaction, which was rolled back (or never started).\n',
    );
  }
  parts.push(
    table(['', ''], [
      ['Target', `${r.target}${r.database ? ` (database ${r.database})` : ''}`],
      ['Backup', r.key ? `s3://${bucket}/${r.key}` : '—'],
      ['Replaced', r.tablesBefore ? (r.tablesBefore.length ? `${r.tablesBefore.length} table(s): ${r.tablesBefore.slice(0, 20).join(', ')}${r.tablesBefore.length > 20 ? ', …' : ''} (every user schema was dropped and recreated)` : 'an empty database') : '—'],
      ['Safety backup', r.safetyKey ? `s3://${bucket}/${r.safetyKey} — restore this key to undo` : 'none'],
      ['Tables now', r.rows ? Object.entries(r.rows).map(([t, n]) => `${t}: ${n}`).join(', ') : '—'],
      ['Time', r.seconds !== undefined ? `${r.seconds.toFixed(1)} s` : '—'],
    ]),
  );
  return parts.join('\n');
}
