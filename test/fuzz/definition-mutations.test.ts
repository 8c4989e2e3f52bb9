/**
 * Property-based fuzzing of definition validation: every example, mutated at a random field with
 * an operator that always makes it invalid, must be refused with a `DefinitionError` that names
 * the file and the field, quotes the value as written, carries no stack trace and no follow-on
 * noise, stays small and comes quickly. Seeded; `GLIDEPATH_FUZZ_RUNS` and `GLIDEPATH_FUZZ_SEED`
 * run it longer or differently.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { main } from '../../bin/cli';
import { DefinitionError, Duration, formatPath, loadDefinitionFile, validateDefinition } from '../../lib/model';
import * as validate from '../../lib/model/validate';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNS = Number(process.env.GLIDEPATH_FUZZ_RUNS ?? 150);
const SEED = Number(process.env.GLIDEPATH_FUZZ_SEED ?? 19);
/** Longest acceptable message, and slowest acceptable validation. */
const MAX_MESSAGE_CHARS = 20_000;
const MAX_MS = 2_000;

type Path = readonly (string | number)[];
type Json = unknown;

/** The TypeScript example's input, as handed to defineService (captured, then validated as usual). */
function typescriptExampleInput(): Json {
  let captured: unknown;
  const spy = jest.spyOn(validate, 'defineService').mockImplementation((input, options) => {
    captured = input;
    return validate.validateDefinition(input, options);
  });
  try {
    require('../../examples/payments-api/definition');
  } finally {
    spy.mockRestore();
  }
  expect(captured).toBeDefined();
  return captured;
}

/** The module is required (and its input captured) once; later calls return the same capture. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

const EXAMPLES: { readonly name: string; readonly yaml: boolean; readonly input: () => Json }[] = [
  {
    name: 'examples/checkout/definition.yaml',
    yaml: true,
    input: () => parseYaml(fs.readFileSync(path.join(ROOT, 'examples/checkout/definition.yaml'), 'utf8')),
  },
  {
    name: 'examples/storefront-web/definition.yaml',
    yaml: true,
    input: () => parseYaml(fs.readFileSync(path.join(ROOT, 'examples/storefront-web/definition.yaml'), 'utf8')),
  },
  { name: 'examples/payments-api/definition.ts', yaml: false, input: once(typescriptExampleInput) },
];

/** Deep copy that keeps `Duration` instances (the TypeScript example uses them). */
function clone(value: Json): Json {
  if (Array.isArray(value)) return value.map(clone);
  if (value !== null && typeof value === 'object' && !(value instanceof Duration)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  }
  return value;
}

/** Every path in the input: objects, lists and leaves (a Duration is a leaf). */
function pathsOf(value: Json, at: Path = []): Path[] {
  const out: Path[] = at.length > 0 ? [at] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (value !== null && typeof value === 'object' && !(value instanceof Duration)) {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  }
  return out;
}

function parentOf(root: Json, at: Path): Record<string | number, Json> {
  return at.slice(0, -1).reduce<any>((node, key) => node[key], root);
}

/** Values no field accepts as they are placed: each is the wrong type for what it replaces. */
function wrongValues(current: Json): Json[] {
  if (typeof current === 'string' || current instanceof Duration) return [42, NaN, Infinity, -Infinity, true, null, [], { a: 1 }, 1e300];
  if (typeof current === 'number') return ['12', 'x', NaN, Infinity, -Infinity, true, null, [], { a: 1 }];
  if (typeof current === 'boolean') return ['yes', 1, NaN, null, [], { a: 1 }];
  if (Array.isArray(current)) return ['x', 42, true, NaN, { a: 1 }];
  return ['x', 42, true, NaN, ['x']];
}

/** A mutation that always makes a valid definition invalid, and the field it touches. */
interface Mutation {
  readonly describe: string;
  readonly field: Path;
  /** The value placed, when the mutation placed one (for checking how it is quoted). */
  readonly placed?: { readonly value: Json };
}

function mutate(root: Json, at: Path, operator: number, pick: number): Mutation {
  const parent = parentOf(root, at);
  const key = at[at.length - 1];
  const current = parent[key];
  switch (operator) {
    case 0: {
      // The wrong type (including NaN, Infinity, null) in place of the value.
      const values = wrongValues(current);
      const value = values[pick % values.length];
      parent[key] = value;
      return { describe: `${formatPath(at)} = ${String(value)}`, field: at, placed: { value } };
    }
    case 1: {
      // A key with a space in it: unknown in an object, invalid in every record (env vars, headers, roles).
      if (typeof key === 'number') return mutate(root, at, 0, pick);
      const renamed = `${key.slice(0, 1)} ${key.slice(1)}`;
      const entries = Object.entries(parent).map(([k, v]) => (k === key ? [renamed, v] : [k, v]));
      for (const k of Object.keys(parent)) delete parent[k];
      Object.assign(parent, Object.fromEntries(entries));
      return { describe: `rename ${formatPath(at)} to "${renamed}"`, field: [...at.slice(0, -1), renamed] };
    }
    case 2: {
      // A hostile string: a lone surrogate (not Unicode), or a prototype key beside the field.
      if (pick % 2 === 0 && typeof current === 'string') {
        parent[key] = `${current}\ud800`;
        return { describe: `${formatPath(at)} gets a lone surrogate`, field: at };
      }
      if (Array.isArray(parent)) return mutate(root, at, 0, pick);
      Object.defineProperty(parent, '__proto__', { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
      return { describe: `__proto__ beside ${formatPath(at)}`, field: [...at.slice(0, -1), '__proto__'] };
    }
    default: {
      // Nesting far deeper than any definition.
      let deep: Json = 'x';
      for (let i = 0; i < 40 + (pick % 50); i++) deep = [deep];
      parent[key] = deep;
      return { describe: `${formatPath(at)} nested deeply`, field: at };
    }
  }
}

/** Whether one formatted path is the other or lies inside it. */
function related(a: string, b: string): boolean {
  const inside = (x: string, y: string) => x === y || x.startsWith(`${y}.`) || x.startsWith(`${y}[`);
  return inside(a, b) || inside(b, a) || a === '(document)' || b === '';
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-fuzz-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Validates the mutated input as its example would be read: YAML through a file, TypeScript in-process. */
function refuse(example: (typeof EXAMPLES)[number], input: Json): DefinitionError {
  const started = Date.now();
  let error: unknown;
  try {
    if (example.yaml) {
      const file = path.join(dir, path.basename(path.dirname(example.name)) + '.yaml');
      fs.writeFileSync(file, stringifyYaml(input));
      loadDefinitionFile(file);
    } else {
      validateDefinition(input, { source: example.name, baseDirectory: path.join(ROOT, path.dirname(example.name)) });
    }
  } catch (caught) {
    error = caught;
  }
  expect(Date.now() - started).toBeLessThan(MAX_MS);
  if (!(error instanceof DefinitionError)) {
    throw new Error(
      `expected a DefinitionError, got ${error === undefined ? 'a valid definition' : String((error as Error)?.stack ?? error)}`,
    );
  }
  return error;
}

describe.each(EXAMPLES)('fuzzed mutations of $name', (example) => {
  const original = example.input();
  const paths = pathsOf(original);

  test(`every mutation is refused cleanly (${RUNS} runs, seed ${SEED})`, () => {
    expect(() => validateDefinition(clone(original), { baseDirectory: path.join(ROOT, path.dirname(example.name)) })).not.toThrow();
    fc.assert(
      fc.property(fc.nat(paths.length - 1), fc.nat(3), fc.nat(1000), (index, operator, pick) => {
        const input = clone(original);
        const mutation = mutate(input, paths[index], operator, pick);
        const error = refuse(example, input);
        const field = formatPath(mutation.field);
        const context = `${mutation.describe}:\n${error.message}`;
        // The file, the field, and no stack trace, in a bounded message.
        expect(error.message.startsWith(example.yaml ? `${dir}/` : `${example.name}: `)).toBe(true);
        expect(error.message).not.toMatch(/\n\s+at \S+ \(/);
        expect(error.message.length).toBeLessThan(MAX_MESSAGE_CHARS);
        for (const p of error.problems) {
          if (!p.message.startsWith(p.path)) throw new Error(`a message does not start with its field (${p.path}): ${context}`);
        }
        if (!error.problems.some((p) => related(p.path, field))) throw new Error(`no problem names ${field}: ${context}`);
        // The value as written: never "null" for a number that is not null, NaN and Infinity as YAML or JavaScript spell them.
        if (mutation.placed && typeof mutation.placed.value === 'number' && !Number.isFinite(mutation.placed.value)) {
          const atField = error.problems.find((p) => p.path === field);
          if (atField) {
            const spelled = example.yaml ? stringifyYaml(mutation.placed.value).trim() : String(mutation.placed.value);
            if (!atField.message.startsWith(`${field} is ${spelled};`)) throw new Error(`${field} is not quoted as ${spelled}: ${context}`);
          }
        }
        // No follow-on noise: a reference to an environment that exists is not a problem of its own.
        const touchesNames = /^environments(\[\d+\])?(\.name)?$|^delivery/.test(field);
        if (!touchesNames && error.problems.some((p) => p.message.includes('no environment has this name')))
          throw new Error(`follow-on noise: ${context}`);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});

/** Values issue 30 found accepted by validation and refused by a target with a stack trace or an unnamed message. */
const TARGET_REFUSALS: readonly { readonly field: Path; readonly value: Json; readonly example: string }[] = [
  { example: 'examples/checkout/definition.yaml', field: ['workload', 'container', 'healthCheckPath'], value: `/${'h'.repeat(1999)}` },
  {
    example: 'examples/storefront-web/definition.yaml',
    field: ['workload', 'container', 'healthCheckPath'],
    value: `/${'h'.repeat(1024)}`,
  },
  { example: 'examples/payments-api/definition.ts', field: ['workload', 'function', 'timeout'], value: '1d' },
  { example: 'examples/payments-api/definition.ts', field: ['workload', 'function', 'timeout'], value: '0s' },
  { example: 'examples/payments-api/definition.ts', field: ['workload', 'function', 'code'], value: 'no-such-directory' },
  { example: 'examples/payments-api/definition.ts', field: ['workload', 'function', 'code'], value: '../'.repeat(40) },
  { example: 'examples/checkout/definition.yaml', field: ['deadMansSwitch', 'missingFor'], value: `${'7'.repeat(400)}s` },
  {
    example: 'examples/checkout/definition.yaml',
    field: ['environments', 0, 'rollout', 'stages', 0, 'bake'],
    value: `${'7'.repeat(400)}m`,
  },
];

describe('values a target used to refuse with a stack trace (issue 30)', () => {
  test.each(TARGET_REFUSALS.map((c) => [formatPath(c.field), c.example, c] as const))('%s in %s', (_field, _example, c) => {
    const example = EXAMPLES.find((e) => e.name === c.example)!;
    const input: any = clone(example.input());
    if (c.field[c.field.length - 1] === 'bake')
      input.environments[0].rollout = { strategy: 'canary', stages: [{ name: 'all', trafficPercent: 100, bake: '5m' }] };
    if (c.field[0] === 'deadMansSwitch') input.deadMansSwitch = { ...(input.deadMansSwitch ?? {}) };
    parentOf(input, c.field)[c.field[c.field.length - 1]] = c.value;
    const error = refuse(example, input);
    expect(error.message).not.toMatch(/\n\s+at \S+ \(/);
    expect(error.problems.map((p) => p.path)).toContain(formatPath(c.field));
  });
});

describe('through the CLI', () => {
  test('in a real process: a definition that throws exits 1 with one line naming the file, no stack trace', () => {
    const file = path.join(dir, 'throws.js');
    fs.writeFileSync(file, 'throw new TypeError("boom at load");\n');
    const result = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'bin', 'glidepath.ts'), 'validate', file],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${file}: the definition has 1 problem:\n  - (document) could not be loaded: boom at load; fix the error in ${file} (run it with node to see where)\n`,
    );
  }, 60_000);

  test('a mutated definition exits 1 and leaves the output directory untouched', async () => {
    const input: any = parseYaml(fs.readFileSync(path.join(ROOT, 'examples/checkout/definition.yaml'), 'utf8'));
    input.environments[2].rollout.strategy = 'blue-grn';
    input.workload.container.port = NaN;
    const file = path.join(dir, 'cli.yaml');
    fs.writeFileSync(file, stringifyYaml(input));
    const out = path.join(dir, 'out');
    fs.mkdirSync(path.join(out, 'aws'), { recursive: true });
    fs.writeFileSync(path.join(out, 'aws', 'previous.json'), '{}');
    const err: string[] = [];
    for (const argv of [
      ['validate', file],
      ['synth', file, '--out', out],
      ['runbook', file, '--env', 'prod', '--output', path.join(out, 'runbook.md')],
    ]) {
      expect(await main(argv, { out: () => undefined, err: (t) => err.push(t) })).toBe(1);
    }
    expect(fs.readdirSync(out)).toEqual(['aws']);
    expect(fs.readdirSync(path.join(out, 'aws'))).toEqual(['previous.json']);
    const text = err.join('');
    expect(text).toContain('workload.container.port is .nan; expected a number');
    expect(text).not.toContain('no environment has this name');
    expect(text).not.toMatch(/\n\s+at /);
  });
});
