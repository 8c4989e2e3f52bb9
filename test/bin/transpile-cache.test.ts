import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const LOADER = path.join(ROOT, 'bin', 'transpile-typescript.js');
const BIN = path.join(ROOT, 'bin', 'glidepath-bin.js');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** The loader's exports (a plain CommonJS file of the repository, not compiled by tsc). */
const loader = require(LOADER) as {
  cachedTranspiler(directory: string | undefined): (source: string, filename: string) => string;
  cacheDirectory(setting: string | undefined): string | undefined;
};

/** Runs `node -e script` with the loader registered and the cache in `cache`; returns stdout. */
function runWithLoader(script: string, cache: string): string {
  const child = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(LOADER)}).registerTypeScript();\n${script}`], {
    encoding: 'utf8',
    env: { ...process.env, GLIDEPATH_TRANSPILE_CACHE: cache },
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return child.stdout;
}

/** Issue 28 item 4: the repository's bin reuses transpiled sources, keyed by their content. */
describe('the transpile cache of the repository bin', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-transpile-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a hit is read from the cache, not transpiled again', () => {
    const cache = path.join(dir, 'cache');
    fs.mkdirSync(cache);
    const transpile = loader.cachedTranspiler(cache);
    const file = path.join(dir, 'a.ts');
    const first = transpile('export const answer: number = 42;\n', file);
    expect(first).toContain('exports.answer = 42;');
    const entries = fs.readdirSync(cache);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/^[0-9a-f]{64}\.js$/);
    expect(fs.readFileSync(path.join(cache, entries[0]), 'utf8')).toBe(first);
    // Tamper with the entry: a fresh transpiler (a new process) returning it proves it came from the cache.
    fs.writeFileSync(path.join(cache, entries[0]), 'exports.answer = "from the cache";\n');
    expect(loader.cachedTranspiler(cache)('export const answer: number = 42;\n', file)).toBe('exports.answer = "from the cache";\n');
  });

  test('a changed source, or the same source at another path, is transpiled again', () => {
    const cache = path.join(dir, 'cache');
    fs.mkdirSync(cache);
    const transpile = loader.cachedTranspiler(cache);
    const file = path.join(dir, 'a.ts');
    expect(transpile('export const answer: number = 1;\n', file)).toContain('exports.answer = 1;');
    expect(transpile('export const answer: number = 2;\n', file)).toContain('exports.answer = 2;');
    // The inline source map names the file, so the path is part of the key.
    expect(transpile('export const answer: number = 2;\n', path.join(dir, 'b.ts'))).toContain('exports.answer = 2;');
    expect(fs.readdirSync(cache)).toHaveLength(3);
    expect(fs.readdirSync(cache).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  test('an edited .ts file required through the loader runs its new text', () => {
    const cache = path.join(dir, 'cache');
    const file = path.join(dir, 'module.ts');
    const script = `console.log(require(${JSON.stringify(file)}).message);`;
    fs.writeFileSync(file, "export const message: string = 'before';\n");
    expect(runWithLoader(script, cache)).toBe('before\n');
    expect(runWithLoader(script, cache)).toBe('before\n');
    const entries = fs.readdirSync(cache).length;
    expect(entries).toBe(1);
    // Same length and a timestamp that may not move: only the content tells them apart.
    const { mtime } = fs.statSync(file);
    fs.writeFileSync(file, "export const message: string = 'after!';\n");
    fs.utimesSync(file, mtime, mtime);
    expect(runWithLoader(script, cache)).toBe('after!\n');
    expect(fs.readdirSync(cache)).toHaveLength(entries + 1);
  });

  test('an uncreatable cache directory, or `off`, means no cache and the same output', () => {
    const blocker = path.join(dir, 'a-file');
    fs.writeFileSync(blocker, '');
    expect(loader.cacheDirectory(path.join(blocker, 'cache'))).toBeUndefined();
    expect(loader.cacheDirectory('off')).toBeUndefined();
    expect(loader.cachedTranspiler(undefined)('export const answer: number = 7;\n', path.join(dir, 'a.ts'))).toContain(
      'exports.answer = 7;',
    );
    const file = path.join(dir, 'module.ts');
    fs.writeFileSync(file, "export const message: string = 'uncached';\n");
    expect(runWithLoader(`console.log(require(${JSON.stringify(file)}).message);`, path.join(blocker, 'cache'))).toBe('uncached\n');
    expect(fs.readdirSync(dir).sort()).toEqual(['a-file', 'module.ts']);
  });

  test('glidepath --version from the sources fills the cache, then answers from it', () => {
    const cache = path.join(dir, 'cache');
    const env = { ...process.env, GLIDEPATH_TRANSPILE_CACHE: cache };
    const cold = spawnSync(process.execPath, [BIN, '--version'], { cwd: ROOT, encoding: 'utf8', env });
    expect(cold.stdout).toBe(`${manifest.version}\n`);
    const filled = fs.readdirSync(cache).sort();
    expect(filled.length).toBeGreaterThan(0);
    const warm = spawnSync(process.execPath, [BIN, '--version'], { cwd: ROOT, encoding: 'utf8', env });
    expect(warm.stdout).toBe(`${manifest.version}\n`);
    expect(fs.readdirSync(cache).sort()).toEqual(filled);
  });
});
