import { Inputs } from './inputs';
import { Secrets } from './secrets';
import { isUserError } from './errors';

const inputs = (env: Record<string, string>) =>
  new Inputs(Object.fromEntries(Object.entries(env).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])));

describe('Inputs', () => {
  test.each([
    ['true', true], ['TRUE', true], ['yes', true], ['false', false], ['off', false], ['', true],
  ])('bool %p → %p (default true)', (raw, want) => {
    expect(inputs({ flag: raw }).bool('flag', true)).toBe(want);
  });

  test('bad bool names the input and the form', () => {
    expect(() => inputs({ 'fail-on-error': 'maybe' }).bool('fail-on-error', false)).toThrow(
      'input "fail-on-error": "maybe" is not valid; expected `true` or `false`',
    );
  });

  test.each([
    ['90s', 90_000], ['10m', 600_000], ['1h', 3_600_000], ['1h30m', 5_400_000], ['250ms', 250], ['45', 45_000],
  ])('duration %p', (raw, ms) => {
    expect(inputs({ timeout: raw }).duration('timeout')).toBe(ms);
  });

  test.each(['10x', 'm10', '1 h', '-5s'])('bad duration %p', (raw) => {
    let err: unknown;
    try {
      inputs({ timeout: raw }).duration('timeout');
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(/input "timeout".*duration such as 90s/);
  });

  test('default duration applies when empty', () => {
    expect(inputs({}).duration('timeout', { default: '10m' })).toBe(600_000);
  });

  test('lists split on newlines and commas, drop blanks and comments', () => {
    expect(inputs({ d: 'a, b\n# note\n\nc' }).list('d')).toEqual(['a', 'b', 'c']);
    expect(inputs({ d: 'a, b\nc' }).list('d', { separator: 'newline' })).toEqual(['a, b', 'c']);
  });

  test('key=value keeps = in the value and rejects a bare key', () => {
    expect(inputs({ f: 'A=1\nB=x=y' }).keyValues('f')).toEqual([['A', '1'], ['B', 'x=y']]);
    expect(() => inputs({ f: 'novalue' }).keyValues('f')).toThrow(/key=value/);
  });

  test('enum is case-insensitive and lists the choices', () => {
    expect(inputs({ k: 'PBKDF2' }).enum('k', ['auto', 'pbkdf2'] as const)).toBe('pbkdf2');
    expect(() => inputs({ k: 'sha1' }).enum('k', ['auto', 'pbkdf2'] as const)).toThrow('expected one of auto, pbkdf2');
  });

  test('required says what to give', () => {
    expect(() => inputs({}).required('bucket', 'an S3 bucket name')).toThrow('input "bucket" is required: give an S3 bucket name');
  });

  test('int bounds', () => {
    expect(inputs({ n: '3' }).int('n', { min: 0 })).toBe(3);
    expect(() => inputs({ n: '-1' }).int('n', { min: 0 })).toThrow('whole number ≥ 0');
    expect(() => inputs({ n: '1.5' }).int('n')).toThrow('whole number');
  });

  test('url rejects other protocols and hides secret values', () => {
    const secrets = new Secrets();
    const i = new Inputs({ INPUT_HOOK: 'ftp://hooks.example/T000/SECRETPART' }, secrets);
    secrets.add('ftp://hooks.example/T000/SECRETPART');
    expect(() => i.url('hook')).toThrow('(value hidden)');
    expect(inputs({ u: 'https://x.example/api/' }).url('u')?.host).toBe('x.example');
  });

  test('structured parses JSON and YAML and names the input on error', () => {
    expect(inputs({ p: '{"a":1}' }).structured('p')).toEqual({ a: 1 });
    expect(inputs({ p: 'a: 1\nb: [x]' }).structured('p')).toEqual({ a: 1, b: ['x'] });
    expect(() => inputs({ p: '{"a":' }).structured('p', 'Block Kit JSON or YAML')).toThrow(/input "p": not valid Block Kit JSON or YAML/);
  });

  test('secret registers the value with the masker at once', () => {
    const masked: string[] = [];
    const secrets = new Secrets((v) => masked.push(v));
    const i = new Inputs({ INPUT_TOKEN: 'xoxb-canary-123' }, secrets);
    expect(i.secret('token')).toBe('xoxb-canary-123');
    expect(masked).toContain('xoxb-canary-123');
    expect(secrets.redact('auth xoxb-canary-123 failed')).toBe('auth *** failed');
  });
});
