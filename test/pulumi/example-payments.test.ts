import * as pulumi from '@pulumi/pulumi';
import { installMocks, settle, valueOf } from './helpers';

/* The function example program runs under mocks with the stack configuration a user would set. */
const registered = installMocks('prod', 'pulumi-payments', 'us-east-1');

test('examples/pulumi-payments deploys the payments-api prod function through CodeDeploy and exports the alarms', async () => {
  pulumi.runtime.setAllConfig({ 'pulumi-payments:environment': 'prod' });

  const program = require('../../examples/pulumi-payments/index') as {
    alarmNames: pulumi.Output<string[]>;
    dashboardName: pulumi.Output<string | undefined>;
  };
  await settle();
  expect(registered.find((r) => r.type === 'glidepath:index:Deployment')?.name).toBe('payments-api-prod');
  expect(registered.find((r) => r.type === 'aws:codedeploy/deploymentConfig:DeploymentConfig')?.inputs.deploymentConfigName).toBe(
    // examples/payments-api/definition.ts: prod's canary is 20% for 30 minutes.
    'payments-api-prod-canary-20pct-30m',
  );
  expect(await valueOf(program.alarmNames)).toEqual([
    'payments-api-prod-rollback-error-rate',
    'payments-api-prod-critical-error-rate',
    'payments-api-prod-critical-latency-p99',
    'payments-api-prod-warning-error-rate',
    'payments-api-prod-warning-latency-p95',
    'payments-api-prod-dead-mans-switch',
  ]);
  expect(await valueOf(program.dashboardName)).toBe('payments-api-prod');
});
