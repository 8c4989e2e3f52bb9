/** Escapes prose so that `<placeholder>` is shown, not parsed as HTML. */
export function prose(text: string): string {
  return text.replace(/<(?=[A-Za-z/])/g, '&lt;');
}

/** A value that is one bare http(s) URL becomes an autolink (`<https://…>`), which markdownlint accepts (MD034). */
export function autolink(text: string): string {
  return /^https?:\/\/[^\s<>|`]+$/.test(text) ? `<${text}>` : text;
}

/** Escapes text for a Markdown table cell; an empty cell shows a dash. */
export function cell(text: string | number): string {
  const value = autolink(prose(String(text)).replace(/\|/g, '\\|').replace(/\n/g, ' '));
  return value.trim() === '' ? '-' : value;
}

/** A GitHub-flavoured Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** A fenced bash block. */
export function bash(lines: readonly string[]): string {
  return ['```bash', ...lines, '```'].join('\n');
}
