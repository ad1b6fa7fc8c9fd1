/**
 * Exactly-once log lines across reconnects and container restarts. Logs are read with
 * `timestamps=true`; every line is known by its timestamp and text, counted per connection, so a
 * replay (after a drop, from `sinceTime` in whole seconds — or from the start when the server ignores
 * it) passes on only what was not seen, in any order: a restarted container's previous instance can be
 * read after its successor without losing or repeating a line.
 */
export class LogCursor {
  private readonly seen = new Map<string, number>();
  private conn = new Map<string, number>();
  private newest = '';

  /** Start of a new connection for the same container (or its previous instance). */
  reconnect(): void {
    this.conn = new Map();
  }

  /** RFC 3339 `sinceTime` for a reconnect: the newest second seen (undefined before any line). */
  sinceTime(): string | undefined {
    return this.newest ? `${this.newest.slice(0, 19)}Z` : undefined;
  }

  /** One raw line as served; returns the text to pass on, or undefined for a duplicate. */
  accept(raw: string): string | undefined {
    const sp = raw.indexOf(' ');
    const key = sp > 0 ? timeKey(raw.slice(0, sp)) : undefined;
    if (key === undefined) return raw; // no timestamp: cannot dedupe, pass through
    const text = raw.slice(sp + 1);
    const id = `${key} ${text}`;
    const n = (this.conn.get(id) ?? 0) + 1;
    this.conn.set(id, n);
    if (n <= (this.seen.get(id) ?? 0)) return undefined;
    this.seen.set(id, n);
    if (key > this.newest) this.newest = key;
    return text;
  }
}

/**
 * A sortable key for an RFC 3339 timestamp: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn` in UTC (the kubelet trims
 * trailing zeros from the fraction, so the strings themselves do not sort).
 */
export function timeKey(ts: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(ts);
  if (!m) return undefined;
  let base = m[1];
  if (m[3] !== 'Z') {
    const d = new Date(`${m[1]}${m[3]}`);
    if (Number.isNaN(d.getTime())) return undefined;
    base = d.toISOString().slice(0, 19);
  }
  return `${base}.${(m[2] ?? '').padEnd(9, '0')}`;
}
