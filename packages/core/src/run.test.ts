import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run';
import { UserError } from './errors';

// run() talks to the runner through @actions/core's files and stdout; capture both.
function harness() {
  const dir = mkdtempSync(join(tmpdir(), 'run-'));
  const files = { GITHUB_OUTPUT: join(dir, 'out'), GITHUB_STEP_SUMMARY: join(dir, 'sum'), GITHUB_STATE: join(dir, 'state') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  Object.assign(process.env, files);
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => (written.push(String(chunk)), true));
  return {
    files,
    stdout: () => written.join(''),
    done: () => {
      spy.mockRestore();
      process.exitCode = 0;
    },
  };
}

describe('run() boundary', () => {
  test('a UserError becomes one clear failure line with its hint; no stack', async () => {
    const h = harness();
    await run(async () => {
      throw new UserError('input "timeout": "x" is not valid', { hint: 'use 10m' });
    });
    const out = h.stdout();
    h.done();
    expect(out).toContain('::error::input "timeout": "x" is not valid%0AHint: use 10m');
    expect(out).not.toContain('at ');
  });

  test('a bug is reported and its stack goes to debug, redacted', async () => {
    const h = harness();
    await run(async (ctx) => {
      ctx.secrets.add('canary-secret-value');
      throw new Error('boom with canary-secret-value');
    });
    const out = h.stdout();
    h.done();
    expect(out).toContain('::error::boom with ***');
    expect(out).toContain('::debug::Error: boom with ***');
    // ::add-mask:: is how the runner learns a secret; it consumes those lines and never shows them
    expect(out).toContain('::add-mask::canary-secret-value');
    expect(out.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain('canary-secret-value');
  });

  test('a non-Error throw still fails the step', async () => {
    const h = harness();
    await run(async () => {
      throw { weird: true };
    });
    const out = h.stdout();
    h.done();
    expect(out).toContain('::error::{"weird":true}');
  });

  test('outputs are JSON for objects and refuse secrets; the summary is written even on failure', async () => {
    const h = harness();
    await run(async (ctx) => {
      ctx.output('counts', { HIGH: 1 });
      ctx.summary.add('## partial');
      ctx.secrets.add('hunter2-secret');
      ctx.output('leak', 'value hunter2-secret');
    });
    const out = h.stdout();
    h.done();
    expect(readFileSync(h.files.GITHUB_OUTPUT, 'utf8')).toContain('{"HIGH":1}');
    expect(readFileSync(h.files.GITHUB_OUTPUT, 'utf8')).not.toContain('hunter2');
    expect(out).toContain('refusing to write output "leak"');
    expect(readFileSync(h.files.GITHUB_STEP_SUMMARY, 'utf8')).toContain('## partial');
  });
});

describe('run() and a promise that never settles', () => {
  test('the process exits non-zero instead of silently succeeding', async () => {
    const { spawnSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const here = fileURLToPath(new URL('.', import.meta.url));
    const script = `import { run } from ${JSON.stringify(join(here, 'run.ts'))};\nawait run(() => new Promise(() => {}));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.stdout).toContain('::error::the action stopped before finishing');
    expect(r.status).toBe(1);
  });
});
