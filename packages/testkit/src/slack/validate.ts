/**
 * What Slack refuses in a message, checked the way Slack reports it: the first problem, with a
 * json-pointer like `invalid_blocks`' `response_metadata.messages`. Only the limits our actions rely on.
 */
export interface SlackProblem {
  error: 'invalid_json' | 'no_text' | 'invalid_blocks' | 'invalid_attachments' | 'too_many_attachments';
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (t: unknown): string | undefined => (isObj(t) && typeof t.text === 'string' ? t.text : typeof t === 'string' ? t : undefined);

export function checkSlackMessage(msg: unknown, opts: { update?: boolean } = {}): SlackProblem | undefined {
  if (!isObj(msg)) return { error: 'invalid_json', message: 'the body must be a JSON object' };
  const { text, blocks, attachments } = msg;
  const empty = (typeof text !== 'string' || text.trim() === '') && !(Array.isArray(blocks) && blocks.length) && !(Array.isArray(attachments) && attachments.length);
  if (empty && !opts.update) return { error: 'no_text', message: 'no text, blocks or attachments' };
  if (blocks !== undefined) {
    const p = checkBlocks(blocks, '/blocks');
    if (p) return p;
  }
  if (attachments !== undefined) {
    if (!Array.isArray(attachments)) return { error: 'invalid_attachments', message: 'attachments must be an array' };
    if (attachments.length > 100) return { error: 'too_many_attachments', message: 'more than 100 attachments' };
    for (let i = 0; i < attachments.length; i++) {
      const a = attachments[i];
      if (!isObj(a)) return { error: 'invalid_attachments', message: `[json-pointer:/attachments/${i}] must be an object` };
      if (a.blocks !== undefined) {
        const p = checkBlocks(a.blocks, `/attachments/${i}/blocks`);
        if (p) return p;
      }
    }
  }
  return undefined;
}

function checkBlocks(blocks: unknown, at: string): SlackProblem | undefined {
  const bad = (message: string): SlackProblem => ({ error: 'invalid_blocks', message });
  if (!Array.isArray(blocks)) return bad(`must be an array [json-pointer:${at}]`);
  if (blocks.length > 50) return bad(`no more than 50 items allowed [json-pointer:${at}]`);
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const here = `${at}/${i}`;
    if (!isObj(b) || typeof b.type !== 'string') return bad(`missing required field: type [json-pointer:${here}]`);
    if (b.type === 'header' && (textOf(b.text)?.length ?? 0) > 150) return bad(`must be less than 151 characters [json-pointer:${here}/text/text]`);
    if (b.type === 'header' && !textOf(b.text)) return bad(`missing required field: text [json-pointer:${here}]`);
    if (b.type === 'section') {
      if ((textOf(b.text)?.length ?? 0) > 3000) return bad(`must be less than 3001 characters [json-pointer:${here}/text/text]`);
      if (b.text === undefined && !Array.isArray(b.fields)) return bad(`must provide either text or fields [json-pointer:${here}]`);
      if (Array.isArray(b.fields)) {
        if (b.fields.length > 10) return bad(`must contain no more than 10 items [json-pointer:${here}/fields]`);
        const long = b.fields.findIndex((f) => (textOf(f)?.length ?? 0) > 2000);
        if (long >= 0) return bad(`must be less than 2001 characters [json-pointer:${here}/fields/${long}/text]`);
      }
    }
    if (b.type === 'context' && Array.isArray(b.elements) && b.elements.length > 10) return bad(`must contain no more than 10 items [json-pointer:${here}/elements]`);
  }
  return undefined;
}
