import { lineAt, lineOfPath } from './json-locate';

describe('json-locate', () => {
  const text = '{\n  "a": 1,\n  "b": [\n    {"x": "q\\"}"},\n    {\n      "x": 2\n    }\n  ]\n}';
  test('finds nested values by path, skipping strings with escapes and brackets', () => {
    expect(lineOfPath(text, ['a'])).toBe(2);
    expect(lineOfPath(text, ['b', 0])).toBe(4);
    expect(lineOfPath(text, ['b', 1, 'x'])).toBe(6);
  });
  test('unknown paths give undefined', () => {
    expect(lineOfPath(text, ['c'])).toBeUndefined();
    expect(lineOfPath(text, ['b', 5])).toBeUndefined();
  });
  test('lineAt counts newlines before an offset', () => {
    expect(lineAt('a\nb\nc', 0)).toBe(1);
    expect(lineAt('a\nb\nc', 4)).toBe(3);
  });
});
