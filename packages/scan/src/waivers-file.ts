import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import { UserError } from '@dantaro/core';
import { isValidDate } from './dates';
import type { Waiver } from './waiver';

const KEYS = ['id', 'package', 'target', 'reason', 'expires'];

/**
 * The waivers file: a YAML list (or `waivers:` holding one) of `{id, package?, target?, reason, expires}`.
 * Every problem is a UserError naming the file and line, found before anything runs.
 */
export function loadWaivers(file: string): Waiver[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read the waivers file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseWaivers(text, file);
}

export function parseWaivers(text: string, file: string): Waiver[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const lineOf = (node: Node | null | undefined, fallback = 1) => (node?.range ? lc.linePos(node.range[0]).line : fallback);
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new UserError(`${file}:${lc.linePos(e.pos[0]).line}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  let list: unknown = doc.contents;
  if (isMap(list) && list.has('waivers')) list = list.get('waivers', true);
  if (list === null || (isScalar(list) && (list.value === null || list.value === ''))) return [];
  if (!isSeq(list)) {
    throw new UserError(`${file}:${lineOf(list as Node)}: expected a list of waivers (each with id, reason, expires; optional package, target)`);
  }
  const out: Waiver[] = [];
  for (const item of list.items) {
    const line = lineOf(item as Node);
    const where = `${file}:${line}`;
    if (!isMap(item)) throw new UserError(`${where}: a waiver must be a mapping with id, reason and expires`);
    const fields: Record<string, string> = {};
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const keyLine = lineOf(pair.key as Node, line);
      if (!KEYS.includes(key)) throw new UserError(`${file}:${keyLine}: unknown waiver field "${key}"; expected ${KEYS.join(', ')}`);
      if (!isScalar(pair.value) || pair.value.value === null || typeof pair.value.value === 'object') {
        throw new UserError(`${file}:${keyLine}: waiver field "${key}" must be a single value`);
      }
      fields[key] = String(pair.value.value).trim();
    }
    if (!fields.id) throw new UserError(`${where}: waiver without "id" (the CVE, check or secret rule ID)`);
    if (!fields.reason) throw new UserError(`${where}: waiver for ${fields.id} has no "reason"; say why the risk is accepted`);
    if (!fields.expires) throw new UserError(`${where}: waiver for ${fields.id} has no "expires" date (YYYY-MM-DD)`);
    if (!isValidDate(fields.expires)) {
      throw new UserError(`${where}: waiver for ${fields.id}: expires "${fields.expires}" is not a date; use YYYY-MM-DD`);
    }
    out.push({
      id: fields.id,
      package: fields.package || undefined,
      target: fields.target || undefined,
      reason: fields.reason,
      expires: fields.expires,
      source: { file, line },
    });
  }
  return out;
}
