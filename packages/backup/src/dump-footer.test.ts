import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { checkFooter, DumpTail } from './dump-footer';
import { OwnerFilter } from './owner-filter';

const dump = (body: string, key = 'AbC123') =>
  `--\n-- PostgreSQL database dump\n--\n\n\\restrict ${key}\n\n-- Dumped from database version 15.18\n-- Dumped by pg_dump version 15.18\n\n${body}\n--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict ${key}\n\n`;

describe('dump footer check', () => {
  test('complete dump with a matching \\restrict pair', () => {
    const r = checkFooter(dump('SELECT 1;'), dump('SELECT 1;'));
    expect(r).toMatchObject({ ok: true, footer: true, unrestrictMatches: true, dumpedFrom: '15.18' });
  });
  test('cut at a line boundary: footer missing', () => {
    const text = dump('CREATE TABLE t (x int);\nCOPY t FROM stdin;\n1\n2\n\\.\n');
    const cut = text.slice(0, text.indexOf('2\n'));
    expect(checkFooter(cut, cut)).toMatchObject({ ok: false, footer: false, problem: expect.stringContaining('dump is truncated') });
  });
  test('mismatched \\unrestrict key', () => {
    const text = dump('SELECT 1;').replace('\\unrestrict AbC123', '\\unrestrict other');
    expect(checkFooter(text, text).problem).toMatch(/no matching \\unrestrict/);
  });
  test('old dumps without \\restrict only need the footer', () => {
    const text = dump('SELECT 1;').replace(/\\(un)?restrict AbC123\n/g, '');
    expect(checkFooter(text, text)).toMatchObject({ ok: true, restrictKey: undefined });
  });
  test('streaming: keeps only head and tail, byte-for-byte pass-through', async () => {
    const text = dump('COPY t FROM stdin;\n' + '1\tabc\n'.repeat(50_000) + '\\.\n');
    const chunks = Array.from({ length: Math.ceil(text.length / 777) }, (_, i) => Buffer.from(text.slice(i * 777, (i + 1) * 777)));
    const tail = new DumpTail();
    const out = await buffer(Readable.from(chunks).pipe(tail));
    expect(out.toString()).toBe(text);
    expect(tail.result().ok).toBe(true);
  });
});

describe('owner filter (verify restores)', () => {
  test('drops OWNER TO / GRANT / REVOKE lines but never COPY data', async () => {
    const text = [
      'CREATE TABLE public.t (x text);',
      'ALTER TABLE public.t OWNER TO dantaro;',
      'ALTER SEQUENCE public.s OWNED BY public.t.x;',
      'COPY public.t (x) FROM stdin;',
      'GRANT ALL ON TABLE public.t TO app;',
      'ALTER TABLE public.t OWNER TO dantaro;',
      '\\.',
      'GRANT SELECT ON TABLE public.t TO app_ro;',
      'REVOKE ALL ON SCHEMA public FROM PUBLIC;',
      'COPY public.e (x) FROM stdin;',
      '\\.',
      'SELECT 1;',
      '',
    ].join('\n');
    for (const size of [1, 3, 7, 1000]) {
      const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => Buffer.from(text.slice(i * size, (i + 1) * size)));
      const out = (await buffer(Readable.from(chunks).pipe(new OwnerFilter()))).toString();
      expect(out).toBe(
        ['CREATE TABLE public.t (x text);', 'ALTER SEQUENCE public.s OWNED BY public.t.x;', 'COPY public.t (x) FROM stdin;', 'GRANT ALL ON TABLE public.t TO app;', 'ALTER TABLE public.t OWNER TO dantaro;', '\\.', 'COPY public.e (x) FROM stdin;', '\\.', 'SELECT 1;', ''].join('\n'),
      );
    }
  });
});
