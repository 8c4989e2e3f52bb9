import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { snapshotOf } from 'glidepath/testing';
import { ShopStack } from '../lib/shop-stack';

describe('ShopStack', () => {
  const stack = new ShopStack(new App(), 'shop-prod', { env: { region: 'eu-west-1' } });

  test('rolls the web service back when an alarm fires during a deployment', () => {
    expect(stack).toRollBackOnAlarm();
  });

  test('pages when the web service goes silent', () => {
    expect(stack).toHaveDeadMansSwitch();
  });

  test('moves 10 % of traffic first, then the rest', () => {
    expect(stack).toShiftTraffic([10, 100]);
  });

  test('never writes a secret into the template', () => {
    expect(stack).toKeepSecretsOutOfPlainText();
  });

  test('keeps what the shop had: its own VPC and cluster', () => {
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'shop' });
  });

  test('template and runbook (reviewed like code)', () => {
    expect(snapshotOf(stack)).toMatchSnapshot();
  });
});
