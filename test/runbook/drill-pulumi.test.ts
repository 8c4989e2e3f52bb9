import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { renderRunbook } from '../../lib/runbook/render';
import { renderSmokeTestsFile, smokeTestsFileName } from '../../lib/smoke/file';
import { checkout, installMocks, network, settle, type Registered } from '../pulumi/helpers';
import type { DeployedStack } from './drill/aws-world';
import { Drill, type Runbook } from './drill/run';
import { DrillWorld } from './drill/world';

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
};

function pascal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascal);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), pascal(v)]));
  return value;
}

/** The registered AWS resources as one deployed "stack" in the mocked region. */
function awsStack(stack: string, resources: readonly Registered[]): DeployedStack {
  const entries = resources.flatMap((r, i) => {
    const mapped = TYPES[r.type];
    if (!mapped) return [];
    const [type, nameInput] = mapped;
    // `skipDestroy` keeps replaced task definition revisions registered, like CloudFormation's Retain.
    const retain =
      r.type === 'aws:ecs/taskDefinition:TaskDefinition' && r.inputs.skipDestroy === true ? { UpdateReplacePolicy: 'Retain' } : {};
    return [
      [`R${i}`, { Type: type, ...retain, Properties: { ...(pascal(r.inputs) as object), [NAME_PROPERTY[type]]: r.inputs[nameInput] } }],
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
    runbooks.push({
      name: `checkout-prod-${platform}.pulumi.md`,
      markdown,
      dir,
      world: () =>
        new DrillWorld([awsStack('prod', mine)], { releaseCommit: RELEASE_COMMIT, pulumiStack: 'prod', manifest: manifest || undefined }),
    });
  }
});

afterAll(async () => {
  await driller.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/**
 * TODO(constructs/pulumi, issue 16): findings of the Pulumi drill that need resource changes in
 * constructs/pulumi (Pulumi parity, another engineer's change), reported rather than asserted;
 * today: replaced ECS task definition revisions are deregistered (no `skipDestroy`), so the AWS
 * level 2 has no earlier revision to deploy; the Kubernetes platform shares the constructs/k8s TODOs.
 */
const KNOWN: Record<string, RegExp> = {
  'checkout-prod-aws.pulumi.md': /^Level 2/,
  'checkout-prod-kubernetes.pulumi.md': /^Phase 3/,
};

test('Pulumi runbooks: every command runs against the registered resources, in order, with set -u', async () => {
  const report: Record<string, unknown> = {};
  const known: Record<string, unknown> = {};
  expect(runbooks).toHaveLength(2);
  for (const r of runbooks) {
    const failures = await driller.run(r);
    const open = failures.filter((f) => !KNOWN[r.name]?.test(f.section));
    if (open.length > 0) report[r.name] = open;
    if (failures.length > open.length) known[r.name] = failures.filter((f) => KNOWN[r.name]?.test(f.section));
  }
  console.log(`Pulumi drill findings left to constructs/pulumi and constructs/k8s (TODO):\n${JSON.stringify(known, null, 1)}`);
  expect(report).toEqual({});
});
