import { validatePayload, PayloadError } from './payload';

describe('validatePayload', () => {
  test.each([
    ['a string', 'hello', /mapping/],
    ['a list', [{ type: 'section' }], /mapping/],
    ['null', null, /mapping/],
    ['empty', {}, /non-empty/],
    ['blank text only', { text: '  ' }, /non-empty/],
    ['object text', { text: { a: 1 } }, /`text` must be a string/],
    ['blocks not a list', { blocks: { type: 'section' } }, /`blocks` must be a list/],
    ['block without type', { blocks: [{ text: 'x' }] }, /blocks\[0\] has no `type`/],
    ['block not a mapping', { blocks: ['x'] }, /blocks\[0\] must be a mapping/],
    ['attachments not a list', { attachments: 'x' }, /attachments/],
    ['attachment block without type', { attachments: [{ blocks: [{}] }] }, /attachments\[0\]\.blocks\[0\] has no `type`/],
  ])('rejects %s', (_n, value, message) => {
    expect(() => validatePayload(value)).toThrow(PayloadError);
    expect(() => validatePayload(value)).toThrow(message);
  });

  test('accepts text only, numbers become text', () => {
    expect(validatePayload({ text: 42 }).payload).toEqual({ text: '42' });
  });

  test('blocks without text get a fallback from the first text', () => {
    const { payload } = validatePayload({ blocks: [{ type: 'divider' }, { type: 'header', text: { type: 'plain_text', text: 'Deployed' } }] });
    expect(payload.text).toBe('Deployed');
  });

  test('drops keys the action owns and reports them', () => {
    const { payload, dropped } = validatePayload({ text: 'x', channel: 'C1', thread_ts: '1.2', token: 't' });
    expect(payload).toEqual({ text: 'x' });
    expect(dropped).toEqual(['channel', 'thread_ts', 'token']);
  });
});
