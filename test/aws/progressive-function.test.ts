import { CanaryFunction } from '../../constructs/aws/canary-function';
import { spawnSync } from 'node:child_process';
import { App, Duration as CdkDuration, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ProgressiveFunction, type ProgressiveFunctionProps } from '../../constructs/aws/progressive-function';
import { Duration } from '../../lib/model/duration';
import { RolloutStrategy } from '../../lib/model/rollout';
import type { LambdaTrafficRouting } from '../../lib/plan/rollout/codedeploy-schedule';
import { Backend, compiledSchedule } from '../../lib/plan/rollout/schedule';
import type { RunbookCommand } from '../../lib/runbook/facts';

const CANARY: LambdaTrafficRouting = { type: 'canary', percentage: 10, intervalMinutes: 5 };
const CANARY_SCHEDULE = compiledSchedule(
  Backend.LAMBDA_CODEDEPLOY,
  RolloutStrategy.CANARY,
  [
    { name: 'canary', trafficPercent: 10, bake: Duration.minutes(5) },
    { name: 'full', trafficPercent: 100, bake: Duration.seconds(0) },
  ],
  [],
);

interface Built {
  readonly stack: Stack;
  readonly fn: ProgressiveFunction;
  readonly alarm: cloudwatch.Alarm;
  readonly secret: secretsmanager.Secret;
  readonly template: () => Template;
}

function build(overrides: Partial<ProgressiveFunctionProps> = {}, withAlarm = true): Built {
  const app = new App();
  const stack = new Stack(app, 'PaymentsApiProd', { env: { account: '111111111111', region: 'eu-west-1' } });
  const secret = new secretsmanager.Secret(stack, 'DbPassword', { secretName: 'payments-api/prod/db-password' });
  const fn = new ProgressiveFunction(stack, 'Function', {
    functionName: 'payments-api-prod',
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    environment: { LOG_LEVEL: 'info' },
    secrets: [{ envVar: 'DB_PASSWORD', secret }],
    routing: CANARY,
    schedule: CANARY_SCHEDULE,
    ...overrides,
  });
  const alarm = new cloudwatch.Alarm(stack, 'ErrorRate', {
    alarmName: 'payments-api-prod-error-rate-rollback',
    metric: fn.signals.errorRatePercent,
    threshold: 2,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  if (withAlarm) {
    fn.addRollbackAlarm(alarm);
  }
  return { stack, fn, alarm, secret, template: () => Template.fromStack(stack) };
}

// One synthesized canary stack shared by the read-only assertions below (synth is the slow part).
const canary = build();
const template = canary.template();

function allCommands(cmds: readonly RunbookCommand[]): string {
  return cmds.map((c) => c.command).join('\n');
}

describe('ProgressiveFunction', () => {
  describe('function', () => {
    test('has a physical name, X-Ray tracing, the default memory and timeout', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'payments-api-prod',
        TracingConfig: { Mode: 'Active' },
        MemorySize: 256,
        Timeout: 10,
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^FunctionLogGroup') } },
      });
    });

    test('logs to an explicit log group with retention, retained by default', () => {
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: '/aws/lambda/payments-api-prod', RetentionInDays: 30 },
        // Kept, except when the first create fails: a retry must find the name free.
        DeletionPolicy: 'RetainExceptOnCreate',
      });
    });

    test('takes retention and memory from props', () => {
      const t = build({ logRetention: logs.RetentionDays.ONE_WEEK, memoryMiB: 512, timeout: CdkDuration.seconds(30) }).template();
      t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
      t.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 512, Timeout: 30 });
    });

    test('encrypts the log group with the given key, which CloudWatch Logs may use for that log group only', () => {
      const app = new App();
      const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
      const key = new kms.Key(stack, 'Key');
      new ProgressiveFunction(stack, 'Fn', {
        functionName: 'payments-api-prod',
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => 1;'),
        routing: CANARY,
        encryptionKey: key,
        rollbackAlarms: [cloudwatch.Alarm.fromAlarmName(stack, 'A', 'a')],
      });
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
      t.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
              Condition: {
                ArnEquals: {
                  'kms:EncryptionContext:aws:logs:arn': {
                    'Fn::Join': [
                      '',
                      ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111111111111:log-group:/aws/lambda/payments-api-prod'],
                    ],
                  },
                },
              },
            }),
          ]),
        },
      });
    });

    test('publishes a retained version and an alias "live" on it', () => {
      template.hasResource('AWS::Lambda::Version', { DeletionPolicy: 'Retain' });
      template.hasResourceProperties('AWS::Lambda::Alias', {
        Name: 'live',
        FunctionName: { Ref: Match.stringLikeRegexp('^Function') },
        FunctionVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FunctionCurrentVersion'), 'Version'] },
      });
    });

    test('the alias is shifted by the deployment group', () => {
      template.hasResource('AWS::Lambda::Alias', {
        UpdatePolicy: {
          CodeDeployLambdaAliasUpdate: {
            ApplicationName: { Ref: Match.stringLikeRegexp('^FunctionApplication') },
            DeploymentGroupName: { Ref: Match.stringLikeRegexp('^FunctionDeploymentGroup') },
          },
        },
      });
    });
  });

  describe('secrets', () => {
    test('puts the secret ARN, never its value, in <ENVVAR>_SECRET_ARN', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            LOG_LEVEL: 'info',
            DB_PASSWORD_SECRET_ARN: { Ref: Match.stringLikeRegexp('^DbPassword') },
          },
        },
      });
      expect(JSON.stringify(template.toJSON())).not.toContain('{{resolve:secretsmanager');
      const [fnResource] = Object.values(template.findResources('AWS::Lambda::Function'));
      expect(Object.keys(fnResource.Properties.Environment.Variables).sort()).toEqual(['DB_PASSWORD_SECRET_ARN', 'LOG_LEVEL']);
    });

    test('grants GetSecretValue on that secret only', () => {
      const policies = template.findResources('AWS::IAM::Policy');
      const statements = Object.values(policies).flatMap(
        (p) =>
          (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }).Properties
            .PolicyDocument.Statement,
      );
      const secretStatements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
      expect(secretStatements).toEqual([
        {
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: { Ref: expect.stringMatching(/^DbPassword/) },
        },
      ]);
    });

    test('fails when an envVar is not a variable name', () => {
      const app = new App();
      const stack = new Stack(app, 'S');
      const secret = new secretsmanager.Secret(stack, 'S');
      expect(() => build({ secrets: [{ envVar: 'db-password', secret }] })).toThrow(
        `'secrets[0].envVar' ("db-password") must be letters, digits and underscores, not starting with a digit, e.g. 'DB_PASSWORD'`,
      );
    });

    test('fails when an envVar collides with the environment', () => {
      const app = new App();
      const secret = new secretsmanager.Secret(new Stack(app, 'S'), 'S');
      expect(() => build({ environment: { DB_SECRET_ARN: 'x' }, secrets: [{ envVar: 'DB', secret }] })).toThrow(
        `'secrets[0].envVar' ("DB") sets DB_SECRET_ARN, which 'environment' or an earlier secret already sets; give each secret its own envVar`,
      );
    });
  });

  describe('deployment', () => {
    test('compiles a canary routing into a named custom deployment config', () => {
      template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
        DeploymentConfigName: 'payments-api-prod-canary-10pct-5m',
        ComputePlatform: 'Lambda',
        TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 10, CanaryInterval: 5 } },
      });
    });

    test('compiles a linear routing', () => {
      const t = build({ routing: { type: 'linear', percentage: 20, intervalMinutes: 3 }, schedule: undefined }).template();
      t.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
        DeploymentConfigName: 'payments-api-prod-linear-20pct-every-3m',
        TrafficRoutingConfig: { Type: 'TimeBasedLinear', TimeBasedLinear: { LinearPercentage: 20, LinearInterval: 3 } },
      });
    });

    test('compiles an all-at-once routing', () => {
      const t = build({ routing: { type: 'all-at-once' }, schedule: undefined }).template();
      t.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
        DeploymentConfigName: 'payments-api-prod-all-at-once',
        TrafficRoutingConfig: { Type: 'AllAtOnce' },
      });
    });

    test('names the application and deployment group after the function and uses the config', () => {
      template.hasResourceProperties('AWS::CodeDeploy::Application', { ApplicationName: 'payments-api-prod', ComputePlatform: 'Lambda' });
      template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
        DeploymentGroupName: 'payments-api-prod',
        DeploymentConfigName: { Ref: Match.stringLikeRegexp('^FunctionDeploymentConfig') },
        DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
      });
    });

    test('rolls back on failure, on stop and on alarm, watching the given alarms', () => {
      template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: Match.arrayEquals(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM']),
        },
        AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: Match.stringLikeRegexp('^ErrorRate') } }] },
      });
    });

    test('wires alarms given as props', () => {
      const app = new App();
      const stack = new Stack(app, 'S');
      const alarm = cloudwatch.Alarm.fromAlarmName(stack, 'Imported', 'payments-api-prod-p99-rollback');
      new ProgressiveFunction(stack, 'Fn', {
        functionName: 'payments-api-prod',
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => 1;'),
        routing: CANARY,
        rollbackAlarms: [alarm],
      });
      Template.fromStack(stack).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
        AlarmConfiguration: { Enabled: true, Alarms: [{ Name: 'payments-api-prod-p99-rollback' }] },
      });
    });

    test('passes traffic hooks to the deployment group', () => {
      const app = new App();
      const stack = new Stack(app, 'S');
      const hook = lambda.Function.fromFunctionName(stack, 'Hook', 'payments-api-prod-smoke');
      new ProgressiveFunction(stack, 'Fn', {
        functionName: 'payments-api-prod',
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => 1;'),
        routing: CANARY,
        preTrafficHook: hook,
        rollbackAlarms: [cloudwatch.Alarm.fromAlarmName(stack, 'A', 'a')],
      });
      Template.fromStack(stack).hasResource('AWS::Lambda::Alias', {
        UpdatePolicy: { CodeDeployLambdaAliasUpdate: { BeforeAllowTrafficHook: Match.anyValue() } },
      });
    });

    test('fails at synth when no rollback alarm was added', () => {
      const { template: t } = build({}, false);
      expect(t).toThrow(`ProgressiveFunction 'payments-api-prod' has no rollback alarms, so CodeDeploy could not stop a bad version`);
    });

    test.each<[string, Partial<ProgressiveFunctionProps>, string]>([
      [
        'functionName is invalid',
        { functionName: 'payments api' },
        `'functionName' ("payments api") must be 1–64 letters, digits, hyphens or underscores, e.g. 'payments-api-prod'`,
      ],
      [
        'functionName is a token',
        { functionName: Lazy.string({ produce: () => 'payments-api-prod' }) },
        `'functionName' must be a literal string, not a token: runbook commands print it`,
      ],
      [
        'aliasName is only digits',
        { aliasName: '1' },
        `'aliasName' ("1") must be 1–128 letters, digits, hyphens or underscores and not only digits, e.g. 'live'`,
      ],
      [
        'the percentage is not whole',
        { routing: { type: 'canary', percentage: 12.5, intervalMinutes: 5 }, schedule: undefined },
        `'routing.percentage' (12.5) must be a whole number from 1 to 99: CodeDeploy shifts whole percentages`,
      ],
      [
        'the interval is under a minute',
        { routing: { type: 'linear', percentage: 10, intervalMinutes: 0 }, schedule: undefined },
        `'routing.intervalMinutes' (0) must be a whole number of minutes, at least 1: CodeDeploy counts whole minutes`,
      ],
      [
        'the schedule is for another backend',
        { schedule: { ...CANARY_SCHEDULE, backend: Backend.ECS } },
        `'schedule.backend' (ecs) must be 'lambda-codedeploy': pass the schedule compileLambdaRollout returned with 'routing'`,
      ],
      [
        'the schedule does not match the routing',
        { routing: { type: 'canary', percentage: 25, intervalMinutes: 5 } },
        `'schedule' starts with 10% for 5m but 'routing' (canary-25pct-5m) starts with 25% for 5m; pass the schedule and routing from the same compileLambdaRollout call`,
      ],
    ])('fails when %s', (_, props, message) => {
      expect(() => build(props)).toThrow(message);
    });
  });

  describe('signals', () => {
    test('measures the error rate on the alias with a zero-invocation guard', () => {
      const expr = canary.fn.signals.errorRatePercent as cloudwatch.MathExpression;
      expect(expr.expression).toBe('IF(invocations > 0, 100 * errors / invocations, 0)');
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)' }),
          Match.objectLike({
            Id: 'errors',
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({
                MetricName: 'Errors',
                Dimensions: Match.arrayWith([{ Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: Match.anyValue() }, ':live']] } }]),
              }),
              Stat: 'Sum',
            }),
          }),
        ]),
      });
    });

    test('latency percentiles and invocations come from the alias; no CPU or memory', () => {
      const { signals } = canary.fn;
      const metric = (m: cloudwatch.IMetric) => m.toMetricConfig().metricStat;
      expect(metric(signals.latencyP99Ms)).toMatchObject({ metricName: 'Duration', statistic: 'p99' });
      expect(metric(signals.latencyP95Ms)).toMatchObject({ metricName: 'Duration', statistic: 'p95' });
      expect(metric(signals.requests)).toMatchObject({ metricName: 'Invocations', statistic: 'Sum' });
      expect(metric(signals.heartbeat)).toMatchObject({ metricName: 'Invocations', statistic: 'Sum' });
      expect(signals.cpuPercent).toBeUndefined();
      expect(signals.memoryPercent).toBeUndefined();
      expect(signals.source).toBe('Lambda alias payments-api-prod:live');
    });
  });

  describe('runbook facts', () => {
    const facts = canary.fn.runbookFacts();
    const rollback = facts.rollback?.[0];
    const commands = [...(facts.deploy ?? []), ...(rollback?.commands ?? []), ...(rollback?.verify ?? [])];

    test('carry the schedule and a one-sentence summary', () => {
      expect(facts.rollout?.schedule).toBe(CANARY_SCHEDULE);
      expect(facts.rollout?.summary).toBe(
        'CodeDeploy (payments-api-prod-canary-10pct-5m) shifts 10% of alias live of payments-api-prod to the new version, waits 5 minutes, then shifts the remaining 90%; ' +
          'if the deployment fails, is stopped, or a rollback alarm fires, CodeDeploy moves all traffic back to the previous version.',
      );
    });

    test('deploy commands follow the deployment group by its real names', () => {
      expect(allCommands(facts.deploy ?? [])).toContain(
        'aws deploy list-deployments --application-name payments-api-prod --deployment-group-name payments-api-prod',
      );
      expect(allCommands(facts.deploy ?? [])).toContain('aws deploy get-deployment --deployment-id "$DEPLOYMENT_ID"');
    });

    test('level 2 stops an in-flight deployment or moves the alias back, and says how to verify', () => {
      expect(rollback?.level).toBe(2);
      expect(rollback?.bound).toBeUndefined();
      const text = allCommands(rollback?.commands ?? []);
      expect(text).toContain('aws deploy stop-deployment --deployment-id "$DEPLOYMENT_ID" --auto-rollback-enabled');
      expect(text).toContain(
        'aws lambda update-alias --function-name payments-api-prod --name live --function-version "${PREVIOUS_VERSION:?',
      );
      // The version to go back to is the CurrentVersion of the last attempted deployment's AppSpec.
      expect(text).toContain(
        "aws deploy get-deployment-group --application-name payments-api-prod --deployment-group-name payments-api-prod --query 'deploymentGroupInfo.lastAttemptedDeployment.deploymentId'",
      );
      expect(text).toContain('to_entries[].value.Properties.CurrentVersion');
      expect(allCommands(rollback?.verify ?? [])).toContain('aws lambda get-alias --function-name payments-api-prod --name live');
    });

    test('every command is valid bash and uses only run-time variables', () => {
      const assigned: string[] = [];
      for (const { command } of commands) {
        const check = spawnSync('bash', ['-n'], { input: command, encoding: 'utf8' });
        expect({ command, stderr: check.stderr, status: check.status }).toEqual({ command, stderr: '', status: 0 });
        const variables = [...command.matchAll(/"\$([A-Z_]+)"/g)].map((m) => m[1]);
        // Each variable is set by this step or an earlier one (NAME=… or read -r A B).
        assigned.push(
          ...[...command.matchAll(/\b([A-Z_]+)=/g)].map((m) => m[1]),
          ...[...command.matchAll(/read -r ([A-Z_ ]+)/g)].flatMap((m) => m[1].trim().split(/ +/)),
        );
        for (const v of variables) {
          expect(assigned).toContain(v);
        }
      }
    });

    test('every named resource exists in the template under that name', () => {
      const nameProperty: Record<string, string> = {
        'AWS::Lambda::Function': 'FunctionName',
        'AWS::Lambda::Alias': 'Name',
        'AWS::Logs::LogGroup': 'LogGroupName',
        'AWS::CodeDeploy::Application': 'ApplicationName',
        'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
        'AWS::CodeDeploy::DeploymentConfig': 'DeploymentConfigName',
      };
      expect(facts.resources?.map((r) => r.type).sort()).toEqual(Object.keys(nameProperty).sort());
      for (const { type, name } of facts.resources ?? []) {
        template.hasResourceProperties(type, { [nameProperty[type]]: name });
        if (type !== 'AWS::Lambda::Alias' && type !== 'AWS::CodeDeploy::DeploymentConfig') {
          expect(commands.some((c) => c.command.includes(name))).toBe(true);
        }
      }
    });

    test('name secrets by reference and the ARN variable', () => {
      expect(facts.secrets).toEqual([{ name: 'payments-api/prod/db-password', envVar: 'DB_PASSWORD_SECRET_ARN' }]);
      expect(facts.automaticRollback).toBe(
        'Automatic: CodeDeploy stops and rolls back payments-api-prod when any of these alarms fires during a deployment: payments-api-prod-error-rate-rollback.',
      );
      expect(facts.deploymentAlarms).toEqual(['payments-api-prod-error-rate-rollback']);
    });

    test('a secret without a fixed name is noted, not named', () => {
      const app = new App();
      const secret = new secretsmanager.Secret(new Stack(app, 'Other'), 'Unnamed');
      const f = build({ secrets: [{ envVar: 'API_KEY', secret }] }).fn.runbookFacts();
      expect(f.secrets).toBeUndefined();
      expect(f.notes).toContain('API_KEY_SECRET_ARN points at a secret without a fixed name; give it a name so the runbook can show it.');
    });

    test('without a schedule, the summary goes to the notes', () => {
      const f = build({ routing: { type: 'linear', percentage: 10, intervalMinutes: 2 }, schedule: undefined }).fn.runbookFacts();
      expect(f.rollout).toBeUndefined();
      expect(f.notes?.[0]).toMatch(
        /shifts 10% more of alias live of payments-api-prod to the new version every 2 minutes until all traffic has moved \(10 shifts over 18 minutes\)/,
      );
    });
  });
});

describe('CanaryFunction (deprecated name)', () => {
  test('is ProgressiveFunction, so existing apps keep their construct and its ids', () => {
    expect(CanaryFunction).toBe(ProgressiveFunction);
  });
});
