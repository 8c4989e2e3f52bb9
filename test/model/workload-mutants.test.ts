/**
 * A function's timeout and code directory (lib/model/validate/workload.ts), through
 * `validateDefinition`, on definitions and directories made in each test. Lambda's timeout is 1 to
 * 900 whole seconds
 * (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-Timeout);
 * the errno codes are POSIX's (ENOENT, ENOTDIR, ENAMETOOLONG: a path component over NAME_MAX, 255 bytes on Linux).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateDefinition } from '../../lib/model';
import { baseDefinition, problemsOf } from './support-definition';

const TIMEOUT_FIX =
  'Lambda runs a function for a whole number of seconds from "1s" to "15m"; use a value in that range (longer work belongs in a container workload or a queue)';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-workload-mutants-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function fn(code: string, timeout?: string): any {
  const d = baseDefinition();
  d.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code, ...(timeout ? { timeout } : {}) } };
  return d;
}

/** The problems of `def` when its definition lives in `base`. */
function problemsIn(def: unknown, base: string): string[] {
  try {
    validateDefinition(def, { baseDirectory: base });
    return [];
  } catch (err) {
    return (err as { problems: { message: string }[] }).problems.map((p) => p.message);
  }
}

describe('function timeout: 1 to 900 whole seconds', () => {
  test.each([['1s'], ['900s'], ['15m'], ['30s']])('%s is accepted', (timeout) => {
    expect(problemsOf(fn('.', timeout))).toEqual([]);
  });

  test.each([
    ['0.5s', '0.5s'],
    ['1.5s', '1.5s'],
    ['899.5s', '14m59.5s'],
    ['901s', '15m1s'],
  ])('%s is refused', (timeout, written) => {
    expect(problemsOf(fn('.', timeout))).toEqual([`workload.function.timeout is "${written}"; ${TIMEOUT_FIX}`]);
  });
});

describe('function code directory', () => {
  test('not checked without the definition directory (a definition given as data)', () => {
    expect(problemsOf(fn('does-not-exist'))).toEqual([]);
  });

  test('a subdirectory, the definition directory and a sibling directory are accepted', () => {
    const base = path.join(dir, 'service');
    fs.mkdirSync(path.join(base, 'src'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'shared-code'));
    expect(problemsIn(fn('src'), base)).toEqual([]);
    expect(problemsIn(fn('.'), base)).toEqual([]);
    // `relative` from the sibling to the definition is "../service": not above it.
    expect(problemsIn(fn('../shared-code'), base)).toEqual([]);
  });

  test('a path through a file (ENOTDIR) does not exist', () => {
    fs.writeFileSync(path.join(dir, 'handler.js'), '');
    expect(problemsIn(fn('handler.js/src'), dir)).toEqual([
      `workload.function.code is "handler.js/src"; ${dir}/handler.js/src does not exist; point "code" at the directory holding the function's code, relative to the definition (${dir})`,
    ]);
  });

  test('a name longer than 255 bytes (ENAMETOOLONG) cannot be read, and says why', () => {
    const long = 'a'.repeat(256);
    expect(problemsIn(fn(long), dir)).toEqual([
      `workload.function.code is "${'a'.repeat(56)}...; ${dir}/${long} cannot be read (ENAMETOOLONG); point "code" at a directory the deploying user can read`,
    ]);
  });

  test('a directory two levels above the definition holds it too', () => {
    const base = path.join(dir, 'a', 'b');
    fs.mkdirSync(base, { recursive: true });
    expect(problemsIn(fn('../..'), base)).toEqual([
      `workload.function.code is "../.."; it resolves to ${dir}, which holds the definition's directory (${base}); the whole directory is packaged as the function, so point "code" at the directory holding only the function's code, e.g. "src"`,
    ]);
  });
});
