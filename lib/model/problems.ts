import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';

/** One thing wrong with a definition: where, what was found, and how to fix it. */
export interface Problem {
  /** Field path as the user wrote it, e.g. `environments[2].rollout.stages[1].trafficPercent`. */
  readonly path: string;
  /** The full message: path, quoted value and fix. */
  readonly message: string;
}

/**
 * Thrown when a definition is invalid. Carries every problem found, not only the first.
 */
export class DefinitionError extends Error {
  constructor(
    public readonly problems: readonly Problem[],
    source?: string,
  ) {
    super(
      `${source ? `${source}: ` : ''}the definition has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p.message}`).join('\n'),
    );
    this.name = 'DefinitionError';
  }
}

/** Renders a path as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/** Renders a found value for a message: strings quoted, long values shortened. */
export function formatValue(value: unknown): string {
  if (value === undefined) {
    return 'missing';
  }
  const text = typeof value === 'object' && value !== null && 'toJSON' in value ? JSON.stringify(value) : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
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
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const value = valueAt(input, issue.path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(issue.path);
        for (const key of issue.keys) {
          const path = [...issue.path, key];
          const written = valueAt(input, path);
          // Only a scalar can be a secret value; an object or list under such a key is a misspelled section (e.g. "secret:").
          if ((key === 'value' || /password|secret|token|credential/i.test(key)) && (written === null || typeof written !== 'object')) {
            problems.push(
              problem(path, '<redacted>', 'secret values are never written in a definition; declare the secret under "secrets" with "existing.secretName" or "generate"'),
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
            : problem(issue.path, value, issue.message.startsWith('Invalid input') ? `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}` : customFix(issue.message)),
        );
        break;
      case 'invalid_value': {
        const options = issue.values.map(String);
        const suggestion = typeof value === 'string' ? suggest(value, options) : undefined;
        problems.push(
          problem(issue.path, value, `use one of ${options.map((o) => `"${o}"`).join(', ')}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`),
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
        problems.push(problem(issue.path, value, issue.message.startsWith('Too big') ? `it must be at most ${issue.maximum}` : `it ${issue.message}`));
        break;
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
