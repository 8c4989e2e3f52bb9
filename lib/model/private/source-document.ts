import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { formatPath, type Problem } from '../problems';
import { DOCUMENT, firstLine, MAX_DEPTH, MAX_NODES } from './plain-data';
import { describeIndentationMistake, findIndentationMistake } from './yaml-indentation';

/** Where a field is written in the file, and how its value is spelled there. */
export interface SourceLocation {
  readonly line: number;
  readonly column: number;
  /** The scalar value exactly as written (e.g. `.nan`, `1e309`), when the field holds one. */
  readonly written?: string;
}

/** A YAML or JSON file read into data, with the positions of its fields. */
export interface SourceDocument {
  /** The data; `undefined` when the text could not be read at all. */
  readonly data: unknown;
  /** What made the text unreadable or ambiguous (syntax errors, duplicate keys). */
  readonly problems: readonly Problem[];
  /** Where the field at a path (as `formatPath` writes it) is, or its nearest written ancestor. */
  locate(path: string): SourceLocation | undefined;
}

/** The file format. */
export enum SourceFormat {
  YAML = 'YAML',
  JSON = 'JSON',
}

/** Most lines plus comma-separated entries a definition file may have (every value needs one or the other, nearly). */
const MAX_ENTRIES = 2 * MAX_NODES;

/** Newlines and commas: linear and cheap, and an upper bound of what a parser would build. */
function countEntries(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 44) count++;
  }
  return count;
}

/** Deepest bracket nesting scanned before parsing: far beyond `MAX_DEPTH`, far below a stack overflow. */
const MAX_BRACKET_DEPTH = 512;

/**
 * Decodes a file's bytes as UTF-8. UTF-16 (with or without a byte-order mark) and bytes that are
 * not UTF-8 are refused with where they are; a UTF-8 byte-order mark is dropped.
 */
export function decodeUtf8(bytes: Uint8Array): { readonly text?: string; readonly problem?: Problem } {
  if (
    (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff) ||
    (bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0))
  ) {
    return { problem: documentProblem('is encoded as UTF-16; save the file as UTF-8') };
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const invalid = firstInvalidUtf8(bytes, start);
  if (invalid >= 0) {
    const before = new TextDecoder('utf-8').decode(bytes.subarray(start, invalid));
    const { line, column } = lineColumn(before, before.length);
    return {
      problem: documentProblem(
        `has a byte that is not UTF-8 (0x${bytes[invalid].toString(16).padStart(2, '0')}) at line ${line}, column ${column}; save the file as UTF-8`,
      ),
    };
  }
  const text = new TextDecoder('utf-8').decode(bytes.subarray(start));
  if (text.includes('\u0000')) {
    return { problem: documentProblem('contains a NUL character, so it is not a text file; pass the YAML or JSON definition') };
  }
  return { text };
}

/**
 * Parses YAML or JSON text. JSON is parsed by `JSON.parse` (strict JSON) and also by the YAML parser
 * (JSON is YAML) for positions and duplicate keys, which `JSON.parse` silently resolves to the last.
 * Never throws on bad text; the caller checks `problems`.
 */
export function parseSource(text: string, format: SourceFormat): SourceDocument {
  const problems: Problem[] = [];
  // Lines and comma-separated entries bound the number of values: refuse a huge map before parsing it.
  const entries = countEntries(text);
  if (entries > MAX_ENTRIES) {
    return noDocument(
      documentProblem(
        `has more than ${MAX_ENTRIES} lines and entries; a definition is small (a large one has about 500), so this is not a definition`,
      ),
    );
  }
  const deepest = bracketDepth(text, format);
  if (deepest > MAX_BRACKET_DEPTH) {
    return noDocument(
      documentProblem(`is nested more than ${MAX_BRACKET_DEPTH} levels deep; a definition is at most ${MAX_DEPTH} levels deep`),
    );
  }
  const lineCounter = new LineCounter();
  let data: unknown;
  let doc: ReturnType<typeof parseDocument> | undefined;
  try {
    doc = parseDocument(text, { uniqueKeys: false, prettyErrors: true, lineCounter });
  } catch (error) {
    if (format === SourceFormat.YAML) return noDocument(documentProblem(`is not valid YAML: ${firstLine(error)}`));
  }
  if (format === SourceFormat.JSON) {
    try {
      data = JSON.parse(text);
    } catch (error) {
      const message = firstLine(error);
      const at = /position (\d+)/.exec(message);
      const where = at ? ` (line ${lineColumn(text, Number(at[1])).line}, column ${lineColumn(text, Number(at[1])).column})` : '';
      return noDocument(documentProblem(`is not valid JSON: ${message}${where}`));
    }
    // Positions only: a JSON text the YAML parser cannot follow (e.g. a key over 1024 characters) just has none.
    if (doc && doc.errors.length > 0) doc = undefined;
  } else if (doc) {
    if (doc.errors.length > 0) {
      // The parser reports where its grammar broke; for an indentation mistake that is often the line
      // before, or column 1: name the line a person would fix instead, when that is the problem.
      const mistake = findIndentationMistake(text);
      const reported = doc.errors[0].linePos?.[0].line ?? Infinity;
      if (mistake && mistake.line <= reported + 1) {
        return noDocument(documentProblem(`is not valid YAML: ${describeIndentationMistake(mistake)}`));
      }
      return noDocument(documentProblem(`is not valid YAML: ${firstLine(doc.errors[0])}`));
    }
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      return noDocument(documentProblem(`is not valid YAML: ${firstLine(error)}`));
    }
  }
  const index = new Map<string, SourceLocation>();
  if (doc?.contents) {
    indexNodes(doc.contents as YamlNode, text, lineCounter, index, problems);
  }
  return {
    data,
    problems,
    locate: (path) => {
      for (let at = path; ; at = parentPath(at)) {
        const found = index.get(at);
        if (found || at === '') return found;
      }
    },
  };
}

/** Records where every field is written, and refuses keys written twice in one mapping. Iterative: any depth. */
function indexNodes(root: YamlNode, text: string, lines: LineCounter, index: Map<string, SourceLocation>, problems: Problem[]): void {
  const position = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const at = (offset: number) => `line ${position(offset).line}, column ${position(offset).column}`;
  const written = (node: unknown) => (isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]).trim() : undefined);
  index.set('', { ...position(root.range?.[0] ?? 0) });
  const stack: { node: unknown; path: PropertyKey[] }[] = [{ node: root, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (path.length > MAX_DEPTH) continue;
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        const childPath = [...path, key];
        const where = formatPath(childPath);
        const keyOffset = (pair.key as YamlNode).range?.[0] ?? 0;
        const first = seen.get(key);
        if (first !== undefined) {
          problems.push({
            path: where,
            message: `${where} is written twice in the same mapping (at ${at(first)} and ${at(keyOffset)}); keep one: only one of the values would be used`,
          });
          continue;
        }
        seen.set(key, keyOffset);
        index.set(where, { ...position(keyOffset), written: written(pair.value) });
        stack.push({ node: pair.value, path: childPath });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const childPath = [...path, i];
        const offset = (item as YamlNode | null)?.range?.[0];
        if (offset !== undefined) index.set(formatPath(childPath), { ...position(offset), written: written(item) });
        stack.push({ node: item, path: childPath });
      });
    }
  }
}

/** `a.b[2].c` → `a.b[2]` → `a.b` → `a` → ``. */
function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut > 0 ? path.slice(0, cut) : '';
}

/**
 * The deepest nesting of `[`/`{` (outside JSON strings); linear, so a hostile file is refused before
 * a parser could exhaust the stack. In YAML every bracket counts: prose never nests hundreds deep.
 */
function bracketDepth(text: string, format: SourceFormat): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"' && format === SourceFormat.JSON) {
      inString = true;
    } else if (c === '[' || c === '{') {
      deepest = Math.max(deepest, ++depth);
    } else if (c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

/** 1-based line and column of an offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Uint8Array, start: number): number {
  for (let i = start; i < bytes.length;) {
    const b = bytes[i];
    let length: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      length = 2;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      min = 0x10000;
    } else {
      return i;
    }
    let code = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += length;
  }
  return -1;
}

function documentProblem(fix: string): Problem {
  return { path: DOCUMENT, message: `${DOCUMENT} ${fix}` };
}

function noDocument(problem: Problem): SourceDocument {
  return { data: undefined, problems: [problem], locate: () => undefined };
}
