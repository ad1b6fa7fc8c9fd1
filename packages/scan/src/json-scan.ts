/**
 * A structural scanner over a JSON document held in a Buffer. It walks objects and arrays without
 * building them: strings are skipped with the native Buffer.indexOf, so long descriptions cost
 * almost nothing. Callers JSON.parse only the small slices they need (one finding at a time), which
 * keeps peak memory near the file size instead of file + a full object tree.
 * Any malformed input throws ScanError; the caller then lets JSON.parse report the exact position.
 */
export class ScanError extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

export class JsonScanner {
  constructor(readonly buf: Buffer) {}

  ws(i: number): number {
    const b = this.buf;
    while (i < b.length) {
      const c = b[i];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    return i;
  }

  /** Index just past the closing quote of the string starting at i. */
  skipString(i: number): number {
    const b = this.buf;
    let j = i + 1;
    for (;;) {
      const q = b.indexOf(QUOTE, j);
      if (q < 0) throw new ScanError('unterminated string');
      let k = q - 1;
      while (b[k] === BACKSLASH) k--;
      if ((q - 1 - k) % 2 === 0) return q + 1; // an even run of backslashes: the quote is real
      j = q + 1;
    }
  }

  /** Index just past the value starting at i (after whitespace). */
  skipValue(i: number): number {
    const b = this.buf;
    i = this.ws(i);
    const c = b[i];
    if (c === QUOTE) return this.skipString(i);
    if (c === OPEN_OBJ || c === OPEN_ARR) {
      let depth = 0;
      while (i < b.length) {
        const d = b[i];
        if (d === QUOTE) {
          i = this.skipString(i);
          continue;
        }
        if (d === OPEN_OBJ || d === OPEN_ARR) depth++;
        else if (d === CLOSE_OBJ || d === CLOSE_ARR) {
          depth--;
          if (depth === 0) return i + 1;
        }
        i++;
      }
      throw new ScanError('unterminated object or array');
    }
    const start = i;
    while (i < b.length && b[i] !== COMMA && b[i] !== CLOSE_OBJ && b[i] !== CLOSE_ARR && b[i] > 0x20) i++;
    if (i === start) throw new ScanError(`unexpected byte at ${i}`);
    return i;
  }

  /** The parsed value at i (for small values). */
  value(i: number, end = this.skipValue(i)): unknown {
    return JSON.parse(this.buf.toString('utf8', this.ws(i), end));
  }

  /** Calls fn(key, valueStart) for each member of the object at i; returns the index past it. */
  object(i: number, fn: (key: string, at: number) => number | void): number {
    const b = this.buf;
    i = this.ws(i);
    if (b[i] !== OPEN_OBJ) throw new ScanError(`expected an object at ${i}`);
    i = this.ws(i + 1);
    if (b[i] === CLOSE_OBJ) return i + 1;
    for (;;) {
      if (b[i] !== QUOTE) throw new ScanError(`expected a key at ${i}`);
      const keyEnd = this.skipString(i);
      // keys are ASCII in Trivy reports; latin1 is the cheapest decode, escapes are handled below
      const key = this.buf.toString('latin1', i + 1, keyEnd - 1);
      i = this.ws(keyEnd);
      if (b[i] !== COLON) throw new ScanError(`expected a colon at ${i}`);
      const at = this.ws(i + 1);
      const after = fn(key.includes('\\') ? (JSON.parse(`"${key}"`) as string) : key, at);
      i = this.ws(typeof after === 'number' ? after : this.skipValue(at));
      if (b[i] === COMMA) i = this.ws(i + 1);
      else if (b[i] === CLOSE_OBJ) return i + 1;
      else throw new ScanError(`expected , or } at ${i}`);
    }
  }

  /** Calls fn(index, elementStart, elementEnd) for each element of the array at i. */
  array(i: number, fn: (index: number, start: number, end: number) => void): number {
    const b = this.buf;
    i = this.ws(i);
    if (b[i] === 0x6e) return this.skipValue(i); // null
    if (b[i] !== OPEN_ARR) throw new ScanError(`expected an array at ${i}`);
    i = this.ws(i + 1);
    if (b[i] === CLOSE_ARR) return i + 1;
    for (let n = 0; ; n++) {
      const end = this.skipValue(i);
      fn(n, i, end);
      i = this.ws(end);
      if (b[i] === COMMA) i = this.ws(i + 1);
      else if (b[i] === CLOSE_ARR) return i + 1;
      else throw new ScanError(`expected , or ] at ${i}`);
    }
  }

  /**
   * A string value read straight from the bytes (a fresh string, never a view on a larger one);
   * other values are JSON.parsed from their slice.
   */
  valueAt(i: number): unknown {
    i = this.ws(i);
    if (this.buf[i] !== QUOTE) return this.value(i);
    const end = this.skipString(i);
    // look for escapes within this string only (indexOf on the whole buffer would be quadratic)
    for (let k = i + 1; k < end - 1; k++) if (this.buf[k] === BACKSLASH) return JSON.parse(this.buf.toString('utf8', i, end));
    return this.buf.toString('utf8', i + 1, end - 1);
  }

  /** The members named in `keys` of the object at i (others skipped unparsed), with their offsets. */
  pick(i: number, keys: ReadonlySet<string>): { values: Record<string, unknown>; at: Record<string, number>; end: number } {
    const values: Record<string, unknown> = {};
    const at: Record<string, number> = {};
    const end = this.object(i, (key, vat) => {
      if (!keys.has(key)) return undefined;
      values[key] = this.valueAt(vat);
      at[key] = vat;
      return undefined;
    });
    return { values, at, end };
  }

  isArray(i: number): boolean {
    return this.buf[this.ws(i)] === OPEN_ARR;
  }

  isObject(i: number): boolean {
    return this.buf[this.ws(i)] === OPEN_OBJ;
  }
}

/** 1-based line of a byte offset (error path only). */
export function lineOfOffset(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = buf.indexOf(0x0a); i !== -1 && i < offset; i = buf.indexOf(0x0a, i + 1)) line++;
  return line;
}
