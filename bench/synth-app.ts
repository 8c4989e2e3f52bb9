/**
 * One measured run, in its own process (bench/run.ts starts it): builds N services × the example's
 * environments as one CDK app, synthesizes it to a temporary cloud assembly and prints one JSON
 * line with the phase times, peak RSS, resource counts per type and the largest stack. Only the
 * measured app's modules are loaded.
 *
 *   node bench/.out/bench/synth-app.js <glidepath|handwritten|full> <services> <definition.yaml>
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'aws-cdk-lib';
import type { BenchApp } from './apps/bench-app';
import { AppKind, type Phases, type RunResult } from './run-result';

function main(): void {
  const [kind, servicesArg, definitionFile] = process.argv.slice(2) as [AppKind, string, string];
  const services = Number(servicesArg);
  const bench = load(kind);
  const marks: { wall: Partial<Record<keyof Phases, number>>; cpu: Partial<Record<keyof Phases, number>> } = { wall: {}, cpu: {} };
  const mark = (phase: keyof Phases) => {
    const { user, system } = process.cpuUsage();
    marks.wall[phase] = performance.now();
    marks.cpu[phase] = (user + system) / 1000;
  };
  mark('loaded');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-bench-'));
  try {
    const app = new App({ outdir, context: context() });
    const stacks = bench.addStacks(app, services, definitionFile);
    mark('constructed');
    const assembly = app.synth();
    mark('synthesized');
    let extraBytes = 0;
    bench.writeExtras?.((relative, content) => {
      fs.mkdirSync(path.dirname(path.join(outdir, relative)), { recursive: true });
      fs.writeFileSync(path.join(outdir, relative), content);
      extraBytes += Buffer.byteLength(content);
    });
    mark('extras');

    const resourceCounts: Record<string, number> = {};
    let largest = { stack: '', resources: 0, templateBytes: 0, minifiedBytes: 0 };
    for (const stack of stacks) {
      const artifact = assembly.getStackArtifact(stack.artifactId);
      const resources = Object.values(artifact.template.Resources as Record<string, { Type: string }>);
      for (const { Type } of resources) {
        resourceCounts[Type] = (resourceCounts[Type] ?? 0) + 1;
      }
      const templateBytes = fs.statSync(artifact.templateFullPath).size;
      if (resources.length > largest.resources || (resources.length === largest.resources && templateBytes > largest.templateBytes)) {
        largest = {
          stack: stack.stackName,
          resources: resources.length,
          templateBytes,
          minifiedBytes: Buffer.byteLength(JSON.stringify(artifact.template)),
        };
      }
    }
    const usage = process.resourceUsage();
    const result: RunResult = {
      phases: marks.wall as Phases,
      phasesCpu: marks.cpu as Phases,
      maxRssMb: usage.maxRSS / 1024,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      stacks: stacks.length,
      resourceCounts,
      largest,
      extraBytes,
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Loads only the measured app, so the hand-written run does not pay for loading glidepath (nor glidepath for cdk8s). */
function load(kind: AppKind): BenchApp {
  switch (kind) {
    case AppKind.HANDWRITTEN:
      return (require('./apps/handwritten') as typeof import('./apps/handwritten')).handWrittenApp;
    case AppKind.GLIDEPATH:
    case AppKind.FULL:
      return (require('./apps/glidepath') as typeof import('./apps/glidepath')).glidepathApp(kind === AppKind.FULL);
    default:
      throw new Error(`unknown app "${kind}"; use ${Object.values(AppKind).join(', ')}`);
  }
}

/** The same context for both apps: the current feature flags, as `cdk init` and `synthesizeAws` set them. */
function context(): Record<string, unknown> {
  const flags = require('aws-cdk-lib/recommended-feature-flags.json') as Record<string, unknown>;
  return { ...flags, '@aws-cdk/core:annotationsInValidationReport': false };
}

main();
