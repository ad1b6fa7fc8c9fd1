/**
 * Secrets are registered the moment they exist: masked in the runner log (core.setSecret) and added to
 * a redactor used for error messages and remote bodies that we print ourselves.
 */
export type MaskFn = (value: string) => void;

export class Secrets {
  private readonly values = new Set<string>();
  constructor(private readonly mask: MaskFn = () => {}) {}

  /** Register and return the value unchanged, so it can wrap an expression: `const t = secrets.add(x)`. */
  add<T extends string | undefined>(value: T): T {
    // very short values are not secrets worth redacting (masking "ab" would mangle every log line)
    if (value === undefined || value.length < 4) return value;
    for (const v of variants(value)) {
      if (v.length >= 4 && !this.values.has(v)) {
        this.values.add(v);
        this.mask(v);
      }
    }
    return value;
  }

  /** Replace every registered value (and its URL-encoded and base64 forms) with ***. */
  redact(text: string): string {
    let out = text;
    // longest first so a secret containing another is removed whole
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) {
      if (out.includes(v)) out = out.split(v).join('***');
    }
    return out;
  }

  get size(): number {
    return this.values.size;
  }
}

function variants(value: string): string[] {
  const out = [value, encodeURIComponent(value), Buffer.from(value).toString('base64')];
  // multi-line secrets are masked line by line by the runner; do the same
  if (value.includes('\n')) out.push(...value.split(/\r?\n/).filter((l) => l.trim().length >= 4));
  return out;
}
