import * as fs from 'node:fs';
import * as path from 'node:path';
import { DefinitionError } from './problems';
import { DOCUMENT, firstLine } from './private/plain-data';
import { decodeUtf8, parseSource, SourceFormat } from './private/source-document';
import type { ServiceDefinition } from './service-definition';
import { validateDefinition } from './validate';

/** Largest definition file read; a large real definition is about 10 KB. */
export const MAX_DEFINITION_BYTES = 1024 * 1024;

/**
 * Loads and validates a definition file: `.yaml`/`.yml`, `.json`, or `.ts`/`.js` exporting the
 * definition (default export or `definition`). Relative paths inside resolve against the file's
 * directory. Every failure is a `DefinitionError` naming the file, and the field where there is one
 * (`(document)` for the whole file): files that are not regular files (directories, FIFOs, devices)
 * and files over `MAX_DEFINITION_BYTES` are refused before they are read.
 */
export function loadDefinitionFile(file: string): ServiceDefinition {
  const absolute = path.resolve(file);
  const fail = (message: string, where = '(file)'): never => {
    throw new DefinitionError([{ path: where, message }], file);
  };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? fail(`${file} does not exist`)
      : fail(`${file} cannot be read (${code ?? firstLine(error)})`);
  }
  if (stat.isDirectory()) {
    fail(`${file} is a directory; pass the definition file inside it (e.g. ${path.join(file, 'definition.yaml')})`);
  }
  if (!stat.isFile()) {
    fail(`${file} is not a regular file (a FIFO, socket or device); pass the definition file itself`);
  }
  if (stat.size > MAX_DEFINITION_BYTES) {
    fail(`${file} is ${stat.size} bytes; a definition is at most ${MAX_DEFINITION_BYTES} bytes (1 MiB), so this is not one`);
  }
  const baseDirectory = path.dirname(absolute);
  const ext = path.extname(absolute).toLowerCase();
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(absolute);
    } catch (error) {
      return fail(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? firstLine(error)})`);
    }
    // A file that grew after stat() is still capped.
    if (bytes.length > MAX_DEFINITION_BYTES) fail(`${file} is over ${MAX_DEFINITION_BYTES} bytes; a definition is at most 1 MiB`);
    const decoded = decodeUtf8(bytes);
    if (decoded.problem) throw new DefinitionError([decoded.problem], file);
    const source = parseSource(decoded.text!, ext === '.json' ? SourceFormat.JSON : SourceFormat.YAML);
    if (source.problems.length > 0) throw new DefinitionError(source.problems, file);
    if (source.data === undefined || source.data === null) {
      fail(
        `${DOCUMENT} is empty${decoded.text!.trim() === '' ? '' : ' (only comments or null)'}; write a definition: a mapping with "service", "owners", "workload" and "environments" (run \`glidepath init\` for a starter)`,
        DOCUMENT,
      );
    }
    return validateDefinition(source.data, { source: file, baseDirectory, locate: source.locate });
  }
  if (ext === '.ts' || ext === '.js') {
    if (ext === '.ts') {
      registerTypeScript(file);
    }
    let exported: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(absolute) as Record<string, unknown>;
      // CommonJS `module.exports = { service, … }` is the definition itself.
      exported = mod.default ?? mod.definition ?? (typeof mod === 'object' && mod !== null && 'service' in mod ? mod : undefined);
    } catch (error) {
      if (error instanceof DefinitionError) throw error.source ? error : new DefinitionError(error.problems, file);
      return fail(
        `${DOCUMENT} could not be loaded: ${firstLine(error)}; fix the error in ${file} (run it with node to see where)`,
        DOCUMENT,
      );
    }
    if (exported === undefined) {
      fail(`${file} exports no definition; export it as "default" or "definition"`);
    }
    // Already validated by defineService(), or a plain object still to validate.
    return isValidated(exported) ? exported : validateDefinition(exported, { source: file, baseDirectory });
  }
  return fail(`${file} has extension "${ext}"; use .yaml, .yml, .json or .ts`);
}

function isValidated(value: unknown): value is ServiceDefinition {
  try {
    return typeof value === 'object' && value !== null && 'baseDirectory' in value && 'rollbackBudgets' in value;
  } catch {
    // A Proxy that throws is not a validated definition; validation reports it.
    return false;
  }
}

/**
 * Lets `require()` load `.ts` definitions: each file is transpiled in memory with the `typescript`
 * package's public `transpileModule` (types are not checked), so it works with the TypeScript and
 * tsconfig a project has, without ts-node. (`bin/transpile-typescript.js` does the same for the
 * repository's bin shim, which must run before anything is compiled.)
 */
function registerTypeScript(file: string): void {
  if (require.extensions['.ts']) {
    return;
  }
  let ts: typeof import('typescript');
  try {
    // An optional peer dependency of the package: only .ts definitions need it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ts = require('typescript') as typeof import('typescript');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') {
      throw error;
    }
    throw new DefinitionError([
      {
        path: '(file)',
        message: `${file} is TypeScript; loading it needs the typescript package, an optional peer dependency of glidepath: run \`npm install --save-dev typescript\`, or write the definition as .yaml, .json or compiled .js`,
      },
    ]);
  }
  require.extensions['.ts'] = (module, filename) => {
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
    });
    (module as NodeJS.Module & { _compile(code: string, file: string): void })._compile(outputText, filename);
  };
}
