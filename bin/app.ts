#!/usr/bin/env node
/**
 * The CDK app that `npx cdk synth` runs (see cdk.json): one DeploymentStack per service ×
 * environment of the bundled examples, plus their runbooks in `<outdir>/runbooks/`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { addDeploymentStacks, renderStackRunbook } from '../constructs/aws/synthesize';
import { loadDefinitionFile } from '../lib/model/load';
import { runbookFileName } from '../lib/runbook/anchors';
import { RunbookTarget } from '../lib/runbook/facts';

const EXAMPLES = ['examples/checkout/definition.yaml', 'examples/payments-api/definition.ts'];

const root = path.resolve(__dirname, '..');
const app = new App();
const definitions = EXAMPLES.map((file) => loadDefinitionFile(path.join(root, file)));
const stacks = definitions.flatMap((definition) => addDeploymentStacks(app, definition));
app.synth();

const runbookDir = path.join(app.outdir, 'runbooks');
fs.mkdirSync(runbookDir, { recursive: true });
for (const stack of stacks) {
  const file = runbookFileName(stack.definition.service, stack.environmentDefinition.name, RunbookTarget.AWS);
  fs.writeFileSync(path.join(runbookDir, file), renderStackRunbook(stack));
}
