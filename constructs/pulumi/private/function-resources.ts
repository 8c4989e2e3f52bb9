import * as path from 'node:path';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { publishersOf, routeAlerts } from './alert-routing';
import { RetentionPolicy, type EnvironmentDefinition } from '../../../lib/model/environment';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import { logRetentionDays } from '../../../lib/plan/container-task-spec';
import type { LambdaRolloutPlan, LambdaTrafficRouting } from '../../../lib/plan/codedeploy-schedule';
import { functionReleaseSpec, type FunctionReleaseSpec } from '../../../lib/plan/function-release-spec';
import { rollbackAlarmMinimumRequests } from '../../../lib/plan/detection/detection-plan';
import type { ResourceNames } from '../../../lib/plan/names';
import { AlarmSeverity } from '../../../lib/runbook/facts';
import { functionAlarmSpecs } from './alarm-specs';
import { createAliasShift } from './alias-shift';
import { createFeatureFlags, flagsEnvironment, lambdaExtension } from './feature-flags';
import { checkRegion, createAlertTopics, deadMansSwitchAlarm, metricAlarm, type AwsResources } from './aws-resources';
import { createHealthProbe } from './health-probe';
import { createSmokeHook } from './smoke-hook';
import { HeartbeatSource } from '../../../lib/model/dead-mans-switch';
import { platformSmokeTests } from '../../../lib/smoke/inline';

/**
 * Creates, as children of `parent`, the @pulumi/aws resources of a function workload that
 * `DeploymentStack` creates through CloudFormation: the function with published (retained)
 * versions, the `live` alias, the CodeDeploy application, custom deployment config and deployment
 * group with auto-rollback and the rollback alarms, the pre-traffic smoke-test hook, the alarm set,
 * the dead-man's switch and a dashboard. A new version reaches the alias only through a CodeDeploy
 * deployment that `pulumi up` starts and waits for (see `alias-deployer-code.ts`).
 */
export function createFunctionResources(
  parent: pulumi.ComponentResource,
  def: ServiceDefinition,
  env: EnvironmentDefinition,
  names: ResourceNames,
  plan: LambdaRolloutPlan,
  runbookLink: (anchor: string) => string,
): AwsResources & {
  readonly release: FunctionReleaseSpec;
  readonly functionArn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;
} {
  const fn = def.workload.function!;
  const opts: pulumi.CustomResourceOptions = { parent };
  const keep: pulumi.CustomResourceOptions = { parent, retainOnDelete: env.retention === RetentionPolicy.RETAIN };
  const tags = { 'glidepath:service': def.service, 'glidepath:environment': env.name, 'glidepath:team': def.owners.team };
  const region = aws.getRegionOutput({}, { parent }).region.apply((r) => checkRegion(r, env, names));
  const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
  const retentionInDays = logRetentionDays(env.production);
  const release = functionReleaseSpec(names.base, plan.routing);
  const assumedBy = (service: string) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });

  const { critical, warning, key: topicKey } = createAlertTopics(names, tags, opts, keep);

  // The function: its own log group, a role that may write only there, secrets by ARN only.
  const logGroup = new aws.cloudwatch.LogGroup(release.logGroupName, { name: release.logGroupName, retentionInDays, tags }, keep);
  const role = new aws.iam.Role(
    `${names.base}-function`,
    { description: `Runs ${names.base}`, assumeRolePolicy: assumedBy('lambda.amazonaws.com'), tags },
    opts,
  );
  const secrets = env.secrets.map((s) => ({
    envVar: `${s.envVar}_SECRET_ARN`,
    arn: aws.secretsmanager.getSecretOutput({ name: s.secretName }, { parent }).arn,
  }));
  const rolePolicy = new aws.iam.RolePolicy(
    `${names.base}-function`,
    {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroup.arn },
          // X-Ray's PutTraceSegments and PutTelemetryRecords have no resource to scope to.
          { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
          ...(secrets.length > 0
            ? [
                {
                  Effect: 'Allow',
                  Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
                  Resource: secrets.map((s) => s.arn),
                },
              ]
            : []),
        ],
      }),
    },
    opts,
  );
  // Functions read their flags from the AppConfig Lambda extension's local endpoint.
  const extension = def.featureFlags.length > 0 ? lambdaExtension(names, region) : undefined;
  const lambdaFunction = new aws.lambda.Function(
    names.base,
    {
      name: release.functionName,
      role: role.arn,
      runtime: fn.runtime,
      handler: fn.handler,
      code: new pulumi.asset.FileArchive(path.resolve(def.baseDirectory, fn.code)),
      memorySize: fn.memoryMiB,
      timeout: fn.timeout.toSeconds(),
      environment: {
        variables: {
          ...fn.environment,
          ...flagsEnvironment(names, env.name, def.featureFlags),
          ...extension?.environment,
          ...Object.fromEntries(secrets.map((s) => [s.envVar, s.arn])),
        },
      },
      layers: extension && [extension.layer],
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      // Every change publishes a version; old versions stay, so level 2 can point the alias back.
      publish: true,
      tags,
    },
    { ...opts, dependsOn: [rolePolicy] },
  );
  // Created on the first version; afterwards only CodeDeploy moves it (see the deployer below).
  const alias = new aws.lambda.Alias(
    `${names.base}-${release.aliasName}`,
    {
      name: release.aliasName,
      functionName: lambdaFunction.name,
      functionVersion: lambdaFunction.version,
    },
    { ...opts, ignoreChanges: ['functionVersion', 'routingConfig'] },
  );

  // Alarms on the alias; the rollback, critical error and p99 alarms stop the shift.
  const specs = env.alarms.enabled
    ? functionAlarmSpecs(env.alarms, {
        functionName: release.functionName,
        aliasName: release.aliasName,
        version: lambdaFunction.version,
        minimumRequests: rollbackAlarmMinimumRequests(def.service, env, plan.schedule),
      })
    : [];
  const alarms = specs.map((spec) =>
    metricAlarm(spec, names, spec.severity === AlarmSeverity.WARNING ? warning : critical, runbookLink, tags, opts),
  );
  const rollbackAlarmNames = specs.filter((s) => s.severity !== AlarmSeverity.WARNING).map((s) => names.alarm(s.kind));
  if (def.featureFlags.length > 0) {
    // The alarms that roll a deployment back also roll a bad flag change back.
    const monitors = alarms.filter((_, i) => specs[i].severity !== AlarmSeverity.WARNING);
    createFeatureFlags(names, env.name, def.featureFlags, monitors, [role.id], { region, account, tags, opts });
  }

  // CodeDeploy: application, the custom config compiled from the plan, the group with auto-rollback.
  const application = new aws.codedeploy.Application(
    release.applicationName,
    { name: release.applicationName, computePlatform: 'Lambda', tags },
    opts,
  );
  const config = new aws.codedeploy.DeploymentConfig(
    release.deploymentConfigName,
    {
      deploymentConfigName: release.deploymentConfigName,
      computePlatform: 'Lambda',
      trafficRoutingConfig: trafficRoutingConfig(plan.routing),
    },
    opts,
  );
  const hook = def.smokeTests
    ? createSmokeHook(
        def.smokeTests,
        release.smokeHookName,
        {
          functionVersion: lambdaFunction,
          codeDeployGroupArn: pulumi.interpolate`arn:aws:codedeploy:${region}:${account}:deploymentgroup:${release.applicationName}/${release.deploymentGroupName}`,
        },
        { retentionInDays, tags, opts, keep },
      )
    : undefined;
  const codeDeployRole = new aws.iam.Role(
    `${names.base}-codedeploy`,
    { assumeRolePolicy: assumedBy('codedeploy.amazonaws.com'), tags },
    opts,
  );
  new aws.iam.RolePolicyAttachment(
    `${names.base}-codedeploy`,
    {
      role: codeDeployRole.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited',
    },
    opts,
  );
  if (hook) {
    new aws.iam.RolePolicy(
      `${names.base}-codedeploy-hook`,
      {
        role: codeDeployRole.id,
        policy: pulumi.jsonStringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [hook.arn, pulumi.interpolate`${hook.arn}:*`] }],
        }),
      },
      opts,
    );
  }
  const group = new aws.codedeploy.DeploymentGroup(
    release.deploymentGroupName,
    {
      appName: application.name,
      deploymentGroupName: release.deploymentGroupName,
      serviceRoleArn: codeDeployRole.arn,
      deploymentConfigName: config.deploymentConfigName,
      deploymentStyle: { deploymentOption: 'WITH_TRAFFIC_CONTROL', deploymentType: 'BLUE_GREEN' },
      autoRollbackConfiguration: { enabled: true, events: [...release.autoRollbackEvents] },
      alarmConfiguration: rollbackAlarmNames.length > 0 ? { alarms: rollbackAlarmNames, enabled: true } : undefined,
      tags,
    },
    { ...opts, dependsOn: alarms },
  );

  // The shift itself: CloudFormation's CodeDeployLambdaAliasUpdate, as a deployment `pulumi up` waits for.
  createAliasShift({
    names,
    release,
    routing: plan.routing,
    region,
    account,
    alias,
    version: lambdaFunction.version,
    application,
    group,
    config,
    hook,
    retentionInDays,
    tags,
    opts,
    keep,
  });

  const allAlarms = [...alarms];
  const allNames = specs.map((s) => names.alarm(s.kind));
  if (env.deadMansSwitch.enabled) {
    const name = names.alarm('dead-mans-switch');
    // Independent of user traffic, as DeploymentStack: a probe invokes the live alias each minute
    // with the first smoke check; without smoke tests the switch keeps the invocations.
    const [first] = def.smokeTests ? platformSmokeTests(def.smokeTests).checks : [];
    const platform =
      env.deadMansSwitch.source !== HeartbeatSource.HEARTBEAT && first
        ? createHealthProbe(names.base, { aliasArn: alias.arn }, first, `the live alias (smoke check ${first.name})`, {
            retentionInDays,
            tags,
            opts,
            keep,
          })
        : {
            description: `Lambda invocations of ${names.base}`,
            namespace: 'AWS/Lambda',
            metricName: 'Invocations',
            dimensions: { FunctionName: release.functionName, Resource: `${release.functionName}:${release.aliasName}` },
          };
    allAlarms.push(deadMansSwitchAlarm(name, env, names, platform, critical, runbookLink, tags, opts));
    allNames.push(name);
  }
  routeAlerts({
    names,
    env,
    region,
    account,
    topics: { critical, warning },
    key: topicKey,
    publishers: publishersOf(specs, names, env),
    tags,
    opts,
  });

  const dimensions = ['FunctionName', release.functionName, 'Resource', `${release.functionName}:${release.aliasName}`];
  const dashboard = new aws.cloudwatch.Dashboard(
    `${names.base}-dashboard`,
    {
      dashboardName: names.base,
      dashboardBody: pulumi.jsonStringify({
        widgets: [
          { type: 'alarm', width: 24, height: 3, x: 0, y: 0, properties: { title: 'Alarms', alarms: allAlarms.map((a) => a.arn) } },
          {
            type: 'metric',
            width: 12,
            height: 6,
            x: 0,
            y: 3,
            properties: {
              title: 'Invocations and errors',
              region,
              stat: 'Sum',
              metrics: [
                ['AWS/Lambda', 'Invocations', ...dimensions],
                ['AWS/Lambda', 'Errors', ...dimensions],
              ],
            },
          },
          {
            type: 'metric',
            width: 12,
            height: 6,
            x: 12,
            y: 3,
            properties: {
              title: 'Duration (ms)',
              region,
              metrics: [
                ['AWS/Lambda', 'Duration', ...dimensions, { stat: 'p99' }],
                ['AWS/Lambda', 'Duration', ...dimensions, { stat: 'p95' }],
              ],
            },
          },
        ],
      }),
    },
    opts,
  );

  return {
    serviceUrl: pulumi.output(''),
    alarmNames: allNames,
    alarmArns: pulumi.all(allAlarms.map((a) => a.arn)),
    topicArns: { critical: critical.arn, warning: warning.arn },
    dashboardName: dashboard.dashboardName,
    release,
    functionArn: lambdaFunction.arn,
    roleName: role.name,
  };
}

/** CodeDeploy's traffic routing from the compiled plan. */
function trafficRoutingConfig(routing: LambdaTrafficRouting): aws.types.input.codedeploy.DeploymentConfigTrafficRoutingConfig {
  switch (routing.type) {
    case 'canary':
      return { type: 'TimeBasedCanary', timeBasedCanary: { interval: routing.intervalMinutes, percentage: routing.percentage } };
    case 'linear':
      return { type: 'TimeBasedLinear', timeBasedLinear: { interval: routing.intervalMinutes, percentage: routing.percentage } };
    case 'all-at-once':
      return { type: 'AllAtOnce' };
  }
}
