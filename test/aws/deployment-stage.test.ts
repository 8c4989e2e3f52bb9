import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PipelineStack } from '../../constructs/aws/pipeline-stack';
import { loadDefinitionFile } from '../../lib/model/load';
import { exampleTemplates } from '../support/example-outputs';

/**
 * `cdk deploy checkout-prod` and the pipeline's prod stage deploy the same CloudFormation stack:
 * they must synthesize the same template, or switching between them replaces resources.
 */

const DEFINITION = loadDefinitionFile(path.join(__dirname, '..', '..', 'examples', 'checkout', 'definition.yaml'));

/** An app configured like `cdk synth` (the recommended feature flags of cdk.json). */
function newApp(): App {
  return new App({ context: require('aws-cdk-lib/recommended-feature-flags.json') });
}

/** Asset hashes (S3 keys, the hash in Lambda `CurrentVersion…` logical ids) depend on where assets are staged, not on what deploys. */
function normalize(template: unknown): unknown {
  return JSON.parse(
    JSON.stringify(template)
      .replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '<asset>$1')
      .replace(/(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}/g, '$1<hash>'),
  );
}

/** One pipeline for every environment: each stage synthesizes on its own when asked. */
let pipeline: PipelineStack | undefined;
const pipelineStack = () =>
  (pipeline ??= new PipelineStack(newApp(), 'checkout-pipeline', {
    definition: DEFINITION,
    definitionPath: 'examples/checkout/definition.yaml',
  }));

describe.each(DEFINITION.environments.map((e) => e.name))('environment %s', (environment) => {
  test('the standalone stack and the pipeline stage synthesize the same template', () => {
    // The standalone stacks as `synthesizeAws` (and `cdk synth`) write them, synthesized once per run.
    const standalone = exampleTemplates('checkout');
    const staged = pipelineStack().deliveryPipeline.stages.get(environment)!.deploymentStack;
    expect(Object.keys(standalone)).toContain(staged.stackName);
    expect(normalize(Template.fromStack(staged).toJSON())).toEqual(normalize(standalone[staged.stackName]));
  });
});
