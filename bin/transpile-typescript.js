/**
 * Lets Node `require()` TypeScript files by transpiling each one in memory with the `typescript`
 * package's `transpileModule` (types are not checked: `npm test` does that with tsc). Depends only
 * on TypeScript's public API, not on ts-node or a tsconfig, so it works with the TypeScript a
 * project has (5.x and 6.x).
 */
const fs = require('node:fs');

/** Registers the `.ts` loader once; later calls do nothing. */
function registerTypeScript() {
  if (require.extensions['.ts']) return;
  const ts = require('typescript');
  require.extensions['.ts'] = (module, filename) => {
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        inlineSourceMap: true,
      },
    });
    module._compile(outputText, filename);
  };
}

module.exports = { registerTypeScript };
