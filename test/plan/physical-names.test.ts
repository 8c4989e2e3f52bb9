import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addDeploymentStacks } from '../../constructs/aws/synthesize';
import { loadDefinitionFile } from '../../lib/model';
import { physicalNames } from '../../lib/plan/deploy-limits';

const ROOT = path.resolve(__dirname, '..', '..');

/** The property that holds the physical name, per resource type. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::AppConfig::Application': 'Name',
  'AWS::AppConfig::DeploymentStrategy': 'Name',
  'AWS::ECS::Cluster': 'ClusterName',
  'AWS::ECS::Service': 'ServiceName',
  'AWS::ECS::TaskDefinition': 'Family',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::CodeDeploy::Application': 'ApplicationName',
  'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Name',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Events::Rule': 'Name',
};

/** Every literal physical name of the template's resources: the names the stack really creates. */
function literalNames(template: Record<string, any>): Map<string, string> {
  const found = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
    const value = resource.Properties?.[NAME_PROPERTY[resource.Type] ?? ''];
    if (typeof value === 'string') found.set(value, `${resource.Type} (${logicalId})`);
  }
  return found;
}

/** Names that are fixed words, not derived from the definition (container names, profile name, …). */
const FIXED = new Set(['app', 'appconfig-agent', 'migrate', 'feature-flags', 'http', 'live', 'AWSCurrent']);

describe.each(['examples/checkout/definition.yaml', 'examples/payments-api/definition.ts'])('physicalNames of %s', (file) => {
  const definition = loadDefinitionFile(path.join(ROOT, file));
  const env = definition.environments[definition.environments.length - 1].name;
  const app = new App();
  const [stack] = addDeploymentStacks(app, definition, [env]);
  const template = Template.fromStack(stack).toJSON();
  const listed = new Set(
    physicalNames(definition)
      .filter((n) => n.environment === env)
      .map((n) => n.name),
  );

  test('every name the stack gives a resource is one validate checks against its limit', () => {
    const unlisted = [...literalNames(template)].filter(([name]) => !listed.has(name) && !FIXED.has(name));
    expect(unlisted).toEqual([]);
  });

  test('the stack name is the one validate checks', () => {
    expect(listed.has(stack.stackName)).toBe(true);
  });
});
