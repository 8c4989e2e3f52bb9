#!/usr/bin/env node
/**
 * The CDK app that `npx cdk synth` runs (see cdk.json): one DeploymentStack per service ×
 * environment of the bundled AWS examples, and next to the cloud assembly the runbooks
 * (`<outdir>/runbooks/`) and the Kubernetes manifests (`<outdir>/k8s/`) of every example that
 * runs containers; for the examples with a delivery section, a PipelineStack (`checkout-pipeline`)
 * with its runbook, and the GitHub Actions workflow (`<outdir>/workflows/<service>.yml`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib/core';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeploymentSafetyChecks } from '../constructs/aws/deployment-safety-checks';
import { PipelineStack } from '../constructs/aws/pipeline-stack';
import { addDeploymentStacks } from '../constructs/aws/synthesize';
import { loadDefinitionFile } from '../lib/model/load';
import { DefinitionError } from '../lib/model/problems';
import { nameCollisions } from '../lib/plan/deploy-limits';
import type { ServiceDefinition } from '../lib/model/service-definition';
import { githubWorkflow } from '../lib/pipeline/github-workflow';
import { smokeTestArtifacts } from '../lib/smoke/file';
import { kubernetesArtifacts } from './artifacts';

/** Examples deployed to AWS by this app. */
const AWS_EXAMPLES = ['examples/checkout/definition.yaml', 'examples/payments-api/definition.ts'];
/** Examples released by a delivery pipeline: a CodePipeline stack, and a GitHub workflow in `<outdir>/workflows/`. */
const PIPELINE_EXAMPLES = ['examples/checkout/definition.yaml'];
/** Examples rendered for Kubernetes. */
const KUBERNETES_EXAMPLES = ['examples/checkout/definition.yaml', 'examples/storefront-web/definition.yaml'];

const root = path.resolve(__dirname, '..');
// Each example is loaded and validated once, however many targets render it.
const loaded = new Map<string, ServiceDefinition>();
const load = (file: string): ServiceDefinition => {
  if (!loaded.has(file)) loaded.set(file, loadDefinitionFile(path.join(root, file)));
  return loaded.get(file)!;
};

// Two definitions must not derive the same physical name (service "checkout" + env "prod-eu" vs "checkout-prod" + "eu").
const collisions = nameCollisions(
  [...new Set([...AWS_EXAMPLES, ...KUBERNETES_EXAMPLES])].map((file) => ({ source: file, definition: load(file) })),
);
if (collisions.length > 0) throw new DefinitionError(collisions, 'the app');

// Render Kubernetes first, in memory: an invalid definition fails before anything is written.
const kubernetesFiles = KUBERNETES_EXAMPLES.map(load).reduce<Record<string, string>>(
  (files, definition) => ({
    ...files,
    ...kubernetesArtifacts(
      definition,
      definition.environments.map((e) => e.name),
    ).files,
  }),
  {},
);

const app = new App();
const stacks = AWS_EXAMPLES.map(load).flatMap((definition) => addDeploymentStacks(app, definition));
const pipelines = PIPELINE_EXAMPLES.map((file) => {
  const definition = load(file);
  return { file, stack: new PipelineStack(app, `${definition.service}-pipeline`, { definition, definitionPath: file }) };
});
// Every new AwsSolutions or deployment-safety finding fails `cdk synth`; accepted ones are
// acknowledged, with a reason, where the resource is created, and listed in the runbook under
// "Accepted risks".
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new DeploymentSafetyChecks());
app.synth();

const write = (relative: string, text: string) => {
  const file = path.join(app.outdir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};
// Each DeploymentStack wrote its runbook into the assembly (runbooks/<stack>.md) during app.synth().
for (const definition of AWS_EXAMPLES.map(load)) {
  for (const [relative, text] of Object.entries(smokeTestArtifacts(definition))) write(relative, text);
}
for (const { file, stack } of pipelines) {
  write(`runbooks/${stack.stackName}.md`, stack.renderRunbook());
  write(`workflows/${stack.definition.service}.yml`, githubWorkflow(stack.definition, { definitionPath: file }));
}
for (const [relative, text] of Object.entries(kubernetesFiles)) {
  write(relative, text);
}

// What was written where, in a few lines (cdk prints the assembly directory after this).
const count = (dir: string, suffix: string) => fs.readdirSync(path.join(app.outdir, dir)).filter((f) => f.endsWith(suffix)).length;
const where = (dir: string) => {
  const relative = path.relative(process.cwd(), app.outdir);
  return path.join(relative.startsWith('..') ? app.outdir : relative || '.', dir);
};
process.stderr.write(
  [
    `glidepath: ${stacks.length + pipelines.length} stacks (cdk-nag and deployment-safety checks passed)`,
    `  runbooks           ${where('runbooks')}/ (${count('runbooks', '.md')})`,
    `  Kubernetes         ${where('k8s')}/ (${count('k8s', '.yaml')} manifests)`,
    `  GitHub workflows   ${where('workflows')}/ (${count('workflows', '.yml')})`,
    `  smoke-test configs ${where('smoke-tests')}/`,
    '',
  ].join('\n'),
);
