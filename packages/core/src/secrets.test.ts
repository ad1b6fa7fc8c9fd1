import { Secrets } from './secrets';

describe('Secrets', () => {
  test('masks at once, in raw, URL-encoded and base64 forms', () => {
    const masked: string[] = [];
    const s = new Secrets((v) => masked.push(v));
    s.add('p@ss/word+1');
    expect(masked).toEqual(expect.arrayContaining(['p@ss/word+1', encodeURIComponent('p@ss/word+1'), Buffer.from('p@ss/word+1').toString('base64')]));
    expect(s.redact(`x p@ss/word+1 y ${encodeURIComponent('p@ss/word+1')} z`)).toBe('x *** y *** z');
  });

  test('ignores empty and very short values (masking "a" would mangle every log line)', () => {
    const masked: string[] = [];
    const s = new Secrets((v) => masked.push(v));
    s.add('');
    s.add(undefined);
    s.add('ab');
    expect(masked).toEqual([]);
  });

  test('a secret containing another is removed whole', () => {
    const s = new Secrets();
    s.add('token');
    s.add('token-long-value');
    expect(s.redact('see token-long-value')).toBe('see ***');
  });

  test('multi-line secrets are masked line by line', () => {
    const s = new Secrets();
    s.add('-----BEGIN KEY-----\nMIIBOgIBAAJBAK\n-----END KEY-----');
    expect(s.redact('line MIIBOgIBAAJBAK here')).toBe('line *** here');
  });
});
