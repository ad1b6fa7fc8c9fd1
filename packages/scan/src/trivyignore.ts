import { readFileSync } from 'node:fs';
import { UserError } from '@dantaro/core';
import { isValidDate } from './dates';
import type { Waiver } from './waiver';

/**
 * A plain `.trivyignore`: one ID per line, `#` comments, optional `exp:YYYY-MM-DD` after the ID.
 * We apply it ourselves (Trivy is given an empty ignore file) so ignored findings are counted as
 * waived and expired entries can be listed.
 */
export function loadTrivyignore(file: string): Waiver[] {
  if (/\.ya?ml$/i.test(file)) {
    throw new UserError(`${file}: .trivyignore.yaml is not supported here; use the waivers input (it requires a reason and an expiry)`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read the ignore file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseTrivyignore(text, file);
}

export function parseTrivyignore(text: string, file: string): Waiver[] {
  const out: Waiver[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const hash = lines[i].indexOf('#');
    const content = (hash >= 0 ? lines[i].slice(0, hash) : lines[i]).trim();
    if (!content) continue;
    const [id, ...rest] = content.split(/\s+/);
    let expires: string | undefined;
    for (const token of rest) {
      if (!token.startsWith('exp:')) continue; // Trivy ignores other trailing words too
      expires = token.slice(4);
      if (!isValidDate(expires)) throw new UserError(`${file}:${i + 1}: "${token}" is not a valid expiry; use exp:YYYY-MM-DD`);
    }
    out.push({ id, expires, reason: hash >= 0 ? lines[i].slice(hash + 1).trim() || undefined : undefined, source: { file, line: i + 1 } });
  }
  return out;
}
