import { Duration } from '../duration';
import { formatPath, problem, type Problem } from '../problems';

/** Deepest nesting a definition may have; the deepest real field is about 8 levels down. */
export const MAX_DEPTH = 32;
/** Most values (objects, lists and scalars) a definition may hold; a large real one has about 500. */
export const MAX_NODES = 20_000;
/** Keys that reach an object's prototype in JavaScript: refused so no input can pollute one. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The whole document, named like a field in messages. */
export const DOCUMENT = '(document)';

/** A definition copied into plain data, and whatever made parts of it unreadable. */
export interface PlainData {
  readonly value: unknown;
  readonly problems: readonly Problem[];
}

class TooManyNodes extends Error {}

/** Half of a UTF-16 surrogate pair without its other half: not text, and not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * Copies a definition into plain data (plain objects, arrays, strings, numbers, booleans, null, and
 * `Duration`), reading every property once. What the validator would otherwise
 * trip over becomes a problem naming its field: a getter or Proxy trap that throws, a cycle, a
 * BigInt, a function, a string that is not well-formed Unicode, a key that reaches a prototype,
 * nesting deeper than `MAX_DEPTH` or more than `MAX_NODES` values. Linear in the size of the input.
 */
export function toPlainData(input: unknown): PlainData {
  const problems: Problem[] = [];
  let nodes = 0;
  const ancestors = new Set<object>();

  const copy = (value: unknown, path: PropertyKey[]): unknown => {
    if (++nodes > MAX_NODES) throw new TooManyNodes();
    switch (typeof value) {
      case 'string':
        if (LONE_SURROGATE.test(value)) {
          problems.push(
            problem(
              path,
              value.replace(LONE_SURROGATE_ALL, '\uFFFD'),
              'it contains a lone UTF-16 surrogate, which is not valid Unicode and cannot be written as UTF-8; fix the text',
            ),
          );
        }
        return value;
      case 'number':
      case 'boolean':
      case 'undefined':
        return value;
      case 'bigint':
        problems.push(problem(path, value, 'a BigInt cannot be written to a template; use a plain number'));
        return undefined;
      case 'function':
      case 'symbol':
        problems.push(
          problem(
            path,
            `<${typeof value}>`,
            `a ${typeof value} is not data; a definition holds only strings, numbers, booleans, lists and objects`,
          ),
        );
        return undefined;
    }
    if (value === null) return value;
    const object = value as object;
    try {
      if (object instanceof Duration) return object;
      // A Duration of another copy of glidepath (a definition importing the project's glidepath, read
      // by a CLI installed elsewhere): the same notation, so taken by its seconds.
      const seconds = foreignDurationSeconds(object);
      if (seconds !== undefined) return Duration.seconds(seconds);
    } catch (error) {
      problems.push(
        problem(
          path,
          '<unreadable>',
          `reading it failed (${firstLine(error)}); a definition must be plain data, without getters or proxies that throw`,
        ),
      );
      return undefined;
    }
    if (ancestors.has(object)) {
      problems.push(problem(path, '<cycle>', 'it contains itself (a cycle); a definition must be a tree of plain data'));
      return undefined;
    }
    if (path.length >= MAX_DEPTH) {
      problems.push({
        path: formatPath(path),
        message: `${formatPath(path)} is nested more than ${MAX_DEPTH} levels deep; a definition is at most ${MAX_DEPTH} levels deep, so remove the extra nesting`,
      });
      return undefined;
    }
    ancestors.add(object);
    try {
      if (Array.isArray(object)) {
        const length = object.length;
        const out: unknown[] = [];
        for (let i = 0; i < length; i++) out.push(read(object, i, path));
        return out;
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(object)) {
        if (FORBIDDEN_KEYS.has(key)) {
          problems.push({
            path: formatPath([...path, key]),
            message: `${formatPath([...path, key])} is a key JavaScript reserves for prototypes; rename or remove it`,
          });
          continue;
        }
        const item = read(object, key, path);
        if (item !== undefined) out[key] = item;
      }
      return out;
    } catch (error) {
      if (error instanceof TooManyNodes) throw error;
      problems.push(
        problem(
          path,
          '<unreadable>',
          `reading it failed (${firstLine(error)}); a definition must be plain data, without getters or proxies that throw`,
        ),
      );
      return undefined;
    } finally {
      ancestors.delete(object);
    }
  };

  const read = (object: object, key: string | number, path: PropertyKey[]): unknown => {
    let item: unknown;
    try {
      item = (object as Record<string | number, unknown>)[key];
    } catch (error) {
      problems.push(
        problem(
          [...path, key],
          '<unreadable>',
          `reading it failed (${firstLine(error)}); a definition must be plain data, without getters or proxies that throw`,
        ),
      );
      return undefined;
    }
    return copy(item, [...path, key]);
  };

  try {
    const value = copy(input, []);
    return { value, problems: problems.map(named) };
  } catch (error) {
    if (!(error instanceof TooManyNodes)) throw error;
    return {
      value: undefined,
      problems: [
        {
          path: DOCUMENT,
          message: `${DOCUMENT} holds more than ${MAX_NODES} values; a definition is small (a large one holds about 500), so this is not a definition`,
        },
      ],
    };
  }
}

/** A problem about the root has an empty path: name it "(document)". */
function named(p: Problem): Problem {
  return p.path === '' ? { path: DOCUMENT, message: `${DOCUMENT}${p.message}` } : p;
}

/** The first line of an error's message, short: enough to recognise it, never a stack trace. */
export function firstLine(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? error.message : String(error);
  } catch {
    text = 'an unprintable error';
  }
  const line = text.split('\n', 1)[0];
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** The seconds of an object that is a `Duration` of another module copy (its class is named so and it has `toSeconds()`). */
function foreignDurationSeconds(object: object): number | undefined {
  const candidate = object as { constructor?: { name?: unknown }; toSeconds?: unknown };
  if (candidate.constructor?.name !== 'Duration' || typeof candidate.toSeconds !== 'function') return undefined;
  const seconds: unknown = (candidate.toSeconds as () => unknown).call(object);
  return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : undefined;
}
