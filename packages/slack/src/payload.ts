/**
 * The message shape we send (a subset of chat.postMessage arguments) and the validation of a custom
 * `payload` given by the user. Validation catches the mistakes Slack answers with an opaque
 * `invalid_payload`/`invalid_blocks`, and names where they are.
 */
export type Block = Record<string, unknown> & { type: string };

export interface Attachment extends Record<string, unknown> {
  color?: string;
  blocks?: Block[];
}

export interface SlackPayload extends Record<string, unknown> {
  text?: string;
  blocks?: Block[];
  attachments?: Attachment[];
}

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

// Keys the action sets itself; a custom payload's own values would send the message elsewhere.
const RESERVED = ['channel', 'ts', 'thread_ts', 'token'];

export function validatePayload(value: unknown): { payload: SlackPayload; dropped: string[] } {
  if (!isObject(value)) throw new PayloadError('must be a mapping (an object) with `text`, `blocks` or `attachments`');
  const payload: SlackPayload = { ...value };
  const dropped = RESERVED.filter((k) => k in payload);
  for (const k of dropped) delete payload[k];
  if (payload.text !== undefined) {
    if (typeof payload.text === 'object' || payload.text === null) throw new PayloadError('`text` must be a string');
    payload.text = String(payload.text);
  }
  if (payload.blocks !== undefined) checkBlocks(payload.blocks, 'blocks');
  if (payload.attachments !== undefined) {
    if (!Array.isArray(payload.attachments)) throw new PayloadError('`attachments` must be a list');
    payload.attachments.forEach((a, i) => {
      if (!isObject(a)) throw new PayloadError(`attachments[${i}] must be a mapping`);
      if (a.blocks !== undefined) checkBlocks(a.blocks, `attachments[${i}].blocks`);
    });
  }
  const hasContent = (payload.text ?? '').trim() !== '' || (payload.blocks?.length ?? 0) > 0 || (payload.attachments?.length ?? 0) > 0;
  if (!hasContent) throw new PayloadError('needs a non-empty `text`, `blocks` or `attachments`');
  if (!payload.text) payload.text = fallbackText(payload);
  return { payload, dropped };
}

function checkBlocks(blocks: unknown, where: string): asserts blocks is Block[] {
  if (!Array.isArray(blocks)) throw new PayloadError(`\`${where}\` must be a list of blocks`);
  blocks.forEach((b, i) => {
    if (!isObject(b)) throw new PayloadError(`${where}[${i}] must be a mapping`);
    if (typeof b.type !== 'string' || b.type === '') throw new PayloadError(`${where}[${i}] has no \`type\` (section, header, context, divider, …)`);
  });
}

/** The notification text when a payload has only blocks: its first header or section text. */
export function fallbackText(payload: SlackPayload): string {
  const all = [...(payload.blocks ?? []), ...(payload.attachments ?? []).flatMap((a) => a.blocks ?? [])];
  for (const b of all) {
    const t = (b.text as { text?: unknown } | undefined)?.text;
    if (typeof t === 'string' && t.trim()) return t;
  }
  return 'Deployment notification';
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
