import * as cdk from 'aws-cdk-lib';
import { loadDefinitionFile } from 'glidepath';
import { DeploymentStack } from 'glidepath/aws';
import { snapshotOf } from 'glidepath/testing';
import { TrialAppStack } from '../lib/trial-app-stack';

test('the hand-built web service releases safely', () => {
  const stack = new TrialAppStack(new cdk.App(), 'TrialAppStack', { env: { region: 'eu-west-1' } });
  expect(stack).toRollBackOnAlarm();
  expect(stack).toHaveDeadMansSwitch();
  expect(stack).toShiftTraffic([10, 100]);
  expect(stack).toKeepSecretsOutOfPlainText();
});

test('the starter definition deploys to prod with a canary that rolls back', () => {
  const definition = loadDefinitionFile('service.yaml');
  const stack = new DeploymentStack(new cdk.App(), 'my-service-prod', { definition, environment: 'prod' });
  expect(stack).toRollBackOnAlarm();
  expect(stack).toHaveDeadMansSwitch();
  expect(stack).toKeepSecretsOutOfPlainText();
  expect(snapshotOf(stack)).toMatchSnapshot();
});
