import * as path from 'node:path';
import type { TargetArtifacts } from '../../lib/targets/target';
import { cacheDir, produceOnce } from './run-cache';

/**
 * The bundled examples, synthesized once and shared by every suite that only inspects the output.
 *
 * `exampleArtifacts('checkout')` returns exactly what `synthesizeArtifacts(loadDefinitionFile(
 * 'examples/checkout/definition.yaml'))` returns (every target's templates, manifests and
 * runbooks, and the warnings), and `exampleAws('checkout')` what `synthesizeAws(...)` returns. The
 * first suite of a run that asks synthesizes (in its worker, holding a lock file so a parallel
 * worker waits instead of synthesizing the same example again); the others read the JSON.
 *
 * The cache (`run-cache.ts`) is keyed by everything synthesis reads: the sources (`lib/`,
 * `constructs/`, `bin/`), the examples, the lockfile, the Node version and
 * `GLIDEPATH_RELEASE_COMMIT`. Any change to them is a new key, so a cached output is never stale;
 * `GLIDEPATH_TEST_CACHE=off` synthesizes in the suite instead (to rule the cache out).
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
  const file = path.join(cacheDir(SOURCES), `${name}.json`);
  return JSON.parse(produceOnce(file, () => JSON.stringify(synthesizeExample(name))));
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
