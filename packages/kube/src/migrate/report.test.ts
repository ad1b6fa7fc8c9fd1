import type { Job } from '../types';
import { ANN_EXIT, ANN_RESULT } from './job-spec';
import { LineTail, neutralize } from './pod-output';
import { classifyJobs } from './prior';
import type { MigrateResult } from './run';
import { migrationSummary } from './summary';

const BASE = 'migrate-api-0123456789';
const job = (name: string, o: { cond?: string; reason?: string; result?: string; exit?: string; deleting?: boolean } = {}): Job => ({
  metadata: { name, annotations: { ...(o.result ? { [ANN_RESULT]: o.result } : {}), ...(o.exit ? { [ANN_EXIT]: o.exit } : {}) }, ...(o.deleting ? { deletionTimestamp: 'x' } : {}) },
  status: o.cond ? { conditions: [{ type: o.cond, status: 'True', reason: o.reason }] } : {},
});

describe('classifyJobs', () => {
  it('finds a Job that applied the migration (condition or our annotation)', () => {
    expect(classifyJobs([job(BASE, { cond: 'Complete' })], BASE).applied?.metadata?.name).toBe(BASE);
    expect(classifyJobs([job(BASE, { result: 'applied' })], BASE).applied?.metadata?.name).toBe(BASE);
  });
  it('lists failed attempts and the next attempt number', () => {
    const p = classifyJobs([job(`${BASE}-2`, { result: 'failed', exit: '3' }), job(BASE, { cond: 'Failed', reason: 'BackoffLimitExceeded' })], BASE);
    expect(p.applied).toBeUndefined();
    expect(p.active).toBeUndefined();
    expect(p.failed.map((f) => [f.name, f.reason, f.exitCode])).toEqual([
      [BASE, 'BackoffLimitExceeded', undefined],
      [`${BASE}-2`, 'failed', '3'],
    ]);
    expect(p.maxAttempt).toBe(2);
  });
  it('finds a Job still running (to adopt), but not one being deleted', () => {
    expect(classifyJobs([job(BASE)], BASE).active?.metadata?.name).toBe(BASE);
    const p = classifyJobs([job(BASE, { deleting: true })], BASE);
    expect(p.active).toBeUndefined();
    expect(p.maxAttempt).toBe(1); // its name is still taken
  });
  it('is empty for no Jobs', () => {
    expect(classifyJobs([], BASE)).toEqual({ failed: [], maxAttempt: 0 });
  });
});

describe('neutralize', () => {
  it.each(['::set-output name=x::y', '  ::add-mask::value', '##[set-output name=x]y', '::stop-commands::tok'])('makes %j inert', (line) => {
    expect(neutralize(line)).not.toMatch(/^\s*(::|##\[)/);
    expect(neutralize(line)).toContain(line.trim());
  });
  it('leaves ordinary lines alone', () => {
    expect(neutralize('INFO  [alembic.runtime.migration] Running upgrade -> 001')).toBe('INFO  [alembic.runtime.migration] Running upgrade -> 001');
  });
});

describe('LineTail', () => {
  it('keeps the last lines and counts the dropped', () => {
    const t = new LineTail(3);
    for (let i = 1; i <= 5; i++) t.push(`l${i}`);
    expect(t.lines).toEqual(['l3', 'l4', 'l5']);
    expect(t.dropped).toBe(2);
    expect(t.total).toBe(5);
    expect(t.last(2)).toEqual(['l4', 'l5']);
  });
});

describe('migrationSummary', () => {
  const opts = { namespace: 'prod', image: 'r/app@sha256:abc', argv: ['alembic', 'upgrade', 'head'], target: 'api', lockEnabled: true };
  const logs = (n: number) => {
    const t = new LineTail();
    for (let i = 1; i <= n; i++) t.push(`line ${i}`);
    return t;
  };
  const base: MigrateResult = { result: 'applied', message: 'migration applied', jobName: BASE, seconds: 12.3, exitCode: 0, previousFailures: [], cleanup: ['released lock migrate-api'], lock: { name: 'migrate-api', waitedMs: 65_000, waitedFor: 'other run' } };

  it('shows command, image, job, result, exit code, duration, lock wait and the last lines', () => {
    const s = migrationSummary({ ...base, run: { jobName: BASE, argv: opts.argv, outcome: 'verdict', logs: logs(30), seconds: 12.3 } }, opts);
    for (const text of ['alembic upgrade head', 'r/app@sha256:abc', BASE, '| result | applied |', '| exit code | 0 |', '12s', 'waited 1m5s for other run']) expect(s).toContain(text);
    expect(s).toContain('line 30');
    expect(s).toContain('line 11');
    expect(s).not.toContain('line 10\n');
    expect(s).not.toContain('<details>');
  });

  it('folds the whole log on failure', () => {
    const s = migrationSummary({ ...base, result: 'failed', exitCode: 3, run: { jobName: BASE, argv: opts.argv, outcome: 'verdict', logs: logs(30), seconds: 1 } }, opts);
    expect(s).toContain('<details><summary>Migration output');
    expect(s).toContain('line 1\n');
    expect(s).toContain('line 30');
  });

  it('escapes what the pod printed', () => {
    const t = new LineTail();
    t.push('</details><script>x</script> ``` fence');
    const s = migrationSummary({ ...base, result: 'failed', run: { jobName: BASE, argv: opts.argv, outcome: 'verdict', logs: t, seconds: 1 } }, opts);
    expect(s).toContain('~~~~'); // a fence the log cannot close
  });

  it('says when the lock was off', () => {
    expect(migrationSummary({ ...base, lock: undefined }, { ...opts, lockEnabled: false })).toContain('| lock | disabled |');
  });
});
