import type { App, Stack } from 'aws-cdk-lib';
import { addDeploymentStacks, renderStackRunbook } from '../../constructs/aws/synthesize';
import type { DeploymentStack } from '../../constructs/aws/deployment-stack';
import type { ServiceDefinition } from '../../lib/model/service-definition';
import { runbookFileName } from '../../lib/runbook/anchors';
import { RunbookTarget } from '../../lib/runbook/facts';
import { renderRunbook } from '../../lib/runbook/render';
import { definitionsFrom } from '../definitions';
import type { BenchApp } from './bench-app';

/**
 * glidepath as a user's app runs it: load and validate each definition, one `DeploymentStack`
 * per service × environment. With `extraTargets`, also the AWS runbooks and the Kubernetes
 * manifests and runbooks (what the quick-start app and `glidepath synth` add).
 */
export function glidepathApp(extraTargets: boolean): BenchApp {
  let definitions: ServiceDefinition[] = [];
  let stacks: DeploymentStack[] = [];
  return {
    addStacks(app: App, services: number, definitionFile: string): Stack[] {
      definitions = definitionsFrom(definitionFile, services);
      stacks = definitions.flatMap((definition) => addDeploymentStacks(app, definition));
      return stacks;
    },
    writeExtras: extraTargets
      ? (write) => {
          // Loaded here, so runs without the extra targets do not load cdk8s.

          const { synthesizeKubernetes } = require('../../constructs/k8s/synthesize') as typeof import('../../constructs/k8s/synthesize');
          for (const stack of stacks) {
            write(
              `runbooks/${runbookFileName(stack.definition.service, stack.environmentDefinition.name, RunbookTarget.AWS)}`,
              renderStackRunbook(stack),
            );
          }
          for (const definition of definitions) {
            for (const { name } of definition.environments) {
              const k8s = synthesizeKubernetes(definition, name);
              write(`k8s/${definition.service}-${name}.k8s.yaml`, k8s.manifest);
              write(
                `runbooks/${runbookFileName(definition.service, name, RunbookTarget.KUBERNETES)}`,
                renderRunbook(k8s.facts, { budgets: definition.rollbackBudgets }),
              );
            }
          }
        }
      : undefined,
  };
}
