import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { stringify } from 'yaml';
import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { renderRunbook } from '../../lib/runbook/render';
import { renderSmokeTestsFile, smokeTestsFileName } from '../../lib/smoke/file';
import { checkout, installMocks, network, settle, type Registered } from '../pulumi/helpers';
import type { DeployedStack } from './drill/aws-world';
import { Drill, type Runbook } from './drill/run';
import { secretStoreStacks, situationFor } from './drill/fixtures';

/*
 * The runbook drill for the Pulumi target (see drill.test.ts): the Pulumi runbooks of the checkout
 * example, both platforms, run against the resources the component registered with the Pulumi mock
 * engine. Pulumi inputs are turned into the CloudFormation shapes the AWS simulator reads
 * (camelCase → PascalCase properties, physical names by type).
 */
const RELEASE_COMMIT = process.env.GLIDEPATH_RELEASE_COMMIT ?? '0123456789abcdef0123456789abcdef01234567';
const registered: Registered[] = installMocks('prod');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-drill-pulumi-'));
const driller = new Drill(root);
const runbooks: Runbook[] = [];

/** Pulumi type → CloudFormation type and the input holding the physical name. */
const TYPES: Record<string, [string, string]> = {
  'aws:ecs/cluster:Cluster': ['AWS::ECS::Cluster', 'name'],
  'aws:ecs/service:Service': ['AWS::ECS::Service', 'name'],
  'aws:ecs/taskDefinition:TaskDefinition': ['AWS::ECS::TaskDefinition', 'family'],
  'aws:cloudwatch/logGroup:LogGroup': ['AWS::Logs::LogGroup', 'name'],
  'aws:cloudwatch/metricAlarm:MetricAlarm': ['AWS::CloudWatch::Alarm', 'name'],
  'aws:cloudwatch/dashboard:Dashboard': ['AWS::CloudWatch::Dashboard', 'dashboardName'],
  'aws:secretsmanager/secret:Secret': ['AWS::SecretsManager::Secret', 'name'],
  'aws:lambda/function:Function': ['AWS::Lambda::Function', 'name'],
  'aws:appconfig/application:Application': ['AWS::AppConfig::Application', 'name'],
  'aws:appconfig/environment:Environment': ['AWS::AppConfig::Environment', 'name'],
  'aws:appconfig/configurationProfile:ConfigurationProfile': ['AWS::AppConfig::ConfigurationProfile', 'name'],
  'aws:appconfig/deploymentStrategy:DeploymentStrategy': ['AWS::AppConfig::DeploymentStrategy', 'name'],
  'aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion': ['AWS::AppConfig::HostedConfigurationVersion', 'description'],
};
const NAME_PROPERTY: Record<string, string> = {
  'AWS::ECS::Cluster': 'ClusterName',
  'AWS::ECS::Service': 'ServiceName',
  'AWS::ECS::TaskDefinition': 'Family',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::AppConfig::Application': 'Name',
  'AWS::AppConfig::Environment': 'Name',
  'AWS::AppConfig::ConfigurationProfile': 'Name',
  'AWS::AppConfig::DeploymentStrategy': 'Name',
  'AWS::AppConfig::HostedConfigurationVersion': 'Description',
};

function pascal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascal);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), pascal(v)]));
  return value;
}

/** A value the Pulumi engine marks secret: `{ <secret signature>: <secret sig value>, value }`. */
function isSecret(value: unknown): value is { value: unknown } {
  return (
    !!value &&
    typeof value === 'object' &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

/** The registered AWS resources as one deployed "stack" in the mocked region. */
function awsStack(stack: string, resources: readonly Registered[]): DeployedStack {
  // The mocks' ids and ARNs of other resources become the Ref and GetAtt CloudFormation would write.
  const references = new Map<string, unknown>();
  resources.forEach((r, i) => {
    // Mock ids are `<name>-id`, and names repeat across types (application, version and deployment
    // of the flags): the first registered, the one the others are built on, owns the id.
    if (!references.has(`${r.name}-id`)) references.set(`${r.name}-id`, { Ref: `R${i}` });
    references.set(`arn:aws:mock:eu-west-1:123456789012:${r.type}/${r.name}`, { 'Fn::GetAtt': [`R${i}`, 'Arn'] });
  });
  const linked = (value: unknown): unknown => {
    if (typeof value === 'string') return references.get(value) ?? value;
    if (Array.isArray(value)) return value.map(linked);
    // Secret inputs (such as the flags' content) reach the mocks wrapped in Pulumi's secret signature.
    if (isSecret(value)) return linked(value.value);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, linked(v)]));
    return value;
  };
  const entries = resources.flatMap((r, i) => {
    const mapped = TYPES[r.type];
    if (!mapped) return [];
    const [type, nameInput] = mapped;
    // `skipDestroy` keeps replaced task definition revisions registered, like CloudFormation's Retain.
    const retain =
      r.type === 'aws:ecs/taskDefinition:TaskDefinition' && r.inputs.skipDestroy === true ? { UpdateReplacePolicy: 'Retain' } : {};
    // Pulumi takes the container definitions as the ECS API's JSON; CloudFormation as properties.
    const containers =
      typeof r.inputs.containerDefinitions === 'string' ? { ContainerDefinitions: pascal(JSON.parse(r.inputs.containerDefinitions)) } : {};
    return [
      [
        `R${i}`,
        {
          Type: type,
          ...retain,
          Properties: { ...(pascal(linked(r.inputs)) as object), ...containers, [NAME_PROPERTY[type]]: r.inputs[nameInput] },
        },
      ],
    ];
  });
  return { name: stack, region: 'eu-west-1', template: { Resources: Object.fromEntries(entries) } };
}

beforeAll(async () => {
  await driller.start();
  const definition = checkout();
  const dir = fs.mkdtempSync(path.join(root, 'project-'));
  fs.mkdirSync(path.join(dir, 'cdk.out', 'smoke-tests'), { recursive: true });
  if (definition.smokeTests)
    fs.writeFileSync(path.join(dir, 'cdk.out', smokeTestsFileName(definition.service)), renderSmokeTestsFile(definition.smokeTests));
  for (const platform of [DeploymentPlatform.AWS, DeploymentPlatform.KUBERNETES]) {
    const before = registered.length;
    const component = new DeploymentComponent(`checkout-prod-${platform}`, { definition, environment: 'prod', platform, network });
    const markdown = renderRunbook(component.runbookFacts());
    await settle();
    const mine = registered.slice(before);
    // The chart's objects reach the cluster through one yaml/v2 ConfigGroup.
    const manifest = mine
      .filter((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup')
      .flatMap((r) => (r.inputs.objs ?? []) as object[])
      .map((o) => stringify(o))
      .join('---\n');
    // On Kubernetes the Secrets Manager secrets the ExternalSecrets read exist beside the cluster, as in drill.test.ts.
    const base = {
      name: `checkout-prod-${platform}.pulumi.md`,
      markdown,
      dir,
      stacks: [awsStack('prod', mine), ...(manifest ? secretStoreStacks('checkout-prod', manifest) : [])],
      firing: [],
      manifest: manifest || undefined,
      target: manifest ? ('k8s' as const) : ('ecs' as const),
    };
    // Each section starts in the situation it is written for (a failed migration Job for that incident, ...).
    runbooks.push({ ...base, world: (s) => situationFor(base, s, { releaseCommit: RELEASE_COMMIT, pulumiStack: 'prod' }) });
  }
});

afterAll(async () => {
  await driller.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

test('Pulumi runbooks: every command runs against the registered resources, in order, with set -u', async () => {
  const report: Record<string, unknown> = {};
  expect(runbooks).toHaveLength(2);
  for (const r of runbooks) {
    const failures = await driller.run(r);
    if (failures.length > 0) report[r.name] = failures;
  }
  expect(report).toEqual({});
});
