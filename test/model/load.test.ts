import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDefinitionFile } from '../../lib/model';

const ROOT = path.resolve(__dirname, '..', '..');

// A consumer without the optional peer dependency typescript: .ts definitions are compiled by sucrase.
jest.mock('typescript', () => {
  throw Object.assign(new Error("Cannot find module 'typescript'"), { code: 'MODULE_NOT_FOUND' });
});

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-load-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadDefinitionFile', () => {
  test('an empty .ts module is validated like YAML (not waved through, not blamed on TypeScript)', () => {
    const file = path.join(dir, 'service.ts');
    fs.writeFileSync(file, 'export default {};\n');
    expect(() => loadDefinitionFile(file)).toThrow(
      `${file}: the definition has 4 problems:\n  - service is missing; it is required (a string)`,
    );
  });

  test('fails when a module exports nothing', () => {
    const file = path.join(dir, 'nothing.js');
    fs.writeFileSync(file, '// nothing\n');
    expect(() => loadDefinitionFile(file)).toThrow(`${file} exports no definition; export it as "default" or "definition"`);
  });
});

describe('the CLI under TypeScript 7 (no transpileModule)', () => {
  /** Runs the repository's CLI with `require('typescript')` answering as TypeScript 7 does (see the fixture). */
  const cli = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ['-r', path.join(__dirname, 'fixtures', 'typescript-7.js'), path.join(ROOT, 'bin', 'glidepath-bin.js'), ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

  test('loads the TypeScript example', () => {
    const result = cli('validate', 'examples/payments-api/definition.ts');
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('examples/payments-api/definition.ts: valid (payments-api: staging → prod)\n');
    expect(result.status).toBe(0);
  }, 60_000);

  test('fails when a .ts definition misses a comma: file:line:column, the fix, no stack trace', () => {
    const file = path.join(dir, 'comma.ts');
    fs.writeFileSync(
      file,
      `import { defineService } from ${JSON.stringify(path.join(ROOT, 'lib', 'model'))};\nexport default defineService({\n  service: "a"\n  owners: {},\n} as never);\n`,
    );
    const result = cli('validate', file);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${file}: the definition has 1 problem:\n  - (document) is not valid TypeScript: Unexpected token, expected ","; write the missing "," there (for a "," usually at the end of the line before), then check the file with \`npx tsc --noEmit\` (at ${file}:4:3)\n`,
    );
  }, 60_000);
});
