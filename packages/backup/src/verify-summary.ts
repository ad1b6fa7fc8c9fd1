import { details, errorMessage, formatDuration, heading, table } from '@dantaro/core';
import { formatBytes } from './size';
import type { PostgresVerifyReport } from './verify-postgres';
import type { RedisVerifyReport } from './verify-redis';

/** The job summary of backup-verify: key, age vs RPO, sizes, restore time (RTO), rows, each check. */
export function verifySummary(pg: PostgresVerifyReport, redis: RedisVerifyReport | undefined, ctx: { bucket: string; maxAgeMs?: number }): string {
  const ok = pg.ok && (!redis || redis.ok);
  const parts = [heading(`Backup verification: ${ok ? '✅ verified' : '❌ failed'}`)];
  const mark = (b: boolean | undefined) => (b === undefined ? '—' : b ? '✅' : '❌');
  const age = (r: { ageSeconds?: number; takenAt?: string }) =>
    r.ageSeconds === undefined
      ? '—'
      : `${formatDuration(r.ageSeconds * 1000)} ago (${r.takenAt})${ctx.maxAgeMs !== undefined ? ` — RPO max-age ${formatDuration(ctx.maxAgeMs)} ${mark(r.ageSeconds * 1000 <= ctx.maxAgeMs)}` : ''}`;
  if (!pg.ok) parts.push(`**PostgreSQL:** ${errorMessage(pg.error)}\n`);
  const f = pg.footer;
  parts.push(
    heading('PostgreSQL', 3),
    table(['', ''], [
      ['Backup', pg.key ? `s3://${ctx.bucket}/${pg.key}` : '—'],
      ['Taken', age(pg)],
      ['Size', `${formatBytes(pg.size)} encrypted${pg.sqlBytes !== undefined ? `; ${formatBytes(pg.sqlBytes)} of SQL` : ''}`],
      ['Decryption', pg.kdf ? `aes-256-cbc, kdf ${pg.kdf}` : '—'],
      ['Format', pg.format ?? '—'],
      ['Integrity', f ? `footer ${mark(f.footer)}${f.unrestrictMatches !== undefined ? `, \\restrict pair ${mark(f.unrestrictMatches)}` : ''}${pg.manifest?.sha256Matches !== undefined ? `, manifest sha256 ${mark(pg.manifest.sha256Matches)}` : ''}` : '—'],
      ['Restore (RTO)', pg.restoreSeconds !== undefined ? `${pg.restoreSeconds.toFixed(1)} s into ${pg.target}` : pg.restored ? '—' : 'not restored'],
      ['Tables', pg.rows ? String(Object.keys(pg.rows).length) : '—'],
    ]),
  );
  if (pg.rows && Object.keys(pg.rows).length) {
    const rows = table(['table', 'rows'], Object.entries(pg.rows).map(([t, n]) => [t, n]));
    parts.push(Object.keys(pg.rows).length > 15 ? details(`Rows per table (${Object.keys(pg.rows).length} tables)`, rows) : rows);
  }
  if (pg.checks.length || pg.requireRows.length) {
    parts.push(
      heading('Checks', 3),
      table(['check', 'expect', 'got', 'result'], [
        ...pg.requireRows.map((r) => [`rows in ${r.table}`, '> 0', r.rows ?? 'missing', mark(r.ok)]),
        ...pg.checks.map((c) => [c.name, c.expect ?? 'runs', c.error ?? c.value ?? '', mark(c.ok)]),
      ]),
    );
  }
  if (redis) {
    parts.push(heading('Redis', 3));
    if (!redis.ok) parts.push(`**Redis:** ${errorMessage(redis.error)}\n`);
    parts.push(
      table(['', ''], [
        ['Backup', redis.key ? `s3://${ctx.bucket}/${redis.key}` : '—'],
        ['Taken', age(redis)],
        ['Size', formatBytes(redis.size)],
        ['RDB', redis.rdb ? `${redis.rdb.magic}, checksum ${redis.rdb.checksum}${redis.rdb.aux['redis-ver'] ? `, written by Redis ${redis.rdb.aux['redis-ver']}` : ''}` : '—'],
        ['Load', redis.loaded ? `${redis.loaded.keys} keys in ${redis.loaded.seconds.toFixed(1)} s` : 'not loaded'],
      ]),
    );
  }
  return parts.join('\n');
}
