import * as path from 'node:path';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { EnvironmentDefinition } from '../../../lib/model/environment';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import type { LambdaRolloutPlan, LambdaTrafficRouting } from '../../../lib/plan/rollout/codedeploy-schedule';
import { functionReleaseSpec, type FunctionReleaseSpec } from '../../../lib/plan/function-release-spec';
import { rollbackAlarmMinimumRequests } from '../../../lib/plan/detection/detection-plan';
import type { ResourceNames } from '../../../lib/plan/names';
import { secretArnVariable } from '../../../lib/plan/secret-bindings';
import { functionAlarmSpecs } from './alarm-specs';
import { createAliasShift } from './alias-shift';
import { createFeatureFlags, flagsEnvironment, lambdaExtension } from './feature-flags';
import { createAlertTopics } from './alert-topics';
import type { AwsResources } from './aws-resources';
import { createAlarms, createMonitoring } from './monitoring';
import { assumedBy, awsContext } from './resource-context';
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
  const ctx = awsContext(parent, def, env, names, runbookLink);
  const { opts, keep, tags, region, account, retentionInDays } = ctx;
  const release = functionReleaseSpec(names.base, plan.routing);

  const topics = createAlertTopics(ctx);

  // The function: its own log group, a role that may write only there, secrets by ARN only.
  const logGroup = new aws.cloudwatch.LogGroup(release.logGroupName, { name: release.logGroupName, retentionInDays, tags }, keep);
  const role = new aws.iam.Role(
    `${names.base}-function`,
    { description: `Runs ${names.base}`, assumeRolePolicy: assumedBy('lambda.amazonaws.com'), tags },
    opts,
  );
  const secrets = env.secrets.map((s) => ({
    envVar: secretArnVariable(s.envVar),
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
  const alarms = createAlarms(ctx, specs, topics);
  if (def.featureFlags.length > 0) {
    // The alarms that roll a deployment back also roll a bad flag change back.
    createFeatureFlags(names, env.name, def.featureFlags, alarms.rollback, [role.id], { region, account, tags, opts });
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
      alarmConfiguration: alarms.rollbackNames.length > 0 ? { alarms: alarms.rollbackNames, enabled: true } : undefined,
      tags,
    },
    { ...opts, dependsOn: alarms.all },
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

  const dimensions = ['FunctionName', release.functionName, 'Resource', `${release.functionName}:${release.aliasName}`];
  const monitoring = createMonitoring(ctx, {
    specs,
    alarms,
    topics,
    // Independent of user traffic, as DeploymentStack: a probe invokes the live alias each minute
    // with the first smoke check; without smoke tests the switch keeps the invocations.
    heartbeat: () => {
      const [first] = def.smokeTests ? platformSmokeTests(def.smokeTests).checks : [];
      return env.deadMansSwitch.source !== HeartbeatSource.HEARTBEAT && first
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
    },
    widgets: [
      {
        title: 'Invocations and errors',
        stat: 'Sum',
        metrics: [
          ['AWS/Lambda', 'Invocations', ...dimensions],
          ['AWS/Lambda', 'Errors', ...dimensions],
        ],
      },
      {
        title: 'Duration (ms)',
        metrics: [
          ['AWS/Lambda', 'Duration', ...dimensions, { stat: 'p99' }],
          ['AWS/Lambda', 'Duration', ...dimensions, { stat: 'p95' }],
        ],
      },
    ],
  });

  return {
    serviceUrl: pulumi.output(''),
    alarmNames: monitoring.alarmNames,
    alarmArns: monitoring.alarmArns,
    topicArns: { critical: topics.critical.arn, warning: topics.warning.arn },
    dashboardName: monitoring.dashboardName,
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
