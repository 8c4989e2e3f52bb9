import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DeploymentStack } from '../../constructs/aws/deployment-stack';
import { loadDefinitionFile } from '../../lib/model/load';

/** DeploymentStack wires flags, smoke tests and migrations from the definition (one synth per example). */
describe('DeploymentStack release controls: checkout-prod (ECS blue/green)', () => {
  const stack = new DeploymentStack(new App(), 'checkout-prod', {
    definition: loadDefinitionFile('examples/checkout/definition.yaml'),
    environment: 'prod',
  });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; DependsOn?: string[]; Properties: Record<string, unknown> }
  >;
  const idOf = (type: string, where: (p: Record<string, unknown>) => boolean = () => true) =>
    Object.entries(resources).find(([, r]) => r.Type === type && where(r.Properties))![0];

  test('the ECS service waits for the expand migration; the contract migration does not run', () => {
    const service = Object.values(resources).find((r) => r.Type === 'AWS::ECS::Service')!;
    expect(service.DependsOn).toContain(idOf('Custom::GlidepathMigration'));
    template.resourceCountIs('Custom::GlidepathMigration', 1);
    template.hasResourceProperties('Custom::GlidepathMigration', { Migration: 'add-order-notes' });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Family: 'checkout-prod-migrate-drop-legacy-coupons' });
  });

  test('the smoke tests run as the lifecycle hook after test traffic shifts', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        LifecycleHooks: [
          {
            HookTargetArn: { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', (p) => p.FunctionName === 'checkout-prod-smoke-tests'), 'Arn'] },
            LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
            RoleArn: Match.anyValue(),
          },
        ],
      }),
    });
  });

  test('flag changes roll back on the rollback alarm and the critical alarms', () => {
    const env = Object.values(resources).find((r) => r.Type === 'AWS::AppConfig::Environment')!;
    const alarms = (env.Properties.Monitors as { AlarmArn: { 'Fn::GetAtt': string[] } }[]).map(
      (m) => resources[m.AlarmArn['Fn::GetAtt'][0]].Properties.AlarmName,
    );
    expect(alarms).toEqual([
      'checkout-prod-rollback-error-rate',
      'checkout-prod-critical-error-rate',
      'checkout-prod-critical-latency-p99',
    ]);
  });

  test('the task runs the AppConfig agent beside the app, which knows where to read its flags', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Family: 'checkout-prod',
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Name: 'app',
          Environment: Match.arrayWith([
            {
              Name: 'GLIDEPATH_FLAGS_URL',
              Value: 'http://localhost:2772/applications/checkout-prod/environments/prod/configurations/feature-flags',
            },
          ]),
        }),
        Match.objectLike({
          Name: 'appconfig-agent',
          Image: 'public.ecr.aws/aws-appconfig/aws-appconfig-agent:2.0.13147',
          Essential: false,
        }),
      ]),
    });
  });
});

describe('DeploymentStack release controls: payments-api-prod (Lambda)', () => {
  const stack = new DeploymentStack(new App(), 'payments-api-prod', {
    definition: loadDefinitionFile('examples/payments-api/definition.ts'),
    environment: 'prod',
  });
  const template = Template.fromStack(stack);

  test('CodeDeploy runs the smoke tests as the pre-traffic hook', () => {
    const [alias] = Object.values(template.findResources('AWS::Lambda::Alias'));
    expect(alias.UpdatePolicy.CodeDeployLambdaAliasUpdate.BeforeAllowTrafficHook.Ref).toMatch(/^SmokeTests/);
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'payments-api-prod-smoke-tests', Runtime: 'nodejs24.x' });
  });

  test('the function may read its flags', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Action: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'] })],
      }),
      Roles: [{ Ref: Match.stringLikeRegexp('FunctionServiceRole') }],
    });
  });
});
