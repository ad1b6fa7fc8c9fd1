// Label selectors (=, ==, !=, in, notin, exists, !exists) and field selectors (dotted paths, = == !=).
import { ApiError } from './status';
import type { KObject } from './types';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export type Matcher = (labels: Record<string, string> | undefined) => boolean;

/** Split on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

export function parseLabelSelector(sel: string | undefined): Requirement[] {
  if (!sel) return [];
  return splitTop(sel).map((part) => {
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) return { key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map((v) => v.trim()).filter((v) => v !== '' || m![3].trim() === '') };
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(part);
    if (m) return { key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]] };
    m = /^(!?)([\w./-]+)$/.exec(part);
    if (m) return { key: m[2], op: m[1] ? '!exists' : 'exists' };
    throw new ApiError(400, 'BadRequest', `unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

export function labelMatcher(sel: string | undefined): Matcher {
  const reqs = parseLabelSelector(sel);
  return (labels) => reqs.every((r) => matchReq(r, labels ?? {}));
}

function matchReq(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.op) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case 'in':
      return has && r.values.includes(labels[r.key]);
    case 'notin':
      return !has || !r.values.includes(labels[r.key]);
  }
}

/** A metav1.LabelSelector object (matchLabels + matchExpressions) as a matcher. */
export function selectorObjectMatcher(sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined): Matcher {
  if (!sel) return () => false;
  const reqs: Requirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ key, op: 'in' as const, values: [v] }));
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') reqs.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists') reqs.push({ key: e.key, op: 'exists' });
    else if (op === 'doesnotexist') reqs.push({ key: e.key, op: '!exists' });
  }
  return (labels) => reqs.every((r) => matchReq(r, labels ?? {}));
}

/** metav1.LabelSelector → the string form (`a=b,c in (d)`), as kubectl builds it. */
export function selectorToString(sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined): string {
  if (!sel) return '';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'exists') parts.push(e.key);
    else if (op === 'doesnotexist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${op} (${(e.values ?? []).join(',')})`);
  }
  return parts.join(',');
}

export type FieldMatcher = (obj: KObject) => boolean;

export function fieldMatcher(sel: string | undefined): FieldMatcher {
  if (!sel) return () => true;
  const reqs = splitTop(sel).map((part) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw new ApiError(400, 'BadRequest', `invalid selector: '${sel}'; can't understand '${part}'`);
    return { path: m[1].split('.'), neg: m[2] === '!=', value: m[3] };
  });
  return (obj) =>
    reqs.every((r) => {
      let v: unknown = obj;
      for (const p of r.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      const s = v === undefined || v === null ? '' : String(v);
      return r.neg ? s !== r.value : s === r.value;
    });
}
