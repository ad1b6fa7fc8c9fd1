import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UserError } from '@dantaro/core';

/**
 * SQL checks run against the restored database: a YAML list of `{ name, sql, expect }`, where expect
 * compares the first column of the first row: `>= 1`, `= 0`, `> 10`, `!= 0`, `< 5`, `<= 5`, or `= text`.
 * Without `expect` a check passes when the query runs.
 */
export interface Check {
  name: string;
  sql: string;
  expect?: string;
}

export interface CheckResult extends Check {
  ok: boolean;
  value?: string;
  error?: string;
}

const EXPECT = /^(>=|<=|!=|<>|==|=|>|<)\s*(.+)$/;

export function parseChecks(text: string, source: string): Check[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new UserError(`checks file ${source}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { checks?: unknown })?.checks;
  if (!Array.isArray(list)) throw new UserError(`checks file ${source}: expected a YAML list of { name, sql, expect }`);
  return list.map((item, i) => {
    const c = item as Partial<Record<keyof Check, unknown>>;
    const where = `checks file ${source}, item ${i + 1}`;
    if (!c || typeof c !== 'object' || typeof c.sql !== 'string' || !c.sql.trim()) throw new UserError(`${where}: needs \`sql\` (a SELECT returning one value)`);
    const expect = c.expect === undefined || c.expect === null ? undefined : String(c.expect).trim();
    if (expect !== undefined && !EXPECT.test(expect)) throw new UserError(`${where}: expect ${JSON.stringify(expect)} is not valid; use e.g. ">= 1", "= 0", "> 10"`);
    return { name: typeof c.name === 'string' && c.name ? c.name : `check ${i + 1}`, sql: c.sql.trim().replace(/;+\s*$/, ''), expect };
  });
}

export function loadChecks(path: string): Check[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`input "checks": cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseChecks(text, path);
}

export function evaluate(check: Check, out: { value?: string; error?: string; ran: boolean }): CheckResult {
  if (!out.ran) return { ...check, ok: false, error: 'not run (the restore did not finish)' };
  if (out.error) return { ...check, ok: false, error: out.error };
  if (!check.expect) return { ...check, ok: true, value: out.value };
  if (out.value === undefined) return { ...check, ok: false, error: 'the query returned no rows' };
  const [, op, want] = EXPECT.exec(check.expect)!;
  const a = Number(out.value);
  const b = Number(want);
  const numeric = out.value.trim() !== '' && !Number.isNaN(a) && !Number.isNaN(b);
  const cmp = numeric ? a - b : out.value.localeCompare(want.trim());
  const ok =
    op === '>=' ? cmp >= 0 : op === '<=' ? cmp <= 0 : op === '>' ? cmp > 0 : op === '<' ? cmp < 0 : op === '!=' || op === '<>' ? cmp !== 0 : cmp === 0;
  return { ...check, ok, value: out.value };
}
