import { fitPayload, normaliseColour, LIMITS } from './limits';
import { ELLIPSIS } from './text';
import type { Block, SlackPayload } from './payload';

const long = (n: number) => 'x'.repeat(n);
const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('fitPayload', () => {
  const cases: Array<[string, SlackPayload, (p: SlackPayload) => void, number]> = [
    ['within limits: unchanged', { text: 'hi', blocks: [section('ok')] }, (p) => expect(p).toEqual({ text: 'hi', blocks: [section('ok')] }), 0],
    [
      'more than 50 blocks: 49 kept plus a note',
      { text: 'hi', blocks: Array.from({ length: 60 }, (_, i) => section(`b${i}`)) },
      (p) => {
        expect(p.blocks).toHaveLength(LIMITS.blocks);
        expect(JSON.stringify(p.blocks![49])).toContain('11 more blocks not shown');
      },
      1,
    ],
    ['section text over 3000', { blocks: [section(long(3500))] }, (p) => expect((p.blocks![0].text as { text: string }).text).toHaveLength(3000), 1],
    [
      'header over 150',
      { blocks: [{ type: 'header', text: { type: 'plain_text', text: long(200) } }] },
      (p) => expect((p.blocks![0].text as { text: string }).text).toBe(long(149) + ELLIPSIS),
      1,
    ],
    [
      'more than 10 fields, one over 2000',
      { blocks: [{ type: 'section', fields: Array.from({ length: 12 }, (_, i) => ({ type: 'mrkdwn', text: i === 0 ? long(2500) : 'f' })) }] },
      (p) => {
        const fields = p.blocks![0].fields as Array<{ text: string }>;
        expect(fields).toHaveLength(10);
        expect(fields[0].text).toHaveLength(2000);
      },
      2,
    ],
    ['context over 10 elements', { blocks: [{ type: 'context', elements: Array.from({ length: 12 }, () => ({ type: 'mrkdwn', text: 'e' })) }] }, (p) => expect(p.blocks![0].elements).toHaveLength(10), 1],
    [
      'button label and url',
      { blocks: [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: long(100) }, url: 'https://x/' + long(3100) }] }] },
      (p) => {
        const b = (p.blocks![0].elements as Array<Record<string, unknown>>)[0];
        expect((b.text as { text: string }).text).toHaveLength(75);
        expect(b.url).toBeUndefined();
      },
      2,
    ],
    ['fallback text over 4000', { text: long(5000) }, (p) => expect(p.text).toHaveLength(4000), 1],
    [
      'attachment blocks are fitted too, colour normalised',
      { attachments: [{ color: 'E01E5A', blocks: Array.from({ length: 51 }, () => section('a')) }] },
      (p) => {
        expect(p.attachments![0].color).toBe('#e01e5a');
        expect(p.attachments![0].blocks).toHaveLength(50);
      },
      1,
    ],
    ['invalid colour dropped', { attachments: [{ color: 'red; x', text: 'a' }] }, (p) => expect(p.attachments![0]).not.toHaveProperty('color'), 1],
  ];
  test.each(cases)('%s', (_n, input, check, notes) => {
    const before = JSON.stringify(input);
    const out = fitPayload(input);
    check(out.payload);
    expect(out.notes).toHaveLength(notes);
    expect(JSON.stringify(input)).toBe(before); // the input is not mutated
  });
});

describe('normaliseColour', () => {
  test.each([
    ['#2EB67D', '#2eb67d'],
    ['2eb67d', '#2eb67d'],
    ['#abc', '#aabbcc'],
    ['good', 'good'],
    ['Danger', 'danger'],
    ['red', undefined],
    ['#12345', undefined],
    [7, undefined],
  ])('%p → %p', (input, expected) => expect(normaliseColour(input)).toBe(expected));
});
