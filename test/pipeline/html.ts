/**
 * Turns the job-summary Markdown our actions write into one self-contained HTML page (no scripts, no
 * network): headings, tables, lists, fenced code (Mermaid shown as source), <details>, inline code/links.
 */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function inline(s: string): string {
  // summary cells are already escaped by core's escapeCell; keep <br> and entities, escape the rest
  const keep = s.replace(/<br>/g, '@@BR@@').replace(/&(amp|lt|gt|quot|#\d+);/g, '@@AMP@@$1;');
  let out = esc(keep).replace(/@@BR@@/g, '<br>').replace(/@@AMP@@/g, '&');
  out = out.replace(/`([^`]+)`/g, '<code>$1</code>');
  out = out.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  out = out.replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>');
  return out;
}

export function markdownToHtml(md: string): string {
  const lines = md.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^(```|~~~~)(\w*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith(fence[1]); i++) body.push(lines[i]);
      out.push(`<pre class="${fence[2] || 'code'}">${esc(body.join('\n'))}</pre>`);
      continue;
    }
    const h = /^(#{1,6}) (.*)$/.exec(line);
    if (h) {
      out.push(`<h${h[1].length}>${inline(h[2])}</h${h[1].length}>`);
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i].startsWith('|'); i++) {
        rows.push(lines[i].replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|')));
      }
      i--;
      const [head, , ...body] = rows;
      out.push('<table><thead><tr>' + head.map((c) => `<th>${inline(c)}</th>`).join('') + '</tr></thead><tbody>');
      for (const r of body) out.push('<tr>' + r.map((c) => `<td>${inline(c)}</td>`).join('') + '</tr>');
      out.push('</tbody></table>');
      continue;
    }
    if (/^\s*- /.test(line)) {
      out.push('<ul>');
      for (; i < lines.length && /^\s*- /.test(lines[i]); i++) {
        const item = lines[i].replace(/^\s*- /, '');
        const box = /^\[( |x)\] (.*)$/.exec(item);
        out.push(box ? `<li><input type="checkbox" disabled${box[1] === 'x' ? ' checked' : ''}> ${inline(box[2])}</li>` : `<li>${inline(item)}</li>`);
      }
      i--;
      out.push('</ul>');
      continue;
    }
    if (/^<\/?details>|^<details><summary>/.test(line)) {
      const m = /^<details><summary>(.*)<\/summary>$/.exec(line);
      out.push(m ? `<details><summary>${inline(m[1])}</summary>` : line.startsWith('</') ? '</details>' : '<details>');
      continue;
    }
    if (line.trim() === '') continue;
    out.push(`<p>${inline(line)}</p>`);
  }
  return out.join('\n');
}

export function htmlPage(title: string, sections: Array<{ title: string; markdown: string }>): string {
  const css = `body{font:14px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2328}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}pre{background:#f6f8fa;padding:8px;overflow:auto}pre.mermaid{border-left:3px solid #8250df}
section{border-top:2px solid #d0d7de;margin-top:2em}h1{font-size:1.6em}code{background:#f6f8fa;padding:0 3px}`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>${css}</style></head><body>
<h1>${esc(title)}</h1>
${sections.map((s) => `<section><h2>${esc(s.title)}</h2>\n${markdownToHtml(s.markdown)}\n</section>`).join('\n')}
</body></html>\n`;
}
