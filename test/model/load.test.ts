import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDefinitionFile } from '../../lib/model';

// A consumer without the optional peer dependency typescript.
jest.mock('typescript', () => {
  throw Object.assign(new Error("Cannot find module 'typescript'"), { code: 'MODULE_NOT_FOUND' });
});

describe('loadDefinitionFile', () => {
  test('fails on a .ts definition without typescript, saying how to get it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-load-'));
    const file = path.join(dir, 'service.ts');
    fs.writeFileSync(file, 'export default {};\n');
    try {
      expect(() => loadDefinitionFile(file)).toThrow(
        `${file} is TypeScript; loading it needs the typescript package, an optional peer dependency of glidepath: run \`npm install --save-dev typescript\`, or write the definition as .yaml, .json or compiled .js`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
