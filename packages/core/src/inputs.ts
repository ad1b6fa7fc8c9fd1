import { parse as parseYaml } from 'yaml';
import { parseDuration } from './duration';
import { UserError } from './errors';
import type { Secrets } from './secrets';

/**
 * The one input parser. Reads `INPUT_<NAME>` the way the runner sets it (spaces → `_`, upper case,
 * hyphens kept), trims, and turns every bad value into a UserError that names the input, what was
 * given (unless secret) and the accepted form — before the action changes anything.
 */
export type Env = Record<string, string | undefined>;

interface Common {
  required?: boolean;
}

export class Inputs {
  constructor(
    private readonly env: Env = process.env,
    private readonly secrets?: Secrets,
  ) {}

  /** Raw trimmed value, '' when unset. */
  raw(name: string): string {
    return (this.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
  }

  has(name: string): boolean {
    return this.raw(name) !== '';
  }

  string(name: string, opts: Common & { default?: string } = {}): string | undefined {
    const v = this.raw(name);
    if (v === '') {
      if (opts.required) throw missing(name, 'a non-empty value');
      return opts.default;
    }
    return v;
  }

  required(name: string, form = 'a non-empty value'): string {
    const v = this.raw(name);
    if (v === '') throw missing(name, form);
    return v;
  }

  /** A credential: registered with the masker before anything else sees it. Never echoed in errors. */
  secret(name: string, opts: Common = {}): string | undefined {
    const v = this.raw(name);
    if (v === '') {
      if (opts.required) throw missing(name, 'a secret value');
      return undefined;
    }
    this.secrets?.add(v);
    return v;
  }

  bool(name: string, defaultValue: boolean): boolean {
    const v = this.raw(name).toLowerCase();
    if (v === '') return defaultValue;
    if (['true', 'yes', 'on', '1'].includes(v)) return true;
    if (['false', 'no', 'off', '0'].includes(v)) return false;
    throw bad(name, this.raw(name), '`true` or `false`');
  }

  int(name: string, opts: Common & { default?: number; min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(name);
    if (v === '') {
      if (opts.required) throw missing(name, 'a whole number');
      return opts.default;
    }
    const form = `a whole number${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}${opts.max !== undefined ? ` ≤ ${opts.max}` : ''}`;
    if (!/^-?\d+$/.test(v)) throw bad(name, v, form);
    const n = Number(v);
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) throw bad(name, v, form);
    return n;
  }

  number(name: string, opts: Common & { default?: number; min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(name);
    if (v === '') {
      if (opts.required) throw missing(name, 'a number');
      return opts.default;
    }
    const n = Number(v);
    const form = `a number${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}${opts.max !== undefined ? ` ≤ ${opts.max}` : ''}`;
    if (!Number.isFinite(n) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
      throw bad(name, v, form);
    }
    return n;
  }

  /** Milliseconds, from `90s`, `10m`, `1h` (or bare seconds). */
  duration(name: string, opts: Common & { default?: string } = {}): number | undefined {
    const v = this.raw(name) || opts.default || '';
    if (v === '') {
      if (opts.required) throw missing(name, 'a duration such as 90s, 10m or 1h');
      return undefined;
    }
    try {
      return parseDuration(v, name);
    } catch {
      throw bad(name, v, 'a duration such as 90s, 10m or 1h');
    }
  }

  enum<T extends string>(name: string, allowed: readonly T[], opts: Common & { default?: T } = {}): T | undefined {
    const v = this.raw(name);
    if (v === '') {
      if (opts.required) throw missing(name, `one of ${allowed.join(', ')}`);
      return opts.default;
    }
    const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (!hit) throw bad(name, v, `one of ${allowed.join(', ')}`);
    return hit;
  }

  /** Items separated by newlines or commas; blank items and `#` comment lines dropped. */
  list(name: string, opts: Common & { separator?: 'comma-or-newline' | 'newline' } = {}): string[] {
    const v = this.raw(name);
    if (v === '') {
      if (opts.required) throw missing(name, 'one or more items, separated by newlines or commas');
      return [];
    }
    return splitList(v, opts.separator ?? 'comma-or-newline');
  }

  /** `key=value` items (newline or comma separated); the value may contain `=`. */
  keyValues(name: string, opts: Common & { separator?: 'comma-or-newline' | 'newline' } = {}): Array<[string, string]> {
    return this.list(name, opts).map((item) => {
      const i = item.indexOf('=');
      if (i <= 0) throw bad(name, item, '`key=value` items, one per line');
      return [item.slice(0, i).trim(), item.slice(i + 1).trim()];
    });
  }

  url(name: string, opts: Common & { default?: string; protocols?: string[] } = {}): URL | undefined {
    const v = this.raw(name) || opts.default || '';
    if (v === '') {
      if (opts.required) throw missing(name, 'an http(s) URL');
      return undefined;
    }
    const protocols = opts.protocols ?? ['https:', 'http:'];
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw bad(name, v, `a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`, this.isSecretish(v));
    }
    if (!protocols.includes(u.protocol)) {
      throw bad(name, v, `a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`, this.isSecretish(v));
    }
    return u;
  }

  /** A JSON or YAML value (JSON is YAML); `what` describes the expected shape for errors. */
  structured(name: string, what = 'JSON or YAML'): unknown {
    const v = this.raw(name);
    if (v === '') return undefined;
    try {
      return parseYaml(v);
    } catch (e) {
      const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw new UserError(`input "${name}": not valid ${what}: ${reason}`);
    }
  }

  private isSecretish(v: string): boolean {
    return this.secrets ? this.secrets.redact(v) !== v : false;
  }
}

export function splitList(v: string, separator: 'comma-or-newline' | 'newline' = 'comma-or-newline'): string[] {
  const lines = v.split(/\r?\n/).filter((l) => !l.trim().startsWith('#'));
  const parts = separator === 'newline' ? lines : lines.flatMap((l) => l.split(','));
  return parts.map((s) => s.trim()).filter((s) => s !== '');
}

function missing(name: string, form: string): UserError {
  return new UserError(`input "${name}" is required: give ${form}`);
}

function bad(name: string, given: string, form: string, hide = false): UserError {
  const shown = hide ? '(value hidden)' : JSON.stringify(given.length > 120 ? given.slice(0, 117) + '...' : given);
  return new UserError(`input "${name}": ${shown} is not valid; expected ${form}`);
}
