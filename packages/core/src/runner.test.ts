import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runner, command } from './runner';

function capture(fn: () => void | Promise<void>) {
  const out: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c: any) => (out.push(String(c)), true));
  return Promise.resolve(fn()).then(
    () => (spy.mockRestore(), out.join('')),
    (e) => {
      spy.mockRestore();
      throw e;
    },
  );
}

describe('runner protocol', () => {
  test.each([
    ['plain', () => command('warning', 'disk low'), '::warning::disk low\n'],
    ['escapes data', () => command('error', '50% done\r\nnext'), '::error::50%25 done%0D%0Anext\n'],
    ['properties with escaping', () => command('error', 'x', { title: 'a:b,c', file: 'src/a.ts', startLine: 3 }), '::error title=a%3Ab%2Cc,file=src/a.ts,line=3::x\n'],
    ['add-mask', () => runner.setSecret('s3cr3t%'), '::add-mask::s3cr3t%25\n'],
    ['debug', () => runner.debug('d'), '::debug::d\n'],
  ])('%s', async (_n, fn, want) => {
    expect(await capture(fn)).toBe(want);
  });

  test('group wraps the body and closes on throw', async () => {
    const out = await capture(async () => {
      await runner.group('phase', async () => runner.info('inside')).catch(() => {});
      await runner.group('bad', async () => {
        throw new Error('x');
      }).catch(() => {});
    });
    expect(out).toBe('::group::phase\ninside\n::endgroup::\n::group::bad\n::endgroup::\n');
  });

  test('outputs and state go to their files with a unique delimiter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-'));
    process.env.GITHUB_OUTPUT = join(dir, 'o');
    process.env.GITHUB_STATE = join(dir, 's');
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'm');
    for (const f of ['o', 's', 'm']) writeFileSync(join(dir, f), '');
    runner.setOutput('json', '{"a":\n1}');
    runner.saveState('authDir', '/tmp/x');
    runner.appendSummary('## done');
    expect(readFileSync(join(dir, 'o'), 'utf8')).toMatch(/^json<<(ghadelimiter_[0-9a-f-]{36})\n\{"a":\n1\}\n\1\n$/);
    expect(readFileSync(join(dir, 's'), 'utf8')).toMatch(/^authDir<<(ghadelimiter_[0-9a-f-]{36})\n\/tmp\/x\n\1\n$/);
    expect(readFileSync(join(dir, 'm'), 'utf8')).toBe('## done\n');
    process.env.STATE_authDir = '/tmp/x';
    expect(runner.getState('authDir')).toBe('/tmp/x');
    delete process.env.STATE_authDir;
  });

  test('setFailed sets the exit code and prints an error', async () => {
    const out = await capture(() => runner.setFailed('boom'));
    expect(out).toBe('::error::boom\n');
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
  });
});
