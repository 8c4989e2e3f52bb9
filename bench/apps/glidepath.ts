import type { App, Stack } from 'aws-cdk-lib';
import { addDeploymentStacks, renderStackRunbook } from '../../constructs/aws/synthesize';
import type { DeploymentStack } from '../../constructs/aws/deployment-stack';
import type { ServiceDefinition } from '../../lib/model/service-definition';
import { runbookFileName } from '../../lib/runbook/anchors';
import { RunbookTarget } from '../../lib/runbook/facts';
import { definitionsFrom } from '../definitions';
import type { BenchApp } from './bench-app';

/**
 * glidepath as a user's app runs it: load and validate each definition, one `DeploymentStack`
 * per service × environment. With `extraTargets`, also what the quick-start app (`bin/app.ts`)
 * adds, in its order: the Kubernetes manifests and runbooks of every environment rendered first,
 * in memory (`kubernetesArtifacts`, before any stack is built), written next to the cloud assembly
 * after synthesis with the AWS runbooks.
 */
export function glidepathApp(extraTargets: boolean): BenchApp {
  let definitions: ServiceDefinition[] = [];
  let stacks: DeploymentStack[] = [];
  // UTF-8 bytes, outside the JavaScript heap that synthesis works in (as `RunbookFile` keeps its text).
  const kubernetesFiles = new Map<string, Buffer>();
  return {
    addStacks(app: App, services: number, definitionFile: string): Stack[] {
      definitions = definitionsFrom(definitionFile, services);
      if (extraTargets) {
        // Loaded here, so runs without the extra targets do not load cdk8s.
        const { kubernetesArtifacts } = require('../../bin/artifacts') as typeof import('../../bin/artifacts');
        for (const definition of definitions) {
          const { files } = kubernetesArtifacts(
            definition,
            definition.environments.map((e) => e.name),
          );
          for (const [relative, text] of Object.entries(files)) kubernetesFiles.set(relative, Buffer.from(text));
        }
      }
      stacks = definitions.flatMap((definition) => addDeploymentStacks(app, definition));
      return stacks;
    },
    writeExtras: extraTargets
      ? (write) => {
          for (const stack of stacks) {
            write(
              `runbooks/${runbookFileName(stack.definition.service, stack.environmentDefinition.name, RunbookTarget.AWS)}`,
              renderStackRunbook(stack),
            );
          }
          for (const [relative, bytes] of kubernetesFiles) write(relative, bytes);
        }
      : undefined,
  };
}
