/**
 * Loads TypeScript definition files without the `typescript` package: each `.ts` file is turned into
 * CommonJS by sucrase (pure JavaScript, no binary; types are stripped, not checked), so a definition
 * loads the same under TypeScript 5, 6, 7 or none. TypeScript 7 has no `transpileModule`, and
 * TypeScript's own `transpileModule` recovers from syntax errors silently (a missing comma still
 * emits code); sucrase's parser refuses them with the line and column, as `tsc` does.
 *
 * @see https://github.com/alangpierce/sucrase#transforms
 */
import * as fs from 'node:fs';
import { transform } from 'sucrase';

/** A `.ts` file a parser refused: where, and what it expected. */
export class TypeScriptSyntaxError extends Error {
  constructor(
    /** The file, absolute. */
    public readonly file: string,
    public readonly line: number,
    public readonly column: number,
    /** The parser's reason, without the position, e.g. `Unexpected token, expected ","`. */
    public readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'TypeScriptSyntaxError';
  }
}

interface CompilableModule {
  _compile(code: string, filename: string): void;
}

/** TypeScript source → CommonJS with an inline source map (stack traces point into the `.ts` file). */
export function transpileTypeScript(source: string, filename: string): string {
  let result: ReturnType<typeof transform>;
  try {
    result = transform(source, {
      transforms: ['typescript', 'imports'],
      filePath: filename,
      sourceMapOptions: { compiledFilename: filename },
    });
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    if (error instanceof SyntaxError && loc) {
      // "Error transforming <file>: Unexpected token, expected "," (3:3)" → the reason alone.
      const reason = error.message.replace(/^Error transforming [^:]*: /, '').replace(/ \(\d+:\d+\)$/, '');
      throw new TypeScriptSyntaxError(filename, loc.line, loc.column, reason);
    }
    throw error;
  }
  const map = Buffer.from(JSON.stringify(result.sourceMap)).toString('base64');
  return `${result.code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${map}\n`;
}

/**
 * `require()`s `file` with `.ts` files (the file and the `.ts` files it imports that are not loaded
 * yet) compiled by `transpileTypeScript`. Whatever `.ts` hook was registered before (ts-node, the
 * repository's bin shim) is put back afterwards.
 */
export function requireWithTypeScript(file: string): unknown {
  // The entry's syntax is checked here, whatever module system runs it (jest compiles .ts itself).
  const entry = file.endsWith('.ts') ? transpileTypeScript(fs.readFileSync(file, 'utf8'), file) : undefined;
  const extensions = require.extensions as NodeJS.RequireExtensions | undefined;
  if (!extensions) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
  }
  const previous = extensions['.ts'];
  extensions['.ts'] = (module, filename) => {
    const code = filename === file && entry !== undefined ? entry : transpileTypeScript(fs.readFileSync(filename, 'utf8'), filename);
    (module as unknown as CompilableModule)._compile(code, filename);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
  } finally {
    if (previous) extensions['.ts'] = previous;
    else delete extensions['.ts'];
  }
}
