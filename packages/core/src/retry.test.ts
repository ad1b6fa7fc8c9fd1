import { retry, parseRetryAfter, httpRetryable, RetryError } from './retry';
import type { Clock } from './clock';

function fakeClock(): Clock & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return { slept, now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; } };
}

describe('retry', () => {
  test('retries what is classified retryable, then succeeds', async () => {
    const clock = fakeClock();
    let n = 0;
    const v = await retry(async () => { if (++n < 3) throw new Error('503'); return 'ok'; }, { classify: () => true, clock, random: () => 1 });
    expect(v).toBe('ok');
    expect(clock.slept).toEqual([250, 500]);
  });

  test('does not retry what is not retryable: the original error is thrown', async () => {
    const e = new Error('403');
    await expect(retry(async () => { throw e; }, { classify: () => false })).rejects.toBe(e);
  });

  test('honours Retry-After when longer than the backoff', async () => {
    const clock = fakeClock();
    let n = 0;
    await retry(async () => { if (++n < 2) throw new Error('429'); return 1; }, { classify: () => ({ retry: true, afterMs: 3000 }), clock, random: () => 0 });
    expect(clock.slept).toEqual([3000]);
  });

  test('stops at max attempts and says how many', async () => {
    const clock = fakeClock();
    const p = retry(async () => { throw new Error('boom'); }, { classify: () => true, clock, maxAttempts: 4, what: 'PATCH deployment' });
    await expect(p).rejects.toBeInstanceOf(RetryError);
    await expect(p).rejects.toThrow('PATCH deployment: gave up after 4 attempts (4 attempts): boom');
  });

  test('stops at the deadline', async () => {
    const clock = fakeClock();
    const p = retry(async () => { throw new Error('boom'); }, { classify: () => ({ retry: true, afterMs: 5000 }), clock, deadline: 4000, maxAttempts: 10 });
    await expect(p).rejects.toThrow(/gave up after 1 attempt \(deadline reached\)/);
  });

  test('full jitter stays within the exponential cap', async () => {
    const clock = fakeClock();
    let n = 0;
    await retry(async () => { if (++n < 6) throw new Error('x'); }, { classify: () => true, clock, random: () => 0.5, maxAttempts: 6, baseMs: 100, maxDelayMs: 1000 });
    expect(clock.slept).toEqual([50, 100, 200, 400, 500]);
  });
});

describe('parseRetryAfter / httpRetryable', () => {
  test.each([
    ['5', 5000], ['0', 0], ['1.5', 1500], ['', undefined], ['soon', undefined],
  ])('Retry-After %p', (v, ms) => expect(parseRetryAfter(v)).toBe(ms));

  test('HTTP date', () => {
    const now = Date.parse('Sun, 29 Nov 2026 10:00:00 GMT');
    expect(parseRetryAfter('Sun, 29 Nov 2026 10:00:07 GMT', now)).toBe(7000);
  });

  test.each([
    [429, true], [500, true], [503, true], [408, true], [400, false], [401, false], [403, false], [404, false], [409, false],
  ])('status %p retryable=%p', (s, want) => expect(httpRetryable(s).retry).toBe(want));
});
