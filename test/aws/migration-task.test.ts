import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { MigrationTask } from '../../constructs/aws/migration-task';
import { MIGRATION_RUNNER_SOURCE } from '../../constructs/aws/private/migration-runner-code';
import { Duration } from '../../lib/model/duration';
import { MigrationPhase, type Migration } from '../../lib/model/migrations';
import { loadHandler } from './inline-code';

const EXPAND: Migration = {
  name: 'add-notes',
  phase: MigrationPhase.EXPAND,
  command: ['npm', 'run', 'migrate'],
  image: 'public.ecr.aws/acme/checkout:1.42.0',
  backwardCompatible: true,
  timeout: Duration.minutes(5),
};
const CONTRACT: Migration = {
  ...EXPAND,
  name: 'drop-old',
  phase: MigrationPhase.CONTRACT,
  backwardCompatible: false,
  codeReleasedIn: 'public.ecr.aws/acme/checkout:1.41.0',
};

describe('MigrationTask', () => {
  const stack = new Stack(new App(), 'Migrations', { env: { region: 'eu-west-1', account: '111111111111' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, clusterName: 'checkout-prod' });
  const group = new ec2.SecurityGroup(stack, 'ServiceGroup', { vpc });
  const common = {
    cluster,
    clusterName: 'checkout-prod',
    serviceName: 'checkout-prod',
    subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [group],
  };
  const expand = new MigrationTask(stack, 'Expand', {
    ...common,
    migration: EXPAND,
    family: 'checkout-prod-migrate-add-notes',
    environment: { LOG_LEVEL: 'info' },
  });
  const contract = new MigrationTask(stack, 'Contract', { ...common, migration: CONTRACT, family: 'checkout-prod-migrate-drop-old' });
  const template = Template.fromStack(stack);

  test('a task definition per migration running its command in its image, read-only', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Family: 'checkout-prod-migrate-add-notes',
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'migrate',
          Image: 'public.ecr.aws/acme/checkout:1.42.0',
          Command: ['npm', 'run', 'migrate'],
          ReadonlyRootFilesystem: true,
        }),
      ],
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Family: 'checkout-prod-migrate-drop-old' });
  });

  test('an expand migration runs during the deployment: a custom resource with the task, network and a timeout', () => {
    template.resourceCountIs('Custom::GlidepathMigration', 1);
    template.hasResourceProperties('Custom::GlidepathMigration', {
      Migration: 'add-notes',
      TaskDefinition: { Ref: Match.stringLikeRegexp('ExpandTaskDefinition') },
      SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('ServiceGroup'), 'GroupId'] }],
      Subnets: Match.arrayWith([{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') }]),
      LogGroup: '/ecs/checkout-prod-migrate-add-notes',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'checkout-prod-migrate-add-notes-run',
      Runtime: 'nodejs24.x',
      Timeout: 360,
    });
    expect(expand.runner).toBeDefined();
    expect(contract.runner).toBeUndefined();
  });

  test('the runner may start this task in this cluster only, and read tasks of this cluster', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'ecs:RunTask',
            Resource: { Ref: Match.stringLikeRegexp('ExpandTaskDefinition') },
            Condition: { ArnEquals: { 'ecs:cluster': Match.anyValue() } },
          }),
          Match.objectLike({
            Action: ['ecs:DescribeTasks', 'ecs:StopTask'],
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:eu-west-1:111111111111:task/checkout-prod/*']] },
          }),
          Match.objectLike({ Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } }),
        ]),
        Version: '2012-10-17',
      },
    });
  });

  test('the migration starts only once the private subnets can reach the internet (NAT routes exist)', () => {
    const runner = Object.values(template.findResources('Custom::GlidepathMigration'))[0] as { DependsOn?: string[] };
    const natRoutes = Object.keys(template.findResources('AWS::EC2::Route')).filter((id) => /PrivateSubnet\dDefaultRoute/.test(id));
    expect(natRoutes.length).toBeGreaterThan(0);
    expect(runner.DependsOn).toEqual(expect.arrayContaining(natRoutes));
  });

  test('runbook: expand is automatic, contract is run by hand after the rollback window with a snapshot first', () => {
    const [e] = expand.runbookFacts().migrations!;
    const [c] = contract.runbookFacts().migrations!;
    expect(e).toMatchObject({ name: 'add-notes', phase: MigrationPhase.EXPAND });
    expect(e.summary).toMatch(
      /^Automatic: `cdk deploy` runs `npm run migrate` as ECS task `checkout-prod-migrate-add-notes` before the service update/,
    );
    expect(c.summary).toMatch(/^By hand, after the rollback window/);
    expect(c.commands.map((x) => x.command).join('\n')).toContain(
      'aws ecs run-task --cluster checkout-prod --task-definition checkout-prod-migrate-drop-old --launch-type FARGATE --network-configuration "$NETWORK"',
    );
    expect(c.rollback).toContain('cannot be undone by redeploying code');
  });
});

describe('the inline migration runner, answering a local CloudFormation response endpoint', () => {
  let server: http.Server;
  let responses: Record<string, unknown>[];
  let url: string;
  beforeEach(async () => {
    responses = [];
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        responses.push({ method: req.method, ...JSON.parse(body) });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** An ECS stub whose task stops with `exitCode` after two polls. */
  function ecsStub(exitCode: number | undefined, started = true) {
    const calls: string[] = [];
    let polls = 0;
    return {
      calls,
      module: {
        ECSClient: class {
          send = async (command: { kind: string; input: Record<string, unknown> }) => {
            calls.push(command.kind);
            if (command.kind === 'RunTask')
              return started ? { tasks: [{ taskArn: 'arn:task/1' }] } : { tasks: [], failures: [{ reason: 'RESOURCE:ENI' }] };
            polls++;
            return {
              tasks: [
                {
                  lastStatus: polls < 2 ? 'RUNNING' : 'STOPPED',
                  stoppedReason: 'Essential container exited',
                  containers: [{ name: 'migrate', exitCode }],
                },
              ],
            };
          };
        },
        RunTaskCommand: class {
          kind = 'RunTask';
          constructor(public readonly input: unknown) {}
        },
        DescribeTasksCommand: class {
          kind = 'DescribeTasks';
          constructor(public readonly input: unknown) {}
        },
        StopTaskCommand: class {
          kind = 'StopTask';
          constructor(public readonly input: unknown) {}
        },
      },
    };
  }

  /** A CloudFormation stub answering DescribeStacks with `status`. */
  function cloudFormationStub(status: string) {
    return {
      CloudFormationClient: class {
        send = async () => ({ Stacks: [{ StackStatus: status }] });
      },
      DescribeStacksCommand: class {
        constructor(public readonly input: unknown) {}
      },
    };
  }

  const event = (type: string) => ({
    RequestType: type,
    ResponseURL: url,
    StackId: 'stack',
    RequestId: 'req',
    LogicalResourceId: 'Migration',
    ResourceProperties: {
      Migration: 'add-notes',
      Cluster: 'c',
      TaskDefinition: 'td',
      Subnets: ['s'],
      SecurityGroups: ['g'],
      LogGroup: '/ecs/x',
    },
  });
  const context = { getRemainingTimeInMillis: () => 60000 };
  const instant = { setTimeout: ((fn: () => void) => setImmediate(fn)) as unknown as typeof setTimeout };

  test('reports SUCCESS when the task exits 0', async () => {
    const ecs = ecsStub(0);
    const handler = loadHandler(MIGRATION_RUNNER_SOURCE, { '@aws-sdk/client-ecs': ecs.module, https: http }, {}, instant);
    await handler(event('Create'), context);
    expect(ecs.calls).toEqual(['RunTask', 'DescribeTasks', 'DescribeTasks']);
    expect(responses).toEqual([
      expect.objectContaining({ method: 'PUT', Status: 'SUCCESS', PhysicalResourceId: 'add-notes', Data: { TaskArn: 'arn:task/1' } }),
    ]);
  });

  test('reports FAILED with the exit code and where the logs are when the task fails', async () => {
    const modules = {
      '@aws-sdk/client-ecs': ecsStub(3).module,
      '@aws-sdk/client-cloudformation': cloudFormationStub('UPDATE_IN_PROGRESS'),
      https: http,
    };
    const handler = loadHandler(MIGRATION_RUNNER_SOURCE, modules, {}, instant);
    await handler(event('Update'), context);
    expect(responses[0]).toMatchObject({
      Status: 'FAILED',
      Reason: 'migration add-notes failed (exit code 3, Essential container exited); logs: aws logs tail /ecs/x',
    });
  });

  test('reports FAILED when the task does not start', async () => {
    const handler = loadHandler(MIGRATION_RUNNER_SOURCE, { '@aws-sdk/client-ecs': ecsStub(0, false).module, https: http }, {}, instant);
    await handler(event('Create'), context);
    expect(responses[0]).toMatchObject({ Status: 'FAILED', Reason: 'migration add-notes did not start: [{"reason":"RESOURCE:ENI"}]' });
  });

  test('reports FAILED before its own timeout while the task still runs, and stops the task', async () => {
    const ecs = ecsStub(0);
    const handler = loadHandler(MIGRATION_RUNNER_SOURCE, { '@aws-sdk/client-ecs': ecs.module, https: http }, {}, instant);
    await handler(event('Create'), { getRemainingTimeInMillis: () => 10000 });
    expect(responses[0]).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/^migration add-notes still running at the time limit; stopped arn:task\/1/),
    });
    // A migration CloudFormation counts as failed must not go on changing the schema.
    expect(ecs.calls).toEqual(['RunTask', 'StopTask']);
  });

  // CloudFormation sends Update with the previous properties during UPDATE_ROLLBACK_IN_PROGRESS
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html).
  test('answers SUCCESS without running anything when the update is a rollback (previous properties)', async () => {
    const ecs = ecsStub(3);
    const modules = {
      '@aws-sdk/client-ecs': ecs.module,
      '@aws-sdk/client-cloudformation': cloudFormationStub('UPDATE_ROLLBACK_IN_PROGRESS'),
      https: http,
    };
    await loadHandler(MIGRATION_RUNNER_SOURCE, modules, {}, instant)(event('Update'), context);
    expect(ecs.calls).toEqual([]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'add-notes' });
  });

  test('runs the migration on an ordinary update', async () => {
    const ecs = ecsStub(0);
    const modules = {
      '@aws-sdk/client-ecs': ecs.module,
      '@aws-sdk/client-cloudformation': cloudFormationStub('UPDATE_IN_PROGRESS'),
      https: http,
    };
    await loadHandler(MIGRATION_RUNNER_SOURCE, modules, {}, instant)(event('Update'), context);
    expect(ecs.calls).toEqual(['RunTask', 'DescribeTasks', 'DescribeTasks']);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS' });
  });

  test('does nothing on Delete: a schema is not un-migrated', async () => {
    const ecs = ecsStub(0);
    const handler = loadHandler(MIGRATION_RUNNER_SOURCE, { '@aws-sdk/client-ecs': ecs.module, https: http }, {}, instant);
    await handler(event('Delete'), context);
    expect(ecs.calls).toEqual([]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS' });
  });

  test('stays within the 4 KB CloudFormation allows for inline code', () => {
    expect(MIGRATION_RUNNER_SOURCE.length).toBeLessThan(4096);
  });
});
