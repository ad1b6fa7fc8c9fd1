import { isUserError } from '@dantaro/core';
import { formatCommand, splitCommand } from './command';

describe('splitCommand', () => {
  const ok: Array<[string, string[]]> = [
    ['alembic upgrade head', ['alembic', 'upgrade', 'head']],
    ['  alembic   upgrade\thead  ', ['alembic', 'upgrade', 'head']],
    ['alembic upgrade head --sql', ['alembic', 'upgrade', 'head', '--sql']],
    [`psql -c 'SELECT 1; SELECT 2'`, ['psql', '-c', 'SELECT 1; SELECT 2']],
    [`echo "a b" c`, ['echo', 'a b', 'c']],
    [`echo "it's"`, ['echo', "it's"]],
    [`echo 'say "hi"'`, ['echo', 'say "hi"']],
    [`echo a\\ b`, ['echo', 'a b']],
    [`echo \\"x\\"`, ['echo', '"x"']],
    [`echo "a\\"b"`, ['echo', 'a"b']],
    [`echo "back\\\\slash"`, ['echo', 'back\\slash']],
    [`echo "keep\\n"`, ['echo', 'keep\\n']], // inside double quotes, \n is not an escape
    [`echo 'no\\escape'`, ['echo', 'no\\escape']],
    [`echo '' x`, ['echo', '', 'x']],
    [`echo ""`, ['echo', '']],
    [`echo a'b'"c"d`, ['echo', 'abcd']],
    ['flyway -url=jdbc:postgresql://db/app migrate', ['flyway', '-url=jdbc:postgresql://db/app', 'migrate']],
    ['alembic -x url=$(DATABASE_URL) upgrade head', ['alembic', '-x', 'url=$(DATABASE_URL)', 'upgrade', 'head']],
    [`sh -c "echo \\$(DB_HOST)"`, ['sh', '-c', 'echo $(DB_HOST)']],
    [`sh -c 'psql -f /m/*.sql | tee /tmp/log'`, ['sh', '-c', 'psql -f /m/*.sql | tee /tmp/log']],
    ['a \\\n b', ['a', 'b']],
    ['tag#1 x~y', ['tag#1', 'x~y']],
    ['bash /work/app/migrate.sh', ['bash', '/work/app/migrate.sh']],
    ['caf\u00e9 --name=\u00fcber', ['caf\u00e9', '--name=\u00fcber']],
  ];
  it.each(ok)('%s', (text, argv) => {
    expect(splitCommand(text)).toEqual(argv);
  });

  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    [`echo 'open`, /single quote is not closed/],
    [`echo "open`, /double quote is not closed/],
    ['echo x\\', /lone backslash/],
    ['a | b', /`\|` needs a shell/],
    ['a && b', /`&` needs a shell/],
    ['a; b', /`;` needs a shell/],
    ['a > out', /`>` needs a shell/],
    ['a < in', /`<` needs a shell/],
    ['echo $HOME', /`\$` needs a shell/],
    ['echo "$HOME"', /`\$` needs a shell/],
    ['echo ${X}', /`\$` needs a shell/],
    ['echo `id`', /`` ` `` needs a shell|needs a shell/],
    ['psql -f migrations/*.sql', /`\*` needs a shell/],
    ['ls a?', /`\?` needs a shell/],
    ['echo x # comment', /`#` needs a shell/],
    ['cat ~/x', /`~` needs a shell/],
    ['(cd x)', /`\(` needs a shell/],
    ['a\nb', /several lines/],
  ];
  it.each(bad)('refuses %j', (text, re) => {
    let err: unknown;
    try {
      splitCommand(text);
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).toContain('input "command"');
  });

  it('names the input it was given', () => {
    expect(() => splitCommand('a | b', 'plan-command')).toThrow(/input "plan-command"/);
  });
});

describe('formatCommand', () => {
  it.each([
    [['alembic', 'upgrade', 'head'], 'alembic upgrade head'],
    [['psql', '-c', 'SELECT 1'], `psql -c 'SELECT 1'`],
    [['echo', "it's"], `echo 'it'\\''s'`],
    [['echo', ''], `echo ''`],
  ])('%j → %s', (argv, text) => {
    expect(formatCommand(argv)).toBe(text);
    expect(splitCommand(text)).toEqual(argv); // round trip
  });
});
