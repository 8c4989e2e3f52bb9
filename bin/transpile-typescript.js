/**
 * Lets Node `require()` TypeScript files by transpiling each one in memory (types are not checked:
 * `npm test` does that with tsc). Uses the `typescript` package's `transpileModule` (TypeScript 5
 * and 6, what the repository builds with), and sucrase where TypeScript has none (TypeScript 7's
 * native compiler has no JavaScript transpile API), so the repository's bin shim runs under either.
 * Definition files a user passes are loaded by lib/model/private/typescript-module.ts, always with
 * sucrase, whatever this registers.
 *
 * Each transpiled file is kept in node_modules/.cache/glidepath-transpile/ (or the directory named by
 * GLIDEPATH_TRANSPILE_CACHE; `off` turns the cache off), keyed by a hash of everything the output
 * depends on: the source text, the file's path (the inline source map names it), the versions of
 * both transpilers, the options below and this file's own text. A changed file therefore misses and is
 * transpiled again; nothing is ever invalidated by time. Loading and running the transpiler costs
 * about 2 s of CPU per command, so on a hit the transpiler is not even loaded. When the directory
 * cannot be created or written, the loader transpiles in memory as before, silently: a cache is an
 * optimisation, never a reason for a command to fail.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** Options given to TypeScript's `transpileModule` (part of the cache key). */
const TYPESCRIPT_OPTIONS = { module: 'CommonJS', target: 'ES2022', esModuleInterop: true, inlineSourceMap: true };
/** Options given to sucrase's `transform` (part of the cache key). */
const SUCRASE_OPTIONS = { transforms: ['typescript', 'imports'] };

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
          module: ts.ModuleKind[TYPESCRIPT_OPTIONS.module],
          target: ts.ScriptTarget[TYPESCRIPT_OPTIONS.target],
          esModuleInterop: TYPESCRIPT_OPTIONS.esModuleInterop,
          inlineSourceMap: TYPESCRIPT_OPTIONS.inlineSourceMap,
        },
      }).outputText;
  }
  const { transform } = require('sucrase');
  return (source, filePath) => transform(source, { ...SUCRASE_OPTIONS, filePath }).code;
}

/** A package's version read from its package.json (cheap: the package itself is not loaded), or `none`. */
function packageVersion(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return 'none';
  }
}

/** The default cache directory: node_modules/.cache/glidepath-transpile beside this repository's sources. */
function defaultCacheDirectory() {
  return path.join(__dirname, '..', 'node_modules', '.cache', 'glidepath-transpile');
}

/**
 * The cache directory, created if needed, or undefined when the cache is off or cannot be created.
 * @param {string | undefined} setting GLIDEPATH_TRANSPILE_CACHE: a directory, `off`, or unset (the default)
 */
function cacheDirectory(setting) {
  if (setting === 'off') return undefined;
  const directory = setting ? path.resolve(setting) : defaultCacheDirectory();
  try {
    fs.mkdirSync(directory, { recursive: true });
    fs.accessSync(directory, fs.constants.W_OK);
    return directory;
  } catch {
    return undefined;
  }
}

/**
 * A transpile function that reads from and writes to a content-keyed cache in `directory` (no cache
 * when `directory` is undefined). The transpiler is loaded on the first miss only.
 * @param {string | undefined} directory
 * @returns {(source: string, filename: string) => string}
 */
function cachedTranspiler(directory) {
  let transpile;
  const compile = (source, filename) => (transpile ??= transpiler())(source, filename);
  if (!directory) return compile;
  // Everything the output depends on besides the file itself, hashed once per process.
  const salt = JSON.stringify({
    node: process.versions.node.split('.')[0],
    typescript: packageVersion('typescript'),
    sucrase: packageVersion('sucrase'),
    typescriptOptions: TYPESCRIPT_OPTIONS,
    sucraseOptions: SUCRASE_OPTIONS,
    loader: crypto.createHash('sha256').update(fs.readFileSync(__filename)).digest('hex'),
  });
  return (source, filename) => {
    const key = crypto.createHash('sha256').update(salt).update('\0').update(filename).update('\0').update(source).digest('hex');
    const entry = path.join(directory, `${key}.js`);
    try {
      return fs.readFileSync(entry, 'utf8');
    } catch {
      // A miss (or an unreadable entry): transpile below.
    }
    const output = compile(source, filename);
    // Written beside and renamed, so a concurrent command never reads half an entry.
    const temporary = `${entry}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.writeFileSync(temporary, output);
      fs.renameSync(temporary, entry);
    } catch {
      // Unwritable (full disk, read-only mount): the output is still right, only not kept.
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // Nothing more to do.
      }
    }
    return output;
  };
}

/** Registers the `.ts` loader once; later calls do nothing. */
function registerTypeScript() {
  if (require.extensions['.ts']) return;
  const transpile = cachedTranspiler(cacheDirectory(process.env.GLIDEPATH_TRANSPILE_CACHE));
  require.extensions['.ts'] = (module, filename) => {
    module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
  };
}

module.exports = { registerTypeScript, cachedTranspiler, cacheDirectory };
