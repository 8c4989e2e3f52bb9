import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DefinitionError } from './problems';
import type { ServiceDefinition } from './service-definition';
import { validateDefinition } from './validate';

/**
 * Loads and validates a definition file: `.yaml`/`.yml`, `.json`, or `.ts`/`.js` exporting the
 * definition (default export or `definition`). Relative paths inside resolve against the file's
 * directory.
 */
export function loadDefinitionFile(file: string): ServiceDefinition {
  const absolute = path.resolve(file);
  if (!fs.existsSync(absolute)) {
    throw new DefinitionError([{ path: '(file)', message: `${file} does not exist` }]);
  }
  const baseDirectory = path.dirname(absolute);
  const ext = path.extname(absolute).toLowerCase();
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') {
    const text = fs.readFileSync(absolute, 'utf8');
    let raw: unknown;
    try {
      raw = ext === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
    } catch (err) {
      throw new DefinitionError([{ path: '(file)', message: `${file} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}` }]);
    }
    return validateDefinition(raw, { source: file, baseDirectory });
  }
  if (ext === '.ts' || ext === '.js') {
    if (ext === '.ts') {
      registerTypeScript(file);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(absolute) as Record<string, unknown>;
    const exported = mod.default ?? mod.definition;
    if (exported === undefined) {
      throw new DefinitionError([{ path: '(file)', message: `${file} exports no definition; export it as "default" or "definition"` }]);
    }
    // Already validated by defineService(), or a plain object still to validate.
    return isValidated(exported) ? exported : validateDefinition(exported, { source: file, baseDirectory });
  }
  throw new DefinitionError([{ path: '(file)', message: `${file} has extension "${ext}"; use .yaml, .yml, .json or .ts` }]);
}

function isValidated(value: unknown): value is ServiceDefinition {
  return typeof value === 'object' && value !== null && 'baseDirectory' in value && 'rollbackBudgets' in value;
}

let tsRegistered = false;
function registerTypeScript(file: string): void {
  if (tsRegistered || require.extensions['.ts']) {
    return;
  }
  let tsNode: { register(options: object): unknown };
  try {
    // An optional peer dependency of the package: only .ts definitions need it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tsNode = require('ts-node');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') {
      throw error;
    }
    throw new DefinitionError([
      {
        path: '(file)',
        message: `${file} is TypeScript; loading it needs ts-node, an optional peer dependency of glidepath: run \`npm install --save-dev ts-node typescript\`, or write the definition as .yaml, .json or compiled .js`,
      },
    ]);
  }
  tsNode.register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
  tsRegistered = true;
}
