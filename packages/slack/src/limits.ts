import { truncate, ELLIPSIS } from './text';
import { isObject, type Attachment, type Block, type SlackPayload } from './payload';

/**
 * Block Kit limits (docs.slack.dev reference), enforced by truncation so an over-long commit message or
 * a generated payload still posts instead of failing with `invalid_blocks`. Every cut is reported.
 */
export const LIMITS = {
  blocks: 50,
  attachments: 100,
  text: 4000, // top-level fallback: Slack truncates at 40k, but notifications show far less
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  buttonValue: 2000,
  blockId: 255,
  markdownText: 12000,
} as const;

export interface FitResult {
  payload: SlackPayload;
  /** Human-readable notes on what was cut, for the log. */
  notes: string[];
}

const NAMED_COLOURS = new Set(['good', 'warning', 'danger']);

/** Returns a copy of the payload that respects every limit we know. */
export function fitPayload(input: SlackPayload): FitResult {
  const notes: string[] = [];
  const payload: SlackPayload = structuredClone(input);
  if (typeof payload.text === 'string') payload.text = cut(payload.text, LIMITS.text, 'text', notes);
  if (payload.blocks) payload.blocks = fitBlocks(payload.blocks, 'blocks', notes);
  if (payload.attachments) {
    if (payload.attachments.length > LIMITS.attachments) {
      notes.push(`attachments: ${payload.attachments.length} > ${LIMITS.attachments}, extra dropped`);
      payload.attachments = payload.attachments.slice(0, LIMITS.attachments);
    }
    payload.attachments = payload.attachments.map((a, i) => fitAttachment(a, `attachments[${i}]`, notes));
  }
  return { payload, notes };
}

/** `#RGB`, `#RRGGBB` (with or without `#`) or good/warning/danger; anything else is undefined. */
export function normaliseColour(c: unknown): string | undefined {
  if (typeof c !== 'string') return undefined;
  const v = c.trim().toLowerCase();
  if (NAMED_COLOURS.has(v)) return v;
  const hex = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/.exec(v)?.[1];
  if (!hex) return undefined;
  return '#' + (hex.length === 3 ? [...hex].map((d) => d + d).join('') : hex);
}

function fitAttachment(a: Attachment, where: string, notes: string[]): Attachment {
  const out = { ...a };
  if (out.color !== undefined) {
    const c = normaliseColour(out.color);
    if (c === undefined) {
      notes.push(`${where}.color: ${JSON.stringify(String(out.color)).slice(0, 40)} is not #RRGGBB or good/warning/danger, dropped`);
      delete out.color;
    } else out.color = c;
  }
  if (out.blocks) out.blocks = fitBlocks(out.blocks, `${where}.blocks`, notes);
  return out;
}

function fitBlocks(blocks: Block[], where: string, notes: string[]): Block[] {
  let list = blocks;
  if (list.length > LIMITS.blocks) {
    const extra = list.length - (LIMITS.blocks - 1);
    notes.push(`${where}: ${list.length} blocks > ${LIMITS.blocks}, last ${extra} replaced by a note`);
    list = [...list.slice(0, LIMITS.blocks - 1), { type: 'context', elements: [{ type: 'mrkdwn', text: `${ELLIPSIS} ${extra} more blocks not shown` }] }];
  }
  return list.map((b, i) => fitBlock(b, `${where}[${i}]`, notes));
}

function fitBlock(block: Block, where: string, notes: string[]): Block {
  const b: Block = { ...block };
  if (typeof b.block_id === 'string' && b.block_id.length > LIMITS.blockId) b.block_id = b.block_id.slice(0, LIMITS.blockId);
  switch (b.type) {
    case 'header':
      b.text = fitText(b.text, LIMITS.headerText, `${where}.text`, notes);
      break;
    case 'section':
      if (b.text !== undefined) b.text = fitText(b.text, LIMITS.sectionText, `${where}.text`, notes);
      if (Array.isArray(b.fields)) {
        if (b.fields.length > LIMITS.fields) {
          notes.push(`${where}.fields: ${b.fields.length} > ${LIMITS.fields}, extra dropped`);
          b.fields = b.fields.slice(0, LIMITS.fields);
        }
        b.fields = (b.fields as unknown[]).map((f, i) => fitText(f, LIMITS.fieldText, `${where}.fields[${i}]`, notes));
      }
      break;
    case 'context':
      if (Array.isArray(b.elements)) {
        if (b.elements.length > LIMITS.contextElements) {
          notes.push(`${where}.elements: ${b.elements.length} > ${LIMITS.contextElements}, extra dropped`);
          b.elements = b.elements.slice(0, LIMITS.contextElements);
        }
        b.elements = (b.elements as unknown[]).map((e, i) => (isObject(e) && 'text' in e ? fitText(e, LIMITS.sectionText, `${where}.elements[${i}]`, notes) : e));
      }
      break;
    case 'actions':
      if (Array.isArray(b.elements)) {
        if (b.elements.length > LIMITS.actionsElements) {
          notes.push(`${where}.elements: ${b.elements.length} > ${LIMITS.actionsElements}, extra dropped`);
          b.elements = b.elements.slice(0, LIMITS.actionsElements);
        }
        b.elements = (b.elements as unknown[]).map((e, i) => fitButton(e, `${where}.elements[${i}]`, notes));
      }
      break;
    case 'markdown':
      if (typeof b.text === 'string') b.text = cut(b.text, LIMITS.markdownText, `${where}.text`, notes);
      break;
  }
  return b;
}

function fitButton(e: unknown, where: string, notes: string[]): unknown {
  if (!isObject(e) || e.type !== 'button') return e;
  const out: Record<string, unknown> = { ...e, text: fitText(e.text, LIMITS.buttonText, `${where}.text`, notes) };
  if (typeof out.value === 'string') out.value = cut(out.value, LIMITS.buttonValue, `${where}.value`, notes);
  // a cut URL is a broken link: drop it rather than send a wrong one
  if (typeof out.url === 'string' && out.url.length > LIMITS.buttonUrl) {
    notes.push(`${where}.url: longer than ${LIMITS.buttonUrl}, dropped`);
    delete out.url;
  }
  return out;
}

/** A text object `{type, text}` (or a bare string, which some users write) cut to `max`. */
function fitText(t: unknown, max: number, where: string, notes: string[]): unknown {
  if (typeof t === 'string') return cut(t, max, where, notes);
  if (isObject(t) && typeof t.text === 'string') return { ...t, text: cut(t.text, max, `${where}.text`, notes) };
  return t;
}

function cut(s: string, max: number, where: string, notes: string[]): string {
  if (s.length <= max) return s;
  notes.push(`${where}: ${s.length} characters > ${max}, truncated`);
  return truncate(s, max);
}
