import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';

/** One thing wrong with a definition: where, what was found, and how to fix it. */
export interface Problem {
  /** Field path as the user wrote it, e.g. `environments[2].rollout.stages[1].trafficPercent`. */
  readonly path: string;
  /** The full message: path, quoted value and fix. */
  readonly message: string;
}

/** At most this many problems of one kind are listed; the rest are counted. */
const MAX_LISTED_PER_KIND = 10;
/** At most this many problems are listed in all. */
const MAX_LISTED = 40;
/** A single listed message is cut at this length, so a hostile value cannot flood the terminal. */
const MAX_MESSAGE_CHARS = 600;

/**
 * What a problem is about, ignoring where and which value: 200,000 unknown keys are one kind.
 * Derived from the message so that every producer of problems is grouped the same way.
 */
function kindOf(p: Problem): string {
  const message = p.message.slice(0, MAX_MESSAGE_CHARS);
  if (message.includes(' is not a known field; ')) return 'unknown field';
  const fix = message.indexOf('; ');
  return (fix >= 0 ? message.slice(fix + 2) : message).replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\d+/g, '#');
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;
}

/**
 * Renders problems as a bounded list: every kind of problem shows, but a flood of one kind (say,
 * 200,000 unknown keys) shows its first few and "and N more of the same kind".
 */
export function renderProblems(problems: readonly Problem[]): string {
  const listed: string[] = [];
  const perKind = new Map<string, { shown: number; omitted: number; first: string }>();
  for (const p of problems) {
    const kind = kindOf(p);
    const tally = perKind.get(kind) ?? { shown: 0, omitted: 0, first: p.path };
    perKind.set(kind, tally);
    if (tally.shown < MAX_LISTED_PER_KIND && listed.length < MAX_LISTED) {
      tally.shown++;
      listed.push(`  - ${clip(p.message)}`);
    } else {
      tally.omitted++;
    }
  }
  for (const tally of perKind.values()) {
    if (tally.omitted > 0) {
      listed.push(
        `  - and ${tally.omitted} more ${tally.shown > 0 ? `of the same kind as ${clip(tally.first)}` : `problems like ${clip(tally.first)}`}`,
      );
    }
  }
  return listed.join('\n');
}

/**
 * Thrown when a definition is invalid. Carries every problem found, not only the first; the message
 * lists them, bounded (see `renderProblems`).
 */
export class DefinitionError extends Error {
  constructor(
    public readonly problems: readonly Problem[],
    public readonly source?: string,
  ) {
    super(
      `${source ? `${source}: ` : ''}the definition has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        renderProblems(problems),
    );
    this.name = 'DefinitionError';
  }
}

/** Renders a path as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) =>
      typeof key === 'number'
        ? `[${key}]`
        : unusualKey(String(key))
          ? `[${quotedKey(String(key))}]`
          : i === 0
            ? String(key)
            : `.${String(key)}`,
    )
    .join('');
}

/** A key that cannot be shown bare: control characters (a newline would look like another line) or absurd length. */
function unusualKey(key: string): boolean {
  // Matching control characters is the point here.
  // eslint-disable-next-line no-control-regex
  return key.length > 100 || /[\u0000-\u001f\u007f]/.test(key);
}

function quotedKey(key: string): string {
  const shown = JSON.stringify(key.length > 100 ? key.slice(0, 97) : key);
  return key.length > 100 ? `${shown.slice(0, -1)}..."` : shown;
}

/** Longest quoted value; longer values are shortened with "...". */
const MAX_VALUE_CHARS = 60;

/**
 * Renders a found value for a message: strings quoted, long values shortened. Numbers JSON cannot
 * write (NaN, Infinity) and BigInts are shown as JavaScript writes them, never as "null"; objects are
 * rendered only as far as the message shows them, so a huge value costs no more than a small one.
 */
export function formatValue(value: unknown): string {
  if (value === undefined) {
    return 'missing';
  }
  const text = preview(value, MAX_VALUE_CHARS + 1);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 3)}...` : text;
}

/** A value shown exactly as the source file spells it. */
export class Written {
  constructor(public readonly text: string) {}
}

/** JSON-like rendering of `value`, stopping once `budget` characters are written. */
function preview(value: unknown, budget: number): string {
  if (value instanceof Written) return value.text;
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > budget ? value.slice(0, budget) : value);
  if (value === null || typeof value !== 'object') return value === undefined ? 'undefined' : String(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return preview((value as { toJSON(): unknown }).toJSON(), budget);
  const array = Array.isArray(value);
  let out = array ? '[' : '{';
  for (const key of Object.keys(value)) {
    if (out.length > budget) break;
    if (out.length > 1) out += ',';
    const item = (value as Record<string, unknown>)[key];
    out += array ? preview(item, budget - out.length) : `${JSON.stringify(key)}:${preview(item, budget - out.length)}`;
  }
  return out + (array ? ']' : '}');
}

/** Builds a problem for `path` whose value is `value`. */
export function problem(path: readonly PropertyKey[], value: unknown, fix: string): Problem {
  const where = formatPath(path);
  return { path: where, message: `${where} is ${formatValue(value)}; ${fix}` };
}

/** Reads the value at `path` in the raw input, for quoting it in a message. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  int: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/**
 * Turns schema issues into problems that name the field, quote the value and say the fix.
 * `knownKeys` resolves the field names allowed at a path, for "did you mean" suggestions.
 */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  knownKeys: (path: readonly PropertyKey[]) => readonly string[],
  written?: (path: readonly PropertyKey[]) => string | undefined,
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const found = valueAt(input, issue.path);
    // A number is quoted as the file spells it (`.nan`, `1e309`, `0x1F`), not as JavaScript reads it.
    const spelled = typeof found === 'number' ? written?.(issue.path) : undefined;
    const value = spelled !== undefined ? new Written(spelled) : found;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(issue.path);
        for (const key of issue.keys) {
          const path = [...issue.path, key];
          const written = valueAt(input, path);
          // Only a scalar can be a secret value; an object or list under such a key is a misspelled section (e.g. "secret:").
          if ((key === 'value' || /password|secret|token|credential/i.test(key)) && (written === null || typeof written !== 'object')) {
            problems.push(
              problem(
                path,
                '<redacted>',
                'secret values are never written in a definition; declare the secret under "secrets" with "existing.secretName" or "generate"',
              ),
            );
            continue;
          }
          const suggestion = suggest(key, known);
          problems.push({
            path: formatPath(path),
            message: `${formatPath(path)} is not a known field; ${suggestion ? `did you mean "${suggestion}"? Known` : 'known'} fields here: ${known.join(', ')}`,
          });
        }
        break;
      }
      case 'invalid_type':
        problems.push(
          value === undefined
            ? problem(issue.path, value, `it is required (${TYPE_NAMES[issue.expected] ?? issue.expected})`)
            : problem(
                issue.path,
                value,
                issue.message.startsWith('Invalid input')
                  ? `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`
                  : customFix(issue.message),
              ),
        );
        break;
      case 'invalid_value': {
        const options = issue.values.map(String);
        const suggestion = typeof value === 'string' ? suggest(value, options) : undefined;
        problems.push(
          problem(
            issue.path,
            value,
            `use one of ${options.map((o) => `"${o}"`).join(', ')}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
          ),
        );
        break;
      }
      case 'too_small':
        problems.push(
          problem(
            issue.path,
            value,
            issue.message.startsWith('Too small')
              ? issue.origin === 'string'
                ? 'it must not be empty'
                : issue.origin === 'array'
                  ? `it must have at least ${issue.minimum} entr${issue.minimum === 1 ? 'y' : 'ies'}`
                  : `it must be at least ${issue.minimum}`
              : `it ${issue.message}`,
          ),
        );
        break;
      case 'too_big':
        problems.push(
          problem(issue.path, value, issue.message.startsWith('Too big') ? `it must be at most ${issue.maximum}` : `it ${issue.message}`),
        );
        break;
      case 'invalid_key': {
        // A record key (e.g. an environment variable name) failed: quote the key, not its value.
        const key = issue.path[issue.path.length - 1];
        problems.push(problem(issue.path, key, customFix(issue.issues[0]?.message ?? issue.message)));
        break;
      }
      default:
        problems.push(problem(issue.path, value, customFix(issue.message)));
    }
  }
  return problems;
}

/** Our own schema messages read "is not a …" / "must be …"; they follow "<path> is <value>; it". */
function customFix(message: string): string {
  return /^(is|must) /.test(message) ? `it ${message}` : message;
}

/**
 * The closest known name, when it is close enough to be a plausible misspelling: at most a third
 * of the name's letters differ (and at least 2 may). Far-off names get no suggestion.
 */
function suggest(written: string, known: readonly string[]): string | undefined {
  if (known.length === 0) {
    return undefined;
  }
  const best = closest(written, known);
  return distance(written.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(written.length / 3)) ? best : undefined;
}
