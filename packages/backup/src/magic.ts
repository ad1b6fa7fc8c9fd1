/** What the first plaintext bytes of a backup say it is. */
export type Payload = 'gzip' | 'pgdmp' | 'rdb' | 'sql';

export function sniff(head: Buffer): Payload | undefined {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  const ascii = head.subarray(0, 9).toString('latin1');
  if (ascii.startsWith('PGDMP')) return 'pgdmp';
  if (/^REDIS\d{4}/.test(ascii) || /^VALKEY\d{3}/.test(ascii)) return 'rdb';
  // SQL text: pg_dump begins with a comment block; accept other scripts starting with a statement
  const text = head.toString('latin1');
  if (/^[\t\n\r\x20-\x7e]+$/.test(text) && /^(--|\/\*|\\|SET |CREATE |BEGIN|SELECT )/i.test(text)) return 'sql';
  return undefined;
}
