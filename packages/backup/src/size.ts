import { UserError } from '@dantaro/core';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** `1048576`, `512k`, `10MB`, `1.5GiB` → bytes (binary units). */
export function parseSize(text: string | undefined, input: string): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m?.[2].toLowerCase() ?? '';
  if (!m || !(unit in UNITS)) throw new UserError(`input "${input}": ${JSON.stringify(text)} is not valid; expected a size such as 1048576, 512k, 10MB or 1GB`);
  return Math.round(Number(m[1]) * UNITS[unit]);
}

export { formatBytes } from '@dantaro/core';
