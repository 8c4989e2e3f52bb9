import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addDeploymentStacks } from '../../constructs/aws/synthesize';
import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import type { ServiceDefinition } from '../../lib/model';
import { checkout, installMocks, network, settle } from './helpers';

/*
 * The rollback alarm's per-period request gate is chosen by the detection model from the declared
 * traffic (lib/plan/detection), once, in the plan: the Pulumi component writes the gate the
 * CloudFormation stack writes for the same definition. At 10 requests a second at the quietest,
 * checkout-staging's 10 % canary sees about 60 requests a minute, so the model picks a gate other
 * than the fixed 10 the Pulumi target used to write.
 */

const registered = installMocks('staging');

function quietAt(definition: ServiceDefinition, rate: number): ServiceDefinition {
  return {
    ...definition,
    environments: definition.environments.map((e) =>
      e.name === 'staging' ? { ...e, traffic: { peakRequestsPerSecond: 2 * rate, quietRequestsPerSecond: rate, declared: true } } : e,
    ),
  };
}

/** The `>= N` gates of an error-rate expression. */
const gates = (expression: string) => [...expression.matchAll(/>= (\d+),/g)].map((m) => Number(m[1]));

test('the Pulumi rollback alarm carries the gate CloudFormation carries, chosen for the declared traffic', async () => {
  const definition = quietAt(checkout(), 10);
  const [stack] = addDeploymentStacks(new App({ context: require('aws-cdk-lib/recommended-feature-flags.json') }), definition, ['staging']);
  const template = Template.fromStack(stack).toJSON();
  const cfnAlarm = Object.values(template.Resources as Record<string, any>).find(
    (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.AlarmName === 'checkout-staging-rollback-error-rate',
  );
  const cfnGates = gates(cfnAlarm.Properties.Metrics.find((m: any) => m.Expression).Expression);

  const start = registered.length;
  new DeploymentComponent('checkout-staging', { definition, environment: 'staging', platform: DeploymentPlatform.AWS, network });
  await settle();
  const alarm = registered
    .slice(start)
    .find((r) => r.type === 'aws:cloudwatch/metricAlarm:MetricAlarm' && r.inputs.name === 'checkout-staging-rollback-error-rate');
  const pulumiGates = gates(alarm!.inputs.metricQueries.find((q: any) => q.expression).expression);

  expect(cfnGates.length).toBeGreaterThan(0);
  expect(new Set(cfnGates).size).toBe(1);
  expect(cfnGates[0]).not.toBe(10);
  expect(pulumiGates).toEqual(cfnGates);
});
