/**
 * The one summary renderer: small Markdown builders that every action composes. Cell text is escaped
 * so untrusted values (commit messages, pod messages) cannot break a table or inject HTML.
 */
export function escapeCell(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}

export function table(headers: string[], rows: unknown[][]): string {
  const head = `| ${headers.map(escapeCell).join(' | ')} |`;
  const sep = `| ${headers.map(() => '---').join(' | ')} |`;
  const body = rows.map((r) => `| ${r.map(escapeCell).join(' | ')} |`);
  return [head, sep, ...body].join('\n') + '\n';
}

export function heading(text: string, level = 2): string {
  return `${'#'.repeat(level)} ${escapeCell(text)}\n`;
}

export function details(summary: string, body: string): string {
  return `<details><summary>${escapeCell(summary)}</summary>\n\n${body}\n</details>\n`;
}

export function codeBlock(text: string, lang = ''): string {
  const fence = text.includes('```') ? '~~~~' : '```';
  return `${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}\n`;
}

export function mermaid(source: string): string {
  return codeBlock(source, 'mermaid');
}

/** A Mermaid gantt timeline: tasks with start/end in ms since `origin`. */
export function timeline(title: string, tasks: Array<{ section?: string; name: string; startMs: number; endMs: number; status?: 'done' | 'crit' | 'active' }>): string {
  const lines = ['gantt', `  title ${clean(title)}`, '  dateFormat x', '  axisFormat %M:%S'];
  let section: string | undefined;
  tasks.forEach((t, i) => {
    if (t.section && t.section !== section) {
      section = t.section;
      lines.push(`  section ${clean(section)}`);
    }
    const tag = t.status ? `${t.status}, ` : '';
    lines.push(`  ${clean(t.name)} :${tag}t${i}, ${Math.round(t.startMs)}, ${Math.max(Math.round(t.endMs), Math.round(t.startMs) + 1)}`);
  });
  return mermaid(lines.join('\n'));
}

function clean(s: string): string {
  return s.replace(/[:#;\n]/g, ' ').trim();
}

export function list(items: string[]): string {
  return items.map((i) => `- ${i}`).join('\n') + '\n';
}

/** A Markdown document assembled piece by piece; `toString()` gives the text to append to the summary. */
export class SummaryDoc {
  private readonly parts: string[] = [];
  add(...parts: string[]): this {
    this.parts.push(...parts);
    return this;
  }
  get empty(): boolean {
    return this.parts.length === 0;
  }
  toString(): string {
    return this.parts.join('\n');
  }
}

/** 1536 → "1.50 KiB": sizes for people, in every summary. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}
