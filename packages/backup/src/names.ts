/**
 * Object names, as the spec's script writes them: `database/db_backup_YYYYMMDD_HHMMSS.sql.gz.enc` and
 * `redis/redis_backup_YYYYMMDD_HHMMSS.rdb.enc`. Custom-format dumps get `.dump.gz.enc`. Timestamps are
 * UTC. A manifest sits beside each object as `<key>.manifest.json`.
 */
export type DumpFormat = 'plain' | 'custom';

export function normalizePrefix(prefix: string): string {
  const p = prefix.replace(/^\/+/, '');
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

export function stamp(d: Date): string {
  const iso = d.toISOString(); // 2026-11-29T17:38:18.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

export function postgresKey(prefix: string, format: DumpFormat, at: Date): string {
  return `${normalizePrefix(prefix)}db_backup_${stamp(at)}.${format === 'custom' ? 'dump' : 'sql'}.gz.enc`;
}

export function redisKey(prefix: string, at: Date): string {
  return `${normalizePrefix(prefix)}redis_backup_${stamp(at)}.rdb.enc`;
}

export const manifestKey = (key: string) => `${key}.manifest.json`;

/** The YYYYMMDD_HHMMSS in a key, read as UTC; undefined if absent or not a real date. */
export function timestampFromKey(key: string): Date | undefined {
  const m = /(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?!.*\d{8}_\d{6})/.exec(key.slice(key.lastIndexOf('/') + 1));
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) || d.getUTCMonth() !== +m[2] - 1 ? undefined : d;
}

export const isBackupObject = (key: string) => key.endsWith('.enc');

/** A sibling folder of the database prefix: (`database/`, `redis`) → `redis/`, (`prod/database/`, `redis`) → `prod/redis/`. */
export function siblingPrefix(prefix: string, name: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  const parent = trimmed.includes('/') ? trimmed.slice(0, trimmed.lastIndexOf('/') + 1) : '';
  return `${parent}${name}/`;
}
