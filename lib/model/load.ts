import * as fs from 'node:fs';
import * as path from 'node:path';
import { DefinitionError } from './problems';
import { DOCUMENT, firstLine } from './private/plain-data';
import { decodeUtf8, parseSource, SourceFormat } from './private/source-document';
import { requireWithTypeScript, TypeScriptSyntaxError } from './private/typescript-module';
import { rememberedInput } from './private/validated-input';
import type { ServiceDefinition } from './service-definition';
import { validateDefinition } from './validate';

/** Largest definition file read; a large real definition is about 10 KB. */
export const MAX_DEFINITION_BYTES = 1024 * 1024;

/**
 * Loads and validates a definition file: `.yaml`/`.yml`, `.json`, or `.ts`/`.js` exporting the
 * definition (default export or `definition`). Relative paths inside resolve against the file's
 * directory. `.ts` files are compiled by sucrase (a dependency), so they load under any TypeScript
 * version or none. Every failure is a `DefinitionError` naming the file, and the field where there
 * is one (`(document)` for the whole file): files that are not regular files (directories, FIFOs,
 * devices) and files over `MAX_DEFINITION_BYTES` are refused before they are read; a module's
 * export is validated like YAML, whatever it looks like.
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
    return validateDefinition(source.data, { source: file, baseDirectory, locate: source.locate, targetRules: true });
  }
  if (ext === '.ts' || ext === '.js') {
    let exported: unknown;
    try {
      const mod = requireWithTypeScript(absolute) as Record<string, unknown> | null;
      // CommonJS `module.exports = { service, … }` (any object with fields) is the definition itself.
      exported =
        typeof mod === 'object' && mod !== null
          ? (mod.default ?? mod.definition ?? (Object.keys(mod).length > 0 ? mod : undefined))
          : mod === undefined || typeof mod === 'function'
            ? undefined
            : mod;
    } catch (error) {
      if (error instanceof DefinitionError) throw error.source ? error : new DefinitionError(error.problems, file);
      if (error instanceof TypeScriptSyntaxError) throw syntaxError(file, absolute, error);
      return fail(
        `${DOCUMENT} could not be loaded: ${firstLine(error)}; fix the error in ${file} (run it with node to see where)`,
        DOCUMENT,
      );
    }
    if (exported === undefined) {
      fail(`${file} exports no definition; export it as "default" or "definition"`);
    }
    // Whatever the module exports is validated, as YAML is: a defineService() result by the input it was
    // made from (with this file named), anything else as it is, however validated it looks.
    const remembered = rememberedInput(exported);
    return remembered
      ? validateDefinition(remembered.input, { source: file, baseDirectory: remembered.baseDirectory ?? baseDirectory, targetRules: true })
      : validateDefinition(exported, { source: file, baseDirectory, targetRules: true });
  }
  return fail(`${file} has extension "${ext}"; use .yaml, .yml, .json or .ts`);
}

/** A parse error in the definition (or a `.ts` file it imports), at its line and column, with the fix. */
function syntaxError(file: string, absolute: string, error: TypeScriptSyntaxError): DefinitionError {
  const where = error.file === absolute ? file : path.relative(path.dirname(absolute), error.file) || error.file;
  const expected = /expected "(.+)"$/.exec(error.reason)?.[1];
  const fix = expected
    ? `write the missing "${expected}" there (for a "," usually at the end of the line before)`
    : 'fix the TypeScript there';
  return new DefinitionError(
    [
      {
        path: DOCUMENT,
        message: `${DOCUMENT} is not valid TypeScript: ${error.reason}; ${fix}, then check the file with \`npx tsc --noEmit\` (at ${where}:${error.line}:${error.column})`,
      },
    ],
    file,
  );
}
