import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TargetArtifacts } from '../../lib/targets/target';

/**
 * The bundled examples, synthesized once and shared by every suite that only inspects the output.
 *
 * `exampleArtifacts('checkout')` returns exactly what `synthesizeArtifacts(loadDefinitionFile(
 * 'examples/checkout/definition.yaml'))` returns (every target's templates, manifests and
 * runbooks, and the warnings), and `exampleAws('checkout')` what `synthesizeAws(...)` returns. The
 * first suite of a run that asks synthesizes (in its worker, holding a lock file so a parallel
 * worker waits instead of synthesizing the same example again); the others read the JSON.
 *
 * The cache lives in `os.tmpdir()/glidepath-test-outputs/<key>`, where the key hashes everything
 * synthesis reads: the sources (`lib/`, `constructs/`, `bin/`), the examples, the lockfile, the
 * Node version and `GLIDEPATH_RELEASE_COMMIT`. Any change to them is a new key, so a cached output is
 * never stale; `GLIDEPATH_TEST_CACHE=off` synthesizes in the suite instead (to rule the cache out).
 */

/** The bundled examples with a definition file. */
export const EXAMPLE_DEFINITIONS = {
  checkout: 'examples/checkout/definition.yaml',
  'payments-api': 'examples/payments-api/definition.ts',
  'storefront-web': 'examples/storefront-web/definition.yaml',
} as const;

/** A bundled example's name. */
export type ExampleName = keyof typeof EXAMPLE_DEFINITIONS;

/**
 * An example by name (`checkout`) or by its definition file, as the suites spell it
 * (`examples/checkout/definition.yaml`, relative to the repository or absolute).
 */
export type Example = ExampleName | string;

/** What `synthesizeAws` returns, read from the cache. */
export interface CachedAwsArtifacts {
  /** File name (`checkout-prod.template.json`) → template JSON text. */
  readonly templates: Record<string, string>;
  /** File name (`checkout-prod.md`) → runbook Markdown. */
  readonly runbooks: Record<string, string>;
  /** Warnings the AWS synthesis annotated. */
  readonly warnings: readonly string[];
}

/** One example's output per target (`aws`, `k8s`), in the order `synthesizeArtifacts` renders them. */
type CachedExample = { readonly target: string; readonly artifacts: TargetArtifacts }[];

const ROOT = path.join(__dirname, '..', '..');
/** What synthesis reads besides node_modules (the lockfile stands for those). */
const SOURCES = ['lib', 'constructs', 'bin', ...Object.values(EXAMPLE_DEFINITIONS).map((f) => path.dirname(f))];
/** How often a waiting worker looks whether the one synthesizing has finished. */
const POLL_MS = 100;

/** Absolute path of an example's definition file. */
export function examplePath(example: Example): string {
  return path.join(ROOT, EXAMPLE_DEFINITIONS[exampleName(example)]);
}

/** The example's name; an error listing the cached examples for any other file. */
function exampleName(example: Example): ExampleName {
  if (example in EXAMPLE_DEFINITIONS) return example as ExampleName;
  const relative = path.relative(ROOT, path.resolve(ROOT, example));
  const found = (Object.keys(EXAMPLE_DEFINITIONS) as ExampleName[]).find((name) => EXAMPLE_DEFINITIONS[name] === relative);
  if (!found) throw new Error(`${example} is not a bundled example; the cached ones are ${Object.values(EXAMPLE_DEFINITIONS).join(', ')}`);
  return found;
}

/** Every target's files and warnings, as `synthesizeArtifacts(loadDefinitionFile(example))` returns them. */
export function exampleArtifacts(name: Example): TargetArtifacts {
  const files: Record<string, string> = {};
  const warnings: string[] = [];
  for (const { artifacts } of cachedExample(name)) {
    Object.assign(files, artifacts.files);
    warnings.push(...artifacts.warnings);
  }
  return { files, warnings };
}

/** The AWS templates, runbooks and warnings, as `synthesizeAws(loadDefinitionFile(example))` returns them. */
export function exampleAws(name: Example): CachedAwsArtifacts {
  const aws = cachedExample(name).find((t) => t.target === 'aws');
  if (!aws) throw new Error(`example ${name} has no AWS output`);
  const under = (prefix: string, keep: (file: string) => boolean) =>
    Object.fromEntries(
      Object.entries(aws.artifacts.files)
        .filter(([file]) => file.startsWith(prefix) && keep(file))
        .map(([file, text]) => [file.slice(prefix.length), text]),
    );
  return {
    templates: under('aws/', (f) => f.endsWith('.template.json')),
    // The AWS runbooks are the ones without a target suffix (`checkout-prod.md`, not `.k8s.md`).
    runbooks: under('runbooks/', (f) => /^runbooks\/[^.]+\.md$/.test(f)),
    warnings: aws.artifacts.warnings,
  };
}

/** The example's templates parsed, by stack name (`checkout-prod`). */
export function exampleTemplates(name: Example): Record<string, any> {
  return Object.fromEntries(
    Object.entries(exampleAws(name).templates).map(([file, text]) => [file.replace(/\.template\.json$/, ''), JSON.parse(text)]),
  );
}

/** The example's output, from the cache, or synthesized now (and cached for the other suites). */
function cachedExample(example: Example): CachedExample {
  const name = exampleName(example);
  if (process.env.GLIDEPATH_TEST_CACHE === 'off') return synthesizeExample(name);
  const dir = path.join(os.tmpdir(), 'glidepath-test-outputs', cacheKey());
  fs.mkdirSync(dir, { recursive: true });
  return JSON.parse(produceOnce(path.join(dir, `${name}.json`), () => JSON.stringify(synthesizeExample(name))));
}

/** Renders each target the example can run on, in registry order, as the CLI's `synth` does. */
function synthesizeExample(name: ExampleName): CachedExample {
  // Loaded only on a cache miss: a suite that reads the cache never loads aws-cdk-lib or cdk8s for it.
  const { loadDefinitionFile } = require('../../lib/model/load') as typeof import('../../lib/model/load');
  const { synthesizeTargets, targetsFor } = require('../../bin/targets') as typeof import('../../bin/targets');
  const definition = loadDefinitionFile(examplePath(name));
  const environments = definition.environments.map((e) => e.name);
  return targetsFor(definition).map((target) => ({ target, artifacts: synthesizeTargets(definition, [target], environments) }));
}

let key: string | undefined;

/** The hash of everything synthesis reads; computed once per suite (a few milliseconds). */
function cacheKey(): string {
  if (key) return key;
  const hash = crypto.createHash('sha256');
  hash.update(`node ${process.version}\0commit ${process.env.GLIDEPATH_RELEASE_COMMIT ?? ''}\0`);
  const files = ['package-lock.json', ...SOURCES.flatMap((dir) => filesUnder(dir))].sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(ROOT, file)));
    hash.update('\0');
  }
  key = hash.digest('hex').slice(0, 24);
  return key;
}

/** Repository-relative paths of the files under a directory. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/**
 * Returns the content of `file`, producing it first when it does not exist. One process produces
 * (it holds `file.lock`, created exclusively, with its pid); the others wait for the file, for as
 * long as the producer is alive: progress, not a fixed time, decides. A producer that died leaves
 * a lock whose pid is gone; the next caller removes it and produces.
 */
function produceOnce(file: string, produce: () => string): string {
  const lock = `${file}.lock`;
  for (;;) {
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
    let fd: number;
    try {
      fd = fs.openSync(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!isAlive(lockOwner(lock), lock)) fs.rmSync(lock, { force: true });
      else sleep(POLL_MS);
      continue;
    }
    try {
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      const text = produce();
      const staged = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(staged, text);
      fs.renameSync(staged, file);
      return text;
    } finally {
      fs.rmSync(lock, { force: true });
    }
  }
}

function lockOwner(lock: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(lock, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock's owner is alive; a lock created but not yet written counts as alive for a few seconds. */
function isAlive(pid: number | undefined, lock: string): boolean {
  if (pid === undefined) {
    try {
      return Date.now() - fs.statSync(lock).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
