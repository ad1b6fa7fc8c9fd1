import { UserError } from '@dantaro/core';

/**
 * Split a command line into argv the way a POSIX shell would split words — single quotes, double
 * quotes, backslash escapes, line continuations — without running a shell: no expansion, globbing,
 * pipes or redirections. Anything that only a shell would act on is refused, so a user who wrote
 * `psql -f a.sql | tee log` learns it will not be piped instead of getting a literal `|` argument.
 * Kubernetes' own `$(VAR)` expansion of container commands is let through untouched.
 */
export function splitCommand(text: string, input = 'command'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false; // distinguishes an empty quoted word ('') from no word
  const s = text.trim();
  const fail = (what: string, hint: string) =>
    new UserError(`input "${input}": ${what}; expected a command with arguments, split like a shell (quotes and backslashes), e.g. alembic upgrade head`, {
      hint,
    });
  const noShell = (ch: string) =>
    fail(`unquoted \`${ch}\` needs a shell, and the command is not run through one`, `quote it to pass it literally, or call a shell explicitly: sh -c '…'`);
  const end = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };

  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ' ' || c === '\t') {
      end();
    } else if (c === '\n' || c === '\r') {
      throw fail('it spans several lines (a shell would run each line as its own command)', 'put it on one line, or end lines with a backslash to continue them');
    } else if (c === '\\') {
      if (s[i + 1] === '\n') i++; // line continuation
      else if (s[i + 1] === '\r' && s[i + 2] === '\n') i += 2;
      else if (i + 1 >= s.length) throw fail('it ends with a lone backslash', 'remove the trailing backslash or escape it as \\\\');
      else {
        word += s[++i];
        inWord = true;
      }
    } else if (c === "'") {
      const close = s.indexOf("'", i + 1);
      if (close < 0) throw fail('a single quote is not closed', "close the quote: 'like this'");
      word += s.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (c === '"') {
      inWord = true;
      for (i++; ; i++) {
        if (i >= s.length) throw fail('a double quote is not closed', 'close the quote: "like this"');
        const d = s[i];
        if (d === '"') break;
        if (d === '\\' && i + 1 < s.length && '$`"\\\n'.includes(s[i + 1])) {
          if (s[i + 1] !== '\n') word += s[i + 1];
          i++;
        } else if (d === '`') throw noShell('`');
        else if (d === '$') i = kubeVar(s, i, (v) => (word += v), () => noShell('$'));
        else word += d;
      }
    } else if (c === '$') {
      i = kubeVar(s, i, (v) => (word += v), () => noShell('$'));
      inWord = true;
    } else if ('|&;<>()`'.includes(c)) {
      throw noShell(c);
    } else if (c === '*' || c === '?' || c === '[') {
      // a glob would be expanded by a shell: refuse rather than pass a pattern nobody expanded
      throw noShell(c);
    } else if ((c === '#' || c === '~') && !inWord) {
      throw noShell(c); // a comment, a home directory
    } else {
      word += c;
      inWord = true;
    }
  }
  end();
  if (words.length === 0) throw fail('it is empty', 'give the migration command, e.g. alembic upgrade head');
  return words;
}

/** `$(NAME)` is expanded by Kubernetes from the container's env, so it is kept verbatim; other `$` forms are a shell's. */
function kubeVar(s: string, i: number, add: (v: string) => void, refuse: () => Error): number {
  const m = /^\$\(([A-Za-z_][A-Za-z0-9_]*)\)/.exec(s.slice(i));
  if (!m) throw refuse();
  add(m[0]);
  return i + m[0].length - 1;
}

/** argv back to one line a person can read and paste into a shell (single-quoted where needed). */
export function formatCommand(argv: string[]): string {
  return argv.map((a) => (a !== '' && /^[A-Za-z0-9_@%+=:,./$()-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
