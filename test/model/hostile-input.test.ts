import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DefinitionError, loadDefinitionFile, MAX_DEFINITION_BYTES, validateDefinition } from '../../lib/model';

const ROOT = path.resolve(__dirname, '..', '..');
const CHECKOUT = fs.readFileSync(path.join(ROOT, 'examples', 'checkout', 'definition.yaml'), 'utf8');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-hostile-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes `content` to a file in the temporary directory and returns the error loading it raises. */
function refusal(name: string, content: string | Buffer): DefinitionError {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return errorOf(() => loadDefinitionFile(file));
}

function errorOf(load: () => unknown): DefinitionError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return error as DefinitionError;
  }
  throw new Error('it loaded');
}

/** The problems' messages, and checks every message names its file (in the header) and a field. */
function messages(error: DefinitionError, file: string): string[] {
  expect(error.message.startsWith(`${path.join(dir, file)}: the definition has`)).toBe(true);
  for (const p of error.problems) expect(p.path).not.toBe('');
  return error.problems.map((p) => p.message.replaceAll(`${dir}/`, ''));
}

describe('odd files are refused with the file and "(document)" named', () => {
  test.each([
    [
      'empty.yaml',
      '',
      '(document) is empty; write a definition: a mapping with "service", "owners", "workload" and "environments" (run `glidepath init` for a starter)',
    ],
    [
      'comments.yaml',
      '# only a comment\n',
      '(document) is empty (only comments or null); write a definition: a mapping with "service", "owners", "workload" and "environments" (run `glidepath init` for a starter)',
    ],
    [
      'null.json',
      'null',
      '(document) is empty (only comments or null); write a definition: a mapping with "service", "owners", "workload" and "environments" (run `glidepath init` for a starter)',
    ],
    [
      'list.yaml',
      '- a\n- b\n',
      '(document) is ["a","b"]; a definition is a mapping with "service", "owners", "workload" and "environments"',
    ],
    ['scalar.yaml', 'hello\n', '(document) is "hello"; a definition is a mapping with "service", "owners", "workload" and "environments"'],
    ['utf16.yaml', Buffer.from('\ufeffservice: x\n', 'utf16le'), '(document) is encoded as UTF-16; save the file as UTF-8'],
    [
      'latin1.yaml',
      Buffer.concat([Buffer.from('service: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
      '(document) has a byte that is not UTF-8 (0xe9) at line 1, column 13; save the file as UTF-8',
    ],
    [
      'deep.json',
      `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      '(document) is nested more than 512 levels deep; a definition is at most 32 levels deep',
    ],
    [
      'dup.json',
      '{"service": "a", "service": "b"}',
      'service is written twice in the same mapping (at line 1, column 2 and line 1, column 18); keep one: only one of the values would be used',
    ],
  ])('%s', (name, content, expected) => {
    expect(messages(refusal(name, content), name)).toEqual([expected]);
  });

  test('nesting 40 levels deep in YAML is refused at the field, not with a stack overflow', () => {
    const text = CHECKOUT.replace('    environment:\n', `    environment:\n      DEEP: ${'['.repeat(40)}${']'.repeat(40)}\n`);
    const found = messages(refusal('deep.yaml', text), 'deep.yaml');
    const line = text.split('\n').findIndex((l) => l.startsWith('      DEEP: ')) + 1;
    expect(found).toContain(
      `workload.container.environment.DEEP${'[0]'.repeat(28)} is nested more than 32 levels deep; a definition is at most 32 levels deep, so remove the extra nesting (at deep.yaml:${line}:41)`,
    );
    expect(found).toHaveLength(1);
  });

  test('a directory, a FIFO, /dev/zero and a file over 1 MiB are refused without being read', () => {
    const fifo = path.join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(errorOf(() => loadDefinitionFile(fifo)).problems[0].message).toBe(
      `${fifo} is not a regular file (a FIFO, socket or device); pass the definition file itself`,
    );
    expect(errorOf(() => loadDefinitionFile('/dev/zero')).problems[0].message).toBe(
      '/dev/zero is not a regular file (a FIFO, socket or device); pass the definition file itself',
    );
    expect(errorOf(() => loadDefinitionFile(dir)).problems[0].message).toBe(
      `${dir} is a directory; pass the definition file inside it (e.g. ${dir}/definition.yaml)`,
    );
    const big = path.join(dir, 'big.yaml');
    fs.writeFileSync(big, `description: ${'x'.repeat(20 * 1024 * 1024)}\n`);
    const started = Date.now();
    expect(errorOf(() => loadDefinitionFile(big)).problems[0].message).toMatch(
      new RegExp(`is \\d+ bytes; a definition is at most ${MAX_DEFINITION_BYTES} bytes \\(1 MiB\\)`),
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('100,000 keys in a map are refused quickly (linear), with one message', () => {
    const text = `{${Array.from({ length: 100_000 }, (_, i) => `"${i.toString(36)}":1`).join(',')}}`;
    const started = Date.now();
    expect(messages(refusal('wide.json', text), 'wide.json')).toEqual([
      '(document) has more than 40000 lines and entries; a definition is small (a large one has about 500), so this is not a definition',
    ]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('more values than a definition holds (25,000 keys) are refused after parsing, with one message', () => {
    const text = `{${Array.from({ length: 25_000 }, (_, i) => `"${i.toString(36)}":1`).join(',')}}`;
    expect(messages(refusal('wider.json', text), 'wider.json')).toEqual([
      '(document) holds more than 20000 values; a definition is small (a large one holds about 500), so this is not a definition',
    ]);
  });
});

describe('values are quoted as written, with where they are written', () => {
  test('.nan and 1e309 are not "null"', () => {
    const text = CHECKOUT.replace('port: 8080', 'port: .nan').replace('cpu: 512', 'cpu: 1e309');
    const at = (needle: string) => {
      const lines = text.split('\n');
      const line = lines.findIndex((l) => l.includes(needle));
      return `nan.yaml:${line + 1}:${lines[line].indexOf(needle) + 1}`;
    };
    expect(messages(refusal('nan.yaml', text), 'nan.yaml')).toEqual([
      `workload.container.port is .nan; expected a number (at ${at('port: .nan')})`,
      `workload.container.cpu is 1e309; expected a number (at ${at('cpu: 1e309')})`,
    ]);
  });

  test('JSON: 1e309 quoted as written', () => {
    const json = JSON.parse(JSON.stringify(require('yaml').parse(CHECKOUT)));
    json.workload.container.port = 12345;
    const text = JSON.stringify(json, null, 2).replace('"port": 12345', '"port": 1e309');
    expect(messages(refusal('big-number.json', text), 'big-number.json')[0]).toMatch(
      /^workload\.container\.port is 1e309; expected a number \(at big-number\.json:\d+:\d+\)$/,
    );
  });
});

describe('no follow-on noise', () => {
  test('a mistake inside "prod" does not also report the references to "prod"', () => {
    const text = CHECKOUT.replace('strategy: blue-green', 'strategy: blue-grn');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('strategy: blue-grn'));
    const column = lines[line].indexOf('strategy') + 1;
    expect(messages(refusal('noise.yaml', text), 'noise.yaml')).toEqual([
      `environments[2].rollout.strategy is "blue-grn"; use one of "blue-green", "canary", "linear", "rolling", "all-at-once" (did you mean "blue-green"?) (at noise.yaml:${line + 1}:${column})`,
    ]);
  });
});

describe('floods are capped', () => {
  test('15,000 unknown keys: the first ten, then "and N more of the same kind", in a bounded message', () => {
    const input: Record<string, unknown> = require('yaml').parse(CHECKOUT);
    for (let i = 0; i < 15_000; i++) input[`unknown${i}`] = 1;
    const error = errorOf(() => validateDefinition(input, { source: 'flood.yaml' }));
    expect(error.problems).toHaveLength(15_000);
    expect(error.message.split('\n')).toHaveLength(1 + 10 + 1);
    expect(error.message).toContain('  - and 14990 more of the same kind as unknown0');
    expect(error.message.length).toBeLessThan(10_000);
  });
});

describe('TypeScript and JavaScript definitions that misbehave', () => {
  test.each([
    [
      'throws.js',
      'throw new Error("boom");',
      ['(document) could not be loaded: boom; fix the error in NAME (run it with node to see where)'],
    ],
    [
      'syntax.js',
      'module.exports = {',
      ['(document) could not be loaded: Unexpected end of input; fix the error in NAME (run it with node to see where)'],
    ],
    [
      'cycle.js',
      'const d = { service: "a" }; d.self = d; exports.definition = d;',
      ['self is "<cycle>"; it contains itself (a cycle); a definition must be a tree of plain data'],
    ],
    [
      'bigint.js',
      'exports.definition = { service: 10n };',
      ['service is 10n; a BigInt cannot be written to a template; use a plain number'],
    ],
    [
      'proxy.js',
      'exports.definition = new Proxy({}, { ownKeys() { throw new Error("trap"); } });',
      ['(document) is "<unreadable>"; reading it failed (trap); a definition must be plain data, without getters or proxies that throw'],
    ],
    [
      'getter.js',
      'exports.definition = { get service() { throw new Error("getter"); } };',
      ['service is "<unreadable>"; reading it failed (getter); a definition must be plain data, without getters or proxies that throw'],
    ],
  ])('%s', (name, source, expected: string[]) => {
    const found = messages(refusal(name, source), name);
    expected = expected.map((m) => m.replace('NAME', name));
    // The first problem is the root one; "missing" for a field that could not be read is not reported.
    expect(found.slice(0, expected.length)).toEqual(expected);
    expect(found.filter((m) => m.startsWith('service is missing'))).toEqual([]);
  });
});

describe('accepted-but-wrong values are refused', () => {
  const definition = (): any => require('yaml').parse(CHECKOUT);
  const problemsOf = (input: unknown) => errorOf(() => validateDefinition(input)).problems.map((p) => p.message);

  test('__proto__, constructor and prototype keys are refused, and nothing is polluted', () => {
    const input = JSON.parse(
      '{"__proto__": {"polluted": 1}, "workload": {"container": {"environment": {"__proto__": {"polluted": 2}, "constructor": "x"}}}}',
    );
    const found = problemsOf(input);
    expect(found).toContain('__proto__ is a key JavaScript reserves for prototypes; rename or remove it');
    expect(found).toContain('workload.container.environment.__proto__ is a key JavaScript reserves for prototypes; rename or remove it');
    expect(found).toContain('workload.container.environment.constructor is a key JavaScript reserves for prototypes; rename or remove it');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  test.each([
    [
      'a description over 1,024 bytes',
      (d: any) => (d.description = 'é'.repeat(600)),
      `description is "${'é'.repeat(56)}...; it is 1200 bytes long; CloudFormation caps a description at 1024 bytes, so keep it to one line`,
    ],
    [
      'an image without a tag or digest',
      (d: any) => (d.workload.container.image = 'public.ecr.aws/acme/checkout'),
      'workload.container.image is "public.ecr.aws/acme/checkout"; it has no tag or digest, so it means "public.ecr.aws/acme/checkout:latest", which changes under you and a rollback cannot return to; pin it, e.g. "public.ecr.aws/acme/checkout:1.0.0" or "public.ecr.aws/acme/checkout@sha256:…"',
    ],
    [
      'an upper-case repository',
      (d: any) => (d.workload.container.image = 'public.ecr.aws/Acme/checkout:1.0.0'),
      'workload.container.image is "public.ecr.aws/Acme/checkout:1.0.0"; the repository "Acme/checkout" has upper-case letters; repository names are lower-case',
    ],
    [
      'an environment variable name with "="',
      (d: any) => (d.workload.container.environment['A=B'] = 'x'),
      'workload.container.environment.A=B is "A=B"; it is not an environment variable name; use letters, digits and underscores, starting with a letter or underscore, e.g. "LOG_LEVEL"',
    ],
    [
      'a URL with a space',
      (d: any) => (d.delivery.reviewUrl = 'https://github.com/acme/checkout/releases tab'),
      'delivery.reviewUrl is "https://github.com/acme/checkout/releases tab"; it must not contain spaces; write a space in a URL as "%20"',
    ],
  ])('%s', (_what, mutate, expected) => {
    const d = definition();
    mutate(d);
    expect(problemsOf(d)).toEqual([expected]);
  });

  test('a digest-pinned image and a registry with a port validate', () => {
    const d = definition();
    d.workload.container.image = `localhost:5000/acme/checkout@sha256:${'a'.repeat(64)}`;
    expect(() => validateDefinition(d)).not.toThrow();
  });

  test('a lone surrogate in a TypeScript string is refused (it cannot be written as UTF-8)', () => {
    const d = definition();
    d.description = 'bad \ud800 text';
    expect(problemsOf(d)).toEqual([
      'description is "bad \ufffd text"; it contains a lone UTF-16 surrogate, which is not valid Unicode and cannot be written as UTF-8; fix the text',
    ]);
  });
});

describe('issue 30: refused by validation, never a stack trace from a target', () => {
  const definition = (): any => require('yaml').parse(CHECKOUT);
  const problemsOf = (input: unknown, baseDirectory?: string) =>
    errorOf(() => validateDefinition(input, { baseDirectory })).problems.map((p) => p.message);
  /** A function workload whose code directory is `code`, relative to `dir`. */
  const fn = (code: string, timeout = '10s'): any => {
    const d = definition();
    d.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code, timeout } };
    d.environments.forEach((e: any) => {
      e.rollout = { strategy: 'canary' };
      delete e.capacity;
      delete e.tls;
    });
    delete d.migrations;
    return d;
  };

  test('fails when healthCheckPath is over 1,024 characters (the load balancer limit; CloudFormation refused 2,000 with a stack trace)', () => {
    const d = definition();
    d.workload.container.healthCheckPath = `/${'a'.repeat(1999)}`;
    expect(problemsOf(d)).toEqual([
      `workload.container.healthCheckPath is "/${'a'.repeat(55)}...; it is longer than 1024 characters, which the AWS load balancer's health check refuses; use a short path such as "/healthz"`,
    ]);
    d.workload.container.healthCheckPath = `/${'a'.repeat(1023)}`;
    expect(() => validateDefinition(d)).not.toThrow();
  });

  test.each([['1d'], ['0s'], ['901s'], ['1.5s']])('fails when a Lambda timeout is %s (Lambda runs 1 to 900 whole seconds)', (timeout) => {
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    expect(problemsOf(fn('src', timeout), dir)).toEqual([
      `workload.function.timeout is "${timeout === '901s' ? '15m1s' : timeout}"; Lambda runs a function for a whole number of seconds from "1s" to "15m"; use a value in that range (longer work belongs in a container workload or a queue)`,
    ]);
  });

  test('a Lambda timeout of 15m validates', () => {
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    expect(() => validateDefinition(fn('src', '15m'), { baseDirectory: dir })).not.toThrow();
  });

  test('fails when a bake or deadMansSwitch.missingFor is a 400-digit number of seconds, naming the field', () => {
    const d = definition();
    const huge = `${'9'.repeat(400)}s`;
    d.environments[0].rollout = { strategy: 'canary', stages: [{ name: 'all', trafficPercent: 100, bake: huge }] };
    d.deadMansSwitch = { ...(d.deadMansSwitch ?? {}), missingFor: huge };
    const found = problemsOf(d);
    const fix = 'it is longer than any duration a definition needs (at most "3650d"); write a shorter one, e.g. "30m"';
    expect(found).toContain(`environments[0].rollout.stages[0].bake is "${'9'.repeat(56)}...; ${fix}`);
    expect(found).toContain(`deadMansSwitch.missingFor is "${'9'.repeat(56)}...; ${fix}`);
  });

  test('fails when the function code directory does not exist, is a file, is the filesystem root or above the definition', () => {
    const base = path.join(dir, 'service');
    fs.mkdirSync(path.join(base, 'handler.js'), { recursive: true });
    fs.rmSync(path.join(base, 'handler.js'), { recursive: true });
    fs.writeFileSync(path.join(base, 'handler.js'), '');
    const depth = base.split(path.sep).length;
    expect(problemsOf(fn('lambda'), base)).toEqual([
      `workload.function.code is "lambda"; ${base}/lambda does not exist; point "code" at the directory holding the function's code, relative to the definition (${base})`,
    ]);
    expect(problemsOf(fn('handler.js'), base)).toEqual([
      `workload.function.code is "handler.js"; ${base}/handler.js is a file; point "code" at the directory holding it (the whole directory is packaged as the function)`,
    ]);
    const root = '../'.repeat(depth + 2);
    expect(problemsOf(fn(root), base)).toEqual([
      `workload.function.code is ${root.length > 59 ? `"${root.slice(0, 56)}...` : `"${root}"`}; it resolves to /, which is the filesystem root; the whole directory is packaged as the function, so point "code" at the directory holding only the function's code, e.g. "src"`,
    ]);
    expect(problemsOf(fn('..'), base)).toEqual([
      `workload.function.code is ".."; it resolves to ${dir}, which holds the definition's directory (${base}); the whole directory is packaged as the function, so point "code" at the directory holding only the function's code, e.g. "src"`,
    ]);
    // The definition's own directory is fine: a folder holding a handler and its definition.
    expect(() => validateDefinition(fn('.'), { baseDirectory: base })).not.toThrow();
  });

  test('fails when a .js module exports an object that only looks validated (baseDirectory, rollbackBudgets): every field is named', () => {
    const found = messages(
      refusal('looks-valid.js', 'module.exports = { baseDirectory: "/", rollbackBudgets: {}, environments: { map: 1 } };'),
      'looks-valid.js',
    );
    expect(found).toContain(
      'baseDirectory is not a known field; known fields here: ' +
        found.find((m) => m.startsWith('baseDirectory'))!.split('known fields here: ')[1],
    );
    expect(found).toContain('environments is {"map":1}; expected a list');
    expect(found).toContain('service is missing; it is required (a string)');
  });

  test('a defineService() result is validated again from its input, with the file named', () => {
    const file = path.join(dir, 'defined.ts');
    const model = path.join(ROOT, 'lib', 'model');
    fs.writeFileSync(
      file,
      `import { defineService } from ${JSON.stringify(model)};\nimport * as fs from 'node:fs';\nconst { parse } = require(${JSON.stringify(require.resolve('yaml'))});\nexport default defineService(parse(fs.readFileSync(${JSON.stringify(path.join(ROOT, 'examples', 'checkout', 'definition.yaml'))}, 'utf8')));\n`,
    );
    expect(loadDefinitionFile(file).service).toBe('checkout');
  });

  test('fails when a .ts definition misses a comma (tsc rejects it): the file, line and column, and the fix', () => {
    const text = 'export default {\n  service: "a"\n  owners: {},\n};\n';
    expect(messages(refusal('comma.ts', text), 'comma.ts')).toEqual([
      '(document) is not valid TypeScript: Unexpected token, expected ","; write the missing "," there (for a "," usually at the end of the line before), then check the file with `npx tsc --noEmit` (at comma.ts:3:3)',
    ]);
  });
});

describe('YAML indentation mistakes point at the line to fix, with the fix', () => {
  /** The checkout example with line `line` (1-based) re-indented by `change` spaces (or a tab when "tab"). */
  const reindented = (needle: string, change: number | 'tab') => {
    const lines = CHECKOUT.split('\n');
    const at = lines.findIndex((l) => l.trimStart().startsWith(needle));
    lines[at] =
      change === 'tab' ? `\t${lines[at].trimStart()}` : change > 0 ? `${' '.repeat(change)}${lines[at]}` : lines[at].slice(-change);
    return { text: lines.join('\n'), line: at + 1 };
  };

  test('fails when a key is one space too deep (the parser blames the line before)', () => {
    const { text, line } = reindented('port: 8080', 1);
    expect(messages(refusal('deep-key.yaml', text), 'deep-key.yaml')).toEqual([
      `(document) is not valid YAML: "port" at line ${line}, column 6 is indented 5 spaces, which lines up with no key above it; YAML nests by indentation, so indent it by 4 to line up with "image" (line ${line - 1})`,
    ]);
  });

  test('fails when a key is one space short (the parser says column 1)', () => {
    const { text, line } = reindented('port: 8080', -1);
    expect(messages(refusal('short-key.yaml', text), 'short-key.yaml')).toEqual([
      `(document) is not valid YAML: "port" at line ${line}, column 4 is indented 3 spaces, which lines up with no key above it; YAML nests by indentation, so indent it by 4 to line up with "image" (line ${line - 1}), or by 2 to line up with "container" (line ${line - 2})`,
    ]);
  });

  test('fails when a line is indented with a tab', () => {
    const { text, line } = reindented('port: 8080', 'tab');
    expect(messages(refusal('tab.yaml', text), 'tab.yaml')).toEqual([
      `(document) is not valid YAML: line ${line} is indented with a tab; YAML indents with spaces only: replace the tab with spaces (at line ${line}, column 1)`,
    ]);
  });
});

describe('a Duration from another copy of glidepath', () => {
  const definition = (): any => require('yaml').parse(CHECKOUT);
  /** What another copy's Duration looks like: its own class, named Duration, with toSeconds(). */
  class Duration {
    constructor(private readonly seconds: () => number) {}
    toSeconds(): number {
      return this.seconds();
    }
  }

  test("is read by its seconds (a definition importing the project's glidepath, read by a CLI installed elsewhere)", () => {
    const d = definition();
    d.rollbackBudgets.code = new Duration(() => 1200);
    expect(validateDefinition(d).rollbackBudgets.code.toString()).toBe('20m');
  });

  test('fails when its toSeconds() throws, naming the field', () => {
    const d = definition();
    d.rollbackBudgets.code = new Duration(() => {
      throw new Error('token');
    });
    expect(errorOf(() => validateDefinition(d)).problems.map((p) => p.message)).toEqual([
      'rollbackBudgets.code is "<unreadable>"; reading it failed (token); a definition must be plain data, without getters or proxies that throw',
    ]);
  });
});
