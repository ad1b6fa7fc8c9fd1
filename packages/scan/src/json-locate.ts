/**
 * Line numbers for error messages about a parsed JSON document. Only called on the error path: it
 * walks the text once to the value at `path` (object keys and array indexes), without building objects.
 */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

export function lineOfPath(text: string, path: Array<string | number>): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const skipString = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const readString = (): string => {
    const start = i;
    skipString();
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = () => {
    ws();
    if (text[i] === '"') return skipString();
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      while (i < text.length) {
        const c = text[i];
        if (c === '"') {
          skipString();
          continue;
        }
        if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') depth--;
        i++;
        if (depth === 0) return;
      }
      return;
    }
    while (i < text.length && !',}]'.includes(text[i])) i++;
  };
  for (const step of path) {
    ws();
    if (typeof step === 'number') {
      if (text[i] !== '[') return undefined;
      i++;
      for (let n = 0; n < step; n++) {
        skipValue();
        ws();
        if (text[i] !== ',') return undefined;
        i++;
      }
      ws();
    } else {
      if (text[i] !== '{') return undefined;
      i++;
      for (;;) {
        ws();
        if (text[i] !== '"') return undefined;
        const key = readString();
        ws();
        i++; // colon
        ws();
        if (key === step) break;
        skipValue();
        ws();
        if (text[i] !== ',') return undefined;
        i++;
      }
    }
  }
  return lineAt(text, i);
}
