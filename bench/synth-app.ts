/**
 * One measured run, in its own process (bench/run.ts starts it): builds N services × the example's
 * environments as one CDK app, synthesizes it to a temporary cloud assembly and prints one JSON
 * line with the phase times, peak RSS, resource counts per type and the largest stack.
 *
 *   node bench/.out/bench/synth-app.js <glidepath|handwritten|full> <services> <definition.yaml>
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from 'aws-cdk-lib';
import { DeploymentStack } from '../constructs/aws/deployment-stack';
import { addDeploymentStacks, renderStackRunbook } from '../constructs/aws/synthesize';
import { synthesizeKubernetes } from '../constructs/k8s/synthesize';
import { runbookFileName } from '../lib/runbook/anchors';
import { RunbookTarget } from '../lib/runbook/facts';
import { renderRunbook } from '../lib/runbook/render';
import { definitionsFrom, serviceName } from './definitions';
import { AppKind, type RunResult } from './run-result';
import { HandWrittenCheckoutStack } from './handwritten/checkout-stack';
import { CHECKOUT_ENVIRONMENTS } from './handwritten/environments';

function main(): void {
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const loaded = performance.now();
  const loadedCpu = cpu();
  const [kind, servicesArg, definitionFile] = process.argv.slice(2) as [AppKind, string, string];
  const services = Number(servicesArg);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-bench-'));
  try {
    const app = new App({ outdir, context: context() });
    const definitions = kind === AppKind.HANDWRITTEN ? [] : definitionsFrom(definitionFile, services);
    const stacks =
      kind === AppKind.HANDWRITTEN
        ? Array.from({ length: services }, (_, i) =>
            CHECKOUT_ENVIRONMENTS.map((environment) => {
              const id = `${serviceName(i + 1)}-${environment.name}`;
              return new HandWrittenCheckoutStack(app, id, { service: serviceName(i + 1), environment });
            }),
          ).flat()
        : definitions.flatMap((definition) => addDeploymentStacks(app, definition));
    const constructed = performance.now();
    const constructedCpu = cpu();
    const assembly = app.synth();
    const synthesized = performance.now();
    const synthesizedCpu = cpu();

    // The extra targets, as the quick-start app writes them: AWS runbooks, Kubernetes manifests and runbooks.
    let extraBytes = 0;
    if (kind === AppKind.FULL) {
      const write = (relative: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(outdir, relative)), { recursive: true });
        fs.writeFileSync(path.join(outdir, relative), text);
        extraBytes += Buffer.byteLength(text);
      };
      for (const stack of stacks) {
        if (stack instanceof DeploymentStack) {
          write(`runbooks/${runbookFileName(stack.definition.service, stack.environmentDefinition.name, RunbookTarget.AWS)}`, renderStackRunbook(stack));
        }
      }
      for (const definition of definitions) {
        for (const { name } of definition.environments) {
          const k8s = synthesizeKubernetes(definition, name);
          write(`k8s/${definition.service}-${name}.k8s.yaml`, k8s.manifest);
          write(`runbooks/${runbookFileName(definition.service, name, RunbookTarget.KUBERNETES)}`, renderRunbook(k8s.facts, { budgets: definition.rollbackBudgets }));
        }
      }
    }
    const extras = performance.now();
    const extrasCpu = cpu();

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
        largest = { stack: stack.stackName, resources: resources.length, templateBytes, minifiedBytes: Buffer.byteLength(JSON.stringify(artifact.template)) };
      }
    }
    const usage = process.resourceUsage();
    const result: RunResult = {
      phases: { loaded, constructed, synthesized, extras },
      phasesCpu: { loaded: loadedCpu, constructed: constructedCpu, synthesized: synthesizedCpu, extras: extrasCpu },
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

/** The same context for both apps: the current feature flags, as `cdk init` and `synthesizeAws` set them. */
function context(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const flags = require('aws-cdk-lib/recommended-feature-flags.json') as Record<string, unknown>;
  return { ...flags, '@aws-cdk/core:annotationsInValidationReport': false };
}

main();
