/**
 * Finds the line a YAML indentation mistake is on. The YAML parser reports where its grammar
 * broke, which for an indentation mistake is often the line before (a key indented one space too
 * deep continues the previous value) or column 1; this reads the lines as a person does: each key
 * must line up with a key above it, and may only be deeper than the line before when that line
 * opens a block (ends with ":" or is a "-" item).
 */

/** A line whose indentation fits no enclosing block, with the keys it could line up with. */
export interface IndentationMistake {
  /** 1-based. */
  readonly line: number;
  /** 1-based column of the first character. */
  readonly column: number;
  readonly indent: number;
  /** The key written on the line (or the line's start). */
  readonly key: string;
  /** The nearest key above that fits, with its indentation. */
  readonly alignWith: readonly { readonly key: string; readonly indent: number; readonly line: number }[];
  /** A tab in the indentation (YAML allows spaces only). */
  readonly tab: boolean;
}

interface Level {
  readonly indent: number;
  readonly key: string;
  readonly line: number;
}

/** A mapping key at the start of a line (after an optional "- "); a colon inside a key is fine when no space follows. */
const KEY = /^(?:- +)?((?:"[^"]*"|'[^']*'|[^\s#'"{[\]}:,](?:[^:#]|:(?!\s|$))*?)):(?:\s|$)/;

/** The first line whose indentation is wrong, or undefined when indentation is not the problem. */
export function findIndentationMistake(text: string): IndentationMistake | undefined {
  const lines = text.split(/\r?\n/);
  const levels: Level[] = [{ indent: 0, key: '(top level)', line: 0 }];
  let opensBlock = true;
  let scalarIndent: number | undefined; // inside a "|" or ">" block scalar deeper than this
  let flowDepth = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const content = raw.trimStart();
    if (content === '' || content.startsWith('#') || content === '---' || content === '...') continue;
    const leading = raw.slice(0, raw.length - content.length);
    const indent = leading.length;
    if (scalarIndent !== undefined && indent > scalarIndent) continue;
    scalarIndent = undefined;
    if (flowDepth > 0) {
      flowDepth += depthChange(content);
      continue;
    }
    const keyMatch = KEY.exec(content);
    const key = keyMatch ? keyMatch[1].trim() : content.slice(0, 20);
    if (leading.includes('\t')) {
      return { line: i + 1, column: 1, indent, key, alignWith: levels.slice(-1), tab: true };
    }
    const top = levels[levels.length - 1];
    if (indent > top.indent && !opensBlock) {
      return { line: i + 1, column: indent + 1, indent, key, alignWith: [top], tab: false };
    }
    if (indent > top.indent) {
      levels.push({ indent, key, line: i + 1 });
    } else if (indent < top.indent) {
      const deeper = levels.filter((l) => l.indent > indent);
      while (levels.length > 1 && levels[levels.length - 1].indent > indent) levels.pop();
      if (levels[levels.length - 1].indent !== indent) {
        const around = [deeper[0], levels[levels.length - 1]].filter((l): l is Level => l !== undefined && l.line > 0);
        return { line: i + 1, column: indent + 1, indent, key, alignWith: around, tab: false };
      }
      levels[levels.length - 1] = { indent, key, line: i + 1 };
    } else {
      levels[levels.length - 1] = { indent, key, line: i + 1 };
    }
    // A "- key: value" item holds a mapping whose next keys line up with "key", after the dash.
    const dash = /^(- +)/.exec(content);
    if (dash && keyMatch) levels.push({ indent: indent + dash[1].length, key, line: i + 1 });
    const value = keyMatch
      ? content
          .slice(keyMatch[0].length)
          .replace(/\s+#.*$/, '')
          .trim()
      : content.startsWith('-')
        ? content.slice(1).trim()
        : 'x';
    opensBlock = value === '' || /^[|>][-+0-9]*$/.test(value) || /^&\S+$/.test(value) || /^!\S+$/.test(value);
    if (/^[|>][-+0-9]*$/.test(value)) scalarIndent = dash ? indent + dash[1].length : indent;
    flowDepth = Math.max(0, depthChange(value));
  }
  return undefined;
}

/** Net "[" / "{" minus "]" / "}" outside quotes. */
function depthChange(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') break;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth;
}

/** The fix, in words: which key to line up with, and how many spaces that is. */
export function describeIndentationMistake(m: IndentationMistake): string {
  if (m.tab) {
    return `line ${m.line} is indented with a tab; YAML indents with spaces only: replace the tab with spaces (at line ${m.line}, column ${m.column})`;
  }
  const options = m.alignWith.map((l) => `by ${l.indent} to line up with "${l.key}" (line ${l.line})`);
  return `"${m.key}" at line ${m.line}, column ${m.column} is indented ${m.indent} spaces, which lines up with no key above it; YAML nests by indentation, so indent it ${options.join(', or ')}`;
}
