import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AppConfigFeatureFlags } from '../../constructs/aws/app-config-feature-flags';
import { Duration } from '../../lib/model/duration';
import type { FeatureFlag } from '../../lib/model/feature-flags';

const FLAGS: FeatureFlag[] = [
  { name: 'one-click', description: 'One-click checkout', enabled: true, killSwitch: true, rollout: { internalFirst: true, percent: 10 } },
  { name: 'autocomplete', description: 'Address autocomplete', enabled: false, killSwitch: true },
  { name: 'banner', description: 'Holiday banner', enabled: true, killSwitch: false },
];

describe('AppConfigFeatureFlags', () => {
  const app = new App();
  const stack = new Stack(app, 'Flags', { env: { region: 'eu-west-1', account: '111111111111' } });
  const alarm = new cloudwatch.Alarm(stack, 'Rollback', {
    alarmName: 'checkout-prod-rollback',
    metric: new cloudwatch.Metric({ namespace: 'X', metricName: 'Y' }),
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const flags = new AppConfigFeatureFlags(stack, 'FeatureFlags', {
    applicationName: 'checkout-prod',
    environmentName: 'prod',
    flags: FLAGS,
    monitors: [alarm],
  });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  flags.grantRead(reader);
  const template = Template.fromStack(stack);

  test('an application, an environment and a FEATURE_FLAGS profile with deterministic names', () => {
    template.hasResourceProperties('AWS::AppConfig::Application', { Name: 'checkout-prod' });
    template.hasResourceProperties('AWS::AppConfig::Environment', { Name: 'prod' });
    template.hasResourceProperties('AWS::AppConfig::ConfigurationProfile', {
      Name: 'feature-flags',
      LocationUri: 'hosted',
      Type: 'AWS.AppConfig.FeatureFlags',
    });
  });

  test('the hosted version holds the flags in the AWS.AppConfig.FeatureFlags format, gradual flags as variants', () => {
    const [version] = Object.values(template.findResources('AWS::AppConfig::HostedConfigurationVersion'));
    expect(version.Properties.ContentType).toBe('application/json');
    expect(JSON.parse(version.Properties.Content)).toEqual({
      version: '1',
      flags: {
        autocomplete: { name: 'autocomplete', description: 'Address autocomplete' },
        banner: { name: 'banner', description: 'Holiday banner' },
        'one-click': { name: 'one-click', description: 'One-click checkout' },
      },
      values: {
        autocomplete: { enabled: false },
        banner: { enabled: true },
        'one-click': {
          _variants: [
            { name: 'internal', enabled: true, rule: '(eq $internal true)' },
            { name: 'rollout', enabled: true, rule: '(split pct::10 by::$userId)' },
            { name: 'default', enabled: false },
          ],
        },
      },
    });
  });

  test('a gradual release strategy and an immediate kill-switch strategy', () => {
    template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', {
      Name: 'checkout-prod-release',
      DeploymentDurationInMinutes: 10,
      GrowthFactor: 20,
      FinalBakeTimeInMinutes: 10,
      ReplicateTo: 'NONE',
    });
    template.hasResourceProperties('AWS::AppConfig::DeploymentStrategy', {
      Name: 'checkout-prod-kill-switch',
      DeploymentDurationInMinutes: 0,
      GrowthFactor: 100,
      FinalBakeTimeInMinutes: 0,
    });
    template.hasResourceProperties('AWS::AppConfig::Deployment', {
      DeploymentStrategyId: { Ref: Match.stringLikeRegexp('ReleaseStrategy') },
    });
  });

  test('the alarms roll a flag change back, read through a role AppConfig assumes', () => {
    template.hasResourceProperties('AWS::AppConfig::Environment', {
      Monitors: [
        {
          AlarmArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Rollback'), 'Arn'] },
          AlarmRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('MonitorRole'), 'Arn'] },
        },
      ],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'appconfig.amazonaws.com' } })] }),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 'cloudwatch:DescribeAlarms', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('Rollback'), 'Arn'] } },
        ],
        Version: '2012-10-17',
      },
    });
  });

  test('grantRead allows reading this profile only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Reader') }],
      PolicyDocument: {
        Statement: [
          {
            Action: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': Match.anyValue() },
          },
        ],
        Version: '2012-10-17',
      },
    });
  });

  test('level 1 of the runbook: kill switches only, with the kill-switch strategy, verified, within 1m', () => {
    const [level1] = flags.runbookFacts().rollback!;
    const commands = level1.commands.map((c) => c.command).join('\n');
    expect(commands).toContain(`--query "Items[?Name=='checkout-prod-kill-switch'].Id"`);
    // One declared flag per run (FLAG, refused unless declared), turned off on top of the version
    // deployed now, so a second kill switch keeps the first.
    expect(commands).toContain('case "$FLAG" in one-click|autocomplete)');
    expect(commands).toContain(`jq --arg flag "$FLAG" '.values[$flag] = {"enabled": false}' flags.json > flags-off.json`);
    expect(commands).toContain(`Items[?State=='COMPLETE' && ConfigurationName=='feature-flags'] | [0].ConfigurationVersion`);
    // The monitors in ALARM would roll the kill switch back: their actions are paused, then re-enabled.
    expect(commands).toContain('aws cloudwatch disable-alarm-actions --alarm-names checkout-prod-rollback --region eu-west-1');
    // Re-enabled on exit of the subshell (a trap), whatever happens; verify finds none left disabled.
    expect(commands).toContain("trap 'aws cloudwatch enable-alarm-actions --alarm-names checkout-prod-rollback --region eu-west-1' EXIT");
    expect(level1.verify.map((c) => c.command).join('\n')).toContain(
      "aws cloudwatch describe-alarms --alarm-names checkout-prod-rollback --query 'MetricAlarms[?ActionsEnabled==`false`].AlarmName'",
    );
    expect(commands).toContain('aws appconfig start-deployment');
    expect(commands).not.toContain('banner');
    expect(level1.verify.map((c) => c.command).join('\n')).toContain('aws appconfigdata get-latest-configuration');
    expect(level1.bound).toMatchObject({ total: Duration.seconds(30), budget: Duration.minutes(1), withinBudget: true });
  });

  test('documents where the workload reads the flags', () => {
    expect(flags.localUrl).toBe('http://localhost:2772/applications/checkout-prod/environments/prod/configurations/feature-flags');
    expect(flags.agentEnvironment()).toEqual({ POLL_INTERVAL: '15', AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS: '15' });
    expect(flags.runbookFacts().notes![0]).toContain('AppConfig agent sidecar on ECS, AppConfig Lambda extension on Lambda');
  });

  test('a slow poll interval is reported over budget', () => {
    const slow = new AppConfigFeatureFlags(new Stack(new App(), 'Slow'), 'Flags', {
      applicationName: 'a-b',
      environmentName: 'b',
      flags: FLAGS,
      pollInterval: Duration.seconds(90),
    });
    expect(slow.runbookFacts().rollback![0].bound).toMatchObject({ withinBudget: false });
  });

  test('fails when there are no flags', () => {
    expect(
      () =>
        new AppConfigFeatureFlags(new Stack(new App(), 'None'), 'Flags', {
          applicationName: 'checkout-prod',
          environmentName: 'prod',
          flags: [],
        }),
    ).toThrow('flags is empty for AppConfig application "checkout-prod"; declare at least one flag or leave AppConfigFeatureFlags out');
  });
});
