import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, type Stack } from 'aws-cdk-lib/core';
import type { ServiceDefinition } from '../../lib/model/service-definition';
import { runbookFileName } from '../../lib/runbook/anchors';
import { collectRunbookFacts } from '../../lib/runbook/facts';
import { Target } from '../../lib/targets/target';
import { renderRunbook } from '../../lib/runbook/render';
import { DeploymentStack } from './deployment-stack';
import { RunbookFile } from './private/runbook-file';

/**
 * Adds one `DeploymentStack` per environment of a definition (or the named ones) to an app.
 * Construct ids are the stack names (`checkout-prod`).
 */
export function addDeploymentStacks(app: App, definition: ServiceDefinition, environments?: readonly string[]): DeploymentStack[] {
  const names = environments ?? definition.environments.map((e) => e.name);
  return names.map((environment) => new DeploymentStack(app, `${definition.service}-${environment}`, { definition, environment }));
}

/**
 * Renders the runbook of any stack from the facts its constructs contribute. A `DeploymentStack`
 * that has been synthesized already wrote it into the cloud assembly: that text is returned.
 */
export function renderStackRunbook(stack: Stack): string {
  const file = stack instanceof DeploymentStack ? stack.node.tryFindChild('Runbook') : undefined;
  if (file instanceof RunbookFile && file.text !== undefined) return file.text;
  const budgets = stack instanceof DeploymentStack ? stack.definition.rollbackBudgets : undefined;
  return renderRunbook(collectRunbookFacts(stack), { title: `Runbook: ${stack.stackName}`, budgets });
}

/** What `synthesizeAws` produced, in memory. */
export interface AwsArtifacts {
  /** File name (`checkout-prod.template.json`) → template JSON text. */
  readonly templates: Record<string, string>;
  /** File name (`checkout-prod.md`) → runbook Markdown. */
  readonly runbooks: Record<string, string>;
  /** Warnings the synthesis annotated (schedule deviations, rollback budgets). */
  readonly warnings: readonly string[];
}

/** What `synthesizeAws` does besides building the templates. */
export interface SynthesizeAwsOptions {
  /**
   * Run aws-cdk-lib's built-in CloudFormation validation (its cfn-lint rules, compiled to
   * WebAssembly: about 6 s of CPU per process, most of a synthesis), which fails on an invalid
   * template. @default true
   */
  readonly specValidation?: boolean;
  /** Render each stack's runbook. @default true */
  readonly runbooks?: boolean;
}

/**
 * Synthesizes the AWS stacks of a definition into memory: templates, runbooks and warnings. The
 * cloud assembly goes to a temporary directory that is removed afterwards, so a failure leaves
 * nothing behind.
 */
export function synthesizeAws(
  definition: ServiceDefinition,
  environments?: readonly string[],
  options: SynthesizeAwsOptions = {},
): AwsArtifacts {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-aws-'));
  try {
    const app = new App({ outdir, context: awsContext(), builtinCloudFormationValidation: options.specValidation ?? true });
    const stacks = addDeploymentStacks(app, definition, environments);
    const assembly = app.synth();
    const templates: Record<string, string> = {};
    const runbooks: Record<string, string> = {};
    const warnings: string[] = [];
    for (const stack of stacks) {
      const artifact = assembly.getStackArtifact(stack.artifactId);
      templates[`${stack.stackName}.template.json`] = JSON.stringify(artifact.template, null, 1) + '\n';
      if (options.runbooks ?? true) {
        runbooks[runbookFileName(definition.service, stack.environmentDefinition.name, Target.AWS)] = renderStackRunbook(stack);
      }
      for (const message of artifact.messages) {
        if (message.level === 'warning') {
          warnings.push(String(message.entry.data).replace(/ \[ack: [^\]]*\]$/, ''));
        }
      }
    }
    return { templates, runbooks, warnings };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The feature flags in cdk.json, so library synthesis matches `cdk synth`. */
function awsContext(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const flags = require('aws-cdk-lib/recommended-feature-flags.json') as Record<string, unknown>;
  // The caller reports warnings itself; the in-memory report would print them a second time.
  return { ...flags, '@aws-cdk/core:annotationsInValidationReport': false };
}
