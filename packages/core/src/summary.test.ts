import { table, details, timeline, escapeCell, codeBlock, SummaryDoc } from './summary';

describe('summary builders', () => {
  test('table escapes untrusted cells', () => {
    const t = table(['name', 'message'], [['a|b', '<script>alert(1)</script>\nnext']]);
    expect(t).toBe('| name | message |\n| --- | --- |\n| a\\|b | &lt;script&gt;alert(1)&lt;/script&gt;<br>next |\n');
  });

  test('details folds a body', () => {
    expect(details('logs', 'x')).toBe('<details><summary>logs</summary>\n\nx\n</details>\n');
  });

  test('timeline renders a Mermaid gantt with ms positions', () => {
    const m = timeline('rollout', [{ section: 'backend', name: 'update', startMs: 0, endMs: 1500, status: 'done' }]);
    expect(m).toContain('```mermaid\ngantt');
    expect(m).toContain('section backend');
    expect(m).toContain('update :done, t0, 0, 1500');
  });

  test('code block picks a fence that the text cannot close', () => {
    expect(codeBlock('a ``` b')).toMatch(/^~~~~/);
  });

  test('escapeCell handles non-strings', () => {
    expect(escapeCell(undefined)).toBe('');
    expect(escapeCell(3)).toBe('3');
  });

  test('SummaryDoc joins parts', () => {
    const d = new SummaryDoc();
    expect(d.empty).toBe(true);
    d.add('# a', 'b');
    expect(d.toString()).toBe('# a\nb');
  });
});
