/**
 * Lets Node `require()` TypeScript files by transpiling each one in memory (types are not checked:
 * `npm test` does that with tsc). Uses the `typescript` package's `transpileModule` (TypeScript 5
 * and 6, what the repository builds with), and sucrase where TypeScript has none (TypeScript 7's
 * native compiler has no JavaScript transpile API), so the repository's bin shim runs under either.
 * Definition files a user passes are loaded by lib/model/private/typescript-module.ts, always with
 * sucrase, whatever this registers.
 */
const fs = require('node:fs');

/** The transpiler to use: TypeScript's when it has `transpileModule`, else sucrase. */
function transpiler() {
  let ts;
  try {
    ts = require('typescript');
  } catch {
    ts = undefined;
  }
  if (ts && typeof ts.transpileModule === 'function') {
    return (source, fileName) =>
      ts.transpileModule(source, {
        fileName,
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
          inlineSourceMap: true,
        },
      }).outputText;
  }
  const { transform } = require('sucrase');
  return (source, filePath) => transform(source, { transforms: ['typescript', 'imports'], filePath }).code;
}

/** Registers the `.ts` loader once; later calls do nothing. */
function registerTypeScript() {
  if (require.extensions['.ts']) return;
  const transpile = transpiler();
  require.extensions['.ts'] = (module, filename) => {
    module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
  };
}

module.exports = { registerTypeScript };
