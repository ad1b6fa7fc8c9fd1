import { evaluate, parseChecks } from './checks';
import { parseSize } from './size';
import { postgresKey, redisKey, timestampFromKey } from './names';

describe('checks file', () => {
  test('parses a list and a {checks:} map; rejects bad expectations', () => {
    expect(parseChecks('- name: a\n  sql: select 1;\n  expect: ">= 1"', 'f')).toEqual([{ name: 'a', sql: 'select 1', expect: '>= 1' }]);
    expect(parseChecks('checks:\n  - sql: select 1', 'f')[0].name).toBe('check 1');
    expect(() => parseChecks('- sql: select 1\n  expect: "about 3"', 'f.yml')).toThrow('checks file f.yml, item 1: expect "about 3" is not valid');
    expect(() => parseChecks('- name: x', 'f.yml')).toThrow(/needs `sql`/);
  });
  test.each([
    ['>= 1', '1', true], ['>= 1', '0', false], ['= 0', '0', true], ['> 10', '11', true], ['> 10', '10', false],
    ['!= 0', '3', true], ['< 5', '4.5', true], ['= 0042_head', '0042_head', true], ['= abc', 'abd', false],
  ])('expect %s with %s → %s', (expect_, value, ok) => {
    expect(evaluate({ name: 'c', sql: 's', expect: expect_ }, { ran: true, value }).ok).toBe(ok);
  });
  test('errors and missing rows fail', () => {
    expect(evaluate({ name: 'c', sql: 's', expect: '= 0' }, { ran: true }).error).toBe('the query returned no rows');
    expect(evaluate({ name: 'c', sql: 's' }, { ran: true, error: 'boom' }).ok).toBe(false);
  });
});

describe('names and sizes', () => {
  test('object names like the spec, timestamps in UTC', () => {
    const at = new Date('2026-03-04T05:06:07Z');
    expect(postgresKey('database', 'plain', at)).toBe('database/db_backup_20260304_050607.sql.gz.enc');
    expect(postgresKey('database/', 'custom', at)).toBe('database/db_backup_20260304_050607.dump.gz.enc');
    expect(redisKey('redis/', at)).toBe('redis/redis_backup_20260304_050607.rdb.enc');
    expect(timestampFromKey('database/db_backup_20260304_050607.sql.gz.enc')?.toISOString()).toBe('2026-03-04T05:06:07.000Z');
    expect(timestampFromKey('database/whatever.enc')).toBeUndefined();
  });
  test('sizes', () => {
    expect(parseSize('10MB', 'min-size')).toBe(10 * 1024 * 1024);
    expect(parseSize('512', 'min-size')).toBe(512);
    expect(() => parseSize('lots', 'min-size')).toThrow('input "min-size": "lots" is not valid');
  });
});
