import { LogCursor, timeKey } from './log-cursor';

const L = (t: string, text: string) => `2026-03-01T10:00:${t}Z ${text}`;

function feed(c: LogCursor, lines: string[]): string[] {
  return lines.map((l) => c.accept(l)).filter((x): x is string => x !== undefined);
}

describe('timeKey', () => {
  it.each([
    ['2026-03-01T10:00:01Z', '2026-03-01T10:00:01.000000000'],
    ['2026-03-01T10:00:01.5Z', '2026-03-01T10:00:01.500000000'],
    ['2026-03-01T10:00:01.123456789Z', '2026-03-01T10:00:01.123456789'],
    ['2026-03-01T12:00:01.25+02:00', '2026-03-01T10:00:01.250000000'],
    ['nonsense', undefined],
  ])('%s', (ts, key) => expect(timeKey(ts)).toBe(key));

  it('sorts where the raw strings do not', () => {
    expect('2026-03-01T10:00:01.5Z' < '2026-03-01T10:00:01.123Z').toBe(false);
    expect(timeKey('2026-03-01T10:00:01.5Z')! > timeKey('2026-03-01T10:00:01.123Z')!).toBe(true);
  });
});

describe('LogCursor', () => {
  it('passes lines through without their timestamps', () => {
    const c = new LogCursor();
    expect(feed(c, [L('01.1', 'a'), L('01.2', 'b c')])).toEqual(['a', 'b c']);
    expect(c.sinceTime()).toBe('2026-03-01T10:00:01Z');
  });

  it('drops the replay after a reconnect from sinceTime, keeping new lines (no gaps, no duplicates)', () => {
    const c = new LogCursor();
    const all = [L('00.9', 'x'), L('01.1', 'a'), L('01.2', 'b'), L('02.0', 'c'), L('02.5', 'd')];
    expect(feed(c, all.slice(0, 3))).toEqual(['x', 'a', 'b']);
    c.reconnect();
    // the server answers from sinceTime (10:00:01): a and b again, then the rest
    expect(feed(c, all.slice(1))).toEqual(['c', 'd']);
  });

  it('counts lines that share one timestamp', () => {
    const c = new LogCursor();
    const same = [L('01.1', 'a'), L('01.1', 'b'), L('01.1', 'c')];
    expect(feed(c, same.slice(0, 2))).toEqual(['a', 'b']);
    c.reconnect();
    expect(feed(c, same)).toEqual(['c']);
    c.reconnect();
    expect(feed(c, [...same, L('01.1', 'd')])).toEqual(['d']);
  });

  it('repeats of one line (same time, same text) count as separate lines', () => {
    const c = new LogCursor();
    expect(feed(c, [L('01.1', 'x'), L('01.1', 'x')])).toEqual(['x', 'x']);
    c.reconnect();
    expect(feed(c, [L('01.1', 'x'), L('01.1', 'x'), L('01.1', 'x')])).toEqual(['x']);
  });

  it('takes an older instance read after a newer one (a restart seen late) without losing its lines', () => {
    const c = new LogCursor();
    const first = [L('01.1', 'run 1'), L('01.2', 'exit 4')];
    const second = [L('02.1', 'run 2'), L('02.2', 'exit 4')];
    expect(feed(c, second)).toEqual(['run 2', 'exit 4']);
    c.reconnect();
    expect(feed(c, first)).toEqual(['run 1', 'exit 4']); // previous=true, read whole
    c.reconnect();
    expect(feed(c, second)).toEqual([]); // and a replay of the newer one stays silent
    expect(c.sinceTime()).toBe('2026-03-01T10:00:02Z');
  });

  it('survives a server that ignores sinceTime and replays everything', () => {
    const c = new LogCursor();
    const all = [L('00.1', 'a'), L('00.2', 'b'), L('00.3', 'c')];
    feed(c, all.slice(0, 2));
    c.reconnect();
    expect(feed(c, all)).toEqual(['c']);
  });

  it('a reconnect before any line replays nothing away', () => {
    const c = new LogCursor();
    c.reconnect();
    expect(c.sinceTime()).toBeUndefined();
    expect(feed(c, [L('00.1', 'a')])).toEqual(['a']);
  });

  it('passes lines without a timestamp', () => {
    expect(new LogCursor().accept('plain line')).toBe('plain line');
  });

  it('keeps empty lines', () => {
    expect(feed(new LogCursor(), [L('00.1', '')])).toEqual(['']);
  });
});
