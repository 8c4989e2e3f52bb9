import type { Problem } from '../problems';
import type { SourceLocation } from '../private/source-document';

/** Where fields are written, to append to messages. */
export interface Locator {
  readonly source?: string;
  readonly locate?: (path: string) => SourceLocation | undefined;
}

/** `a.b[2]` → [`a.b[2]`, `a.b`, `a`]. */
export function pathAndAncestors(path: string): string[] {
  const out = [path];
  for (
    let cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    cut > 0;
    cut = Math.max(path.lastIndexOf('.', cut - 1), path.lastIndexOf('[', cut - 1))
  ) {
    out.push(path.slice(0, cut));
  }
  return out;
}

/** Appends where each problem's field is written (`file:line:column`), when the source is known. */
export function located(problems: readonly Problem[], options: Locator): Problem[] {
  const { locate, source } = options;
  if (!locate) return [...problems];
  return problems.map((p) => {
    const at = p.path.startsWith('(') ? undefined : locate(p.path);
    return at ? { path: p.path, message: `${p.message} (at ${source ?? 'line'}:${at.line}:${at.column})` } : p;
  });
}
