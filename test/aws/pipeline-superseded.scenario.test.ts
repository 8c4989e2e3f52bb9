import { App } from 'aws-cdk-lib';
import { PipelineStack } from '../../constructs/aws/pipeline-stack';
import { loadDefinitionFile } from '../../lib/model';
import { SupersededPipeline, type PipelineStage } from './support/release-model/codepipeline';

/**
 * The checkout example's delivery pipeline (synthesized) through the CodePipeline model in
 * SUPERSEDED mode: a second push while the first release waits for the prod approval, and a
 * third one while the second waits before the prod stage. Expected values are the example's
 * literals (commits, stack names) and the documented semantics (see the model file).
 */

const definition = loadDefinitionFile('examples/checkout/definition.yaml');
const app = new App();
const stack = new PipelineStack(app, 'checkout-pipeline', { definition, definitionPath: 'glidepath.yaml' });
const template = app.synth().getStackByName(stack.stackName).template as {
  Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
};
const pipeline = Object.values(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline')!;
const stages = pipeline.Properties.Stages as PipelineStage[];
const runbook = stack.renderRunbook();

/** Runs until `e` waits for an approval (or an hour of model time passes). */
const untilApproval = (p: SupersededPipeline, from: number) => {
  for (let t = from; t < from + 3600; t += 60) p.run(t);
  return from + 3600;
};

describe('checkout-pipeline: pushes while a release waits for the prod approval', () => {
  test('the pipeline runs in SUPERSEDED mode (no ExecutionMode: the default)', () => {
    expect(pipeline.Properties.ExecutionMode ?? 'SUPERSEDED').toBe('SUPERSEDED');
    expect(stages.map((s) => s.Name).slice(-3)).toEqual(['dev', 'staging', 'prod']);
  });

  test('a second push waits before prod; approving releases the first commit, whose change set the approver reviewed; then the second waits for its own approval', () => {
    const p = new SupersededPipeline(stages);
    const first = p.start('c1', 0);
    let t = untilApproval(p, 0);
    expect(first.awaiting).toBe('checkout-prod.Approve');
    expect(p.changeSets.get('checkout-prod/PipelineChange')).toBe('c1');

    const second = p.start('c2', t);
    t = untilApproval(p, t);
    // The second push reaches dev and staging, then waits outside prod: prod's change set is still c1's.
    expect(p.deployed.get('checkout-dev')).toBe('c2');
    expect(p.deployed.get('checkout-staging')).toBe('c2');
    expect(second).toMatchObject({ status: 'InProgress', inbound: true });
    expect(p.holder('prod')).toBe(first);
    expect(p.changeSets.get('checkout-prod/PipelineChange')).toBe('c1');

    p.answer(first, true, t);
    t = untilApproval(p, t);
    // Approving releases c1 to prod, not the newer c2.
    expect(first.status).toBe('Succeeded');
    expect(first.log).toContain('prod/SmokeTest');
    expect(p.deployed.get('checkout-prod')).toBe('c1');
    // c2 entered prod, prepared its own change set and waits for its own approval.
    expect(p.holder('prod')).toBe(second);
    expect(second.awaiting).toBe('checkout-prod.Approve');
    expect(p.changeSets.get('checkout-prod/PipelineChange')).toBe('c2');
    expect(p.deployed.get('checkout-prod')).toBe('c1');

    p.answer(second, true, t);
    untilApproval(p, t);
    expect(second.status).toBe('Succeeded');
    expect(p.deployed.get('checkout-prod')).toBe('c2');
  });

  test('a third push supersedes the second while it waits before prod: prod goes from c1 to c3, never to c2 alone', () => {
    const p = new SupersededPipeline(stages);
    const first = p.start('c1', 0);
    let t = untilApproval(p, 0);
    const second = p.start('c2', t);
    t = untilApproval(p, t);
    const third = p.start('c3', t);
    t = untilApproval(p, t);
    expect(second.status).toBe('Superseded');
    expect(third).toMatchObject({ status: 'InProgress', inbound: true });
    p.answer(first, true, t);
    t = untilApproval(p, t);
    expect(p.deployed.get('checkout-prod')).toBe('c1');
    expect(p.holder('prod')).toBe(third);
    expect(p.changeSets.get('checkout-prod/PipelineChange')).toBe('c3');
    p.answer(third, true, t);
    untilApproval(p, t);
    expect(p.deployed.get('checkout-prod')).toBe('c3');
    expect(second.log.some((l) => l.startsWith('prod/'))).toBe(false);
  });

  test('rejecting the first release lets the waiting push into prod with its own change set', () => {
    const p = new SupersededPipeline(stages);
    const first = p.start('c1', 0);
    let t = untilApproval(p, 0);
    const second = p.start('c2', t);
    t = untilApproval(p, t);
    p.answer(first, false, t);
    untilApproval(p, t);
    expect(first.status).toBe('Failed');
    expect(p.deployed.has('checkout-prod')).toBe(false);
    expect(second.awaiting).toBe('checkout-prod.Approve');
    expect(p.changeSets.get('checkout-prod/PipelineChange')).toBe('c2');
  });

  test("the runbook approves the execution holding the prod stage (the API's latestExecution), and shows its commit", () => {
    // GetPipelineState: a stage's latestExecution is the one in it; executions waiting before it are inboundExecutions.
    expect(runbook).toContain("stageStates[?stageName=='prod'] | [0].[latestExecution.pipelineExecutionId");
    expect(runbook).toContain('artifactRevisions[0].revisionId');
  });
});
