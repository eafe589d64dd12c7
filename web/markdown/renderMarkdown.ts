/**
 * A small markdown renderer for scenario READMEs: headings, paragraphs, lists, fenced code,
 * block quotes, tables, and inline code/emphasis/links. Everything is escaped first, so a
 * README can never inject markup.
 */

export function renderMarkdown(md: string): string {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
    } else if (/^\s*(```|~~~)/.test(line)) {
      const fence = line.trim().slice(0, 3);
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith(fence); i++) body.push(lines[i]);
      i++;
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
    } else if (/^#{1,6}\s/.test(line)) {
      const level = Math.min(6, line.indexOf(' ') + 1); // `#` in a story becomes h2 at most
      out.push(`<h${level}>${inline(line.replace(/^#+\s+/, '').replace(/\s+#*$/, ''))}</h${level}>`);
      i++;
    } else if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      i = list(lines, i, out);
    } else if (line.startsWith('>')) {
      const body: string[] = [];
      for (; i < lines.length && lines[i].startsWith('>'); i++) body.push(lines[i].replace(/^>\s?/, ''));
      out.push(`<blockquote>${renderMarkdown(body.join('\n'))}</blockquote>`);
    } else if (line.includes('|') && /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(lines[i + 1] ?? '')) {
      i = table(lines, i, out);
    } else {
      const body: string[] = [];
      for (; i < lines.length && lines[i].trim() !== '' && !isBlockStart(lines[i]); i++) body.push(lines[i].trim());
      out.push(`<p>${inline(body.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}

function isBlockStart(line: string): boolean {
  return /^(\s*(```|~~~)|#{1,6}\s|\s*([-*+]|\d+[.)])\s+|>)/.test(line);
}

function list(lines: string[], start: number, out: string[]): number {
  const ordered = /^\s*\d+[.)]/.test(lines[start]);
  const items: string[][] = [];
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i];
    const item = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item && !/^\s{2,}/.test(line)) items.push([item[2]]);
    else if (line.trim() === '' && /^\s+\S/.test(lines[i + 1] ?? '')) items[items.length - 1].push('');
    else if (line.trim() !== '' && /^\s+\S/.test(line)) items[items.length - 1].push(line.replace(/^\s{1,4}/, ''));
    else if (line.trim() !== '' && !isBlockStart(line)) items[items.length - 1].push(line.trim());
    else break;
  }
  const tag = ordered ? 'ol' : 'ul';
  const html = items.map((it) => {
    const text = it.join('\n');
    const body = /\n\s*([-*+]|\d+[.)])\s|```|\n\n/.test(text) ? renderMarkdown(text) : inline(it.join(' '));
    return `<li>${body}</li>`;
  });
  out.push(`<${tag}>${html.join('')}</${tag}>`);
  return i;
}

function table(lines: string[], start: number, out: string[]): number {
  const cells = (l: string) =>
    l
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => inline(c.trim()));
  const head = cells(lines[start]);
  const rows: string[][] = [];
  let i = start + 2;
  for (; i < lines.length && lines[i].includes('|') && lines[i].trim() !== ''; i++) rows.push(cells(lines[i]));
  out.push(
    `<table><thead><tr>${head.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>` +
      rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('') +
      '</tbody></table>',
  );
  return i;
}

/** Inline markup on escaped text; code spans are protected from the other rules. */
export function inline(text: string): string {
  const codes: string[] = [];
  let s = escapeHtml(text).replace(/`([^`]+)`/g, (_, c: string) => `\u0000${codes.push(c) - 1}\u0000`);
  s = s
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
    .replace(/(^|[^\w])_([^_\s][^_]*)_(?!\w)/g, '$1<em>$2</em>')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, href: string) =>
      /^(https?:|#|\/|\.)/.test(href) ? `<a href="${href}" target="_blank" rel="noreferrer">${label}</a>` : label,
    );
  return s.replace(/\u0000(\d+)\u0000/g, (_, n: string) => `<code>${codes[Number(n)]}</code>`);
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
