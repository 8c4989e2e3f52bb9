import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { LambdaTrafficRouting } from '../../../lib/plan/rollout/codedeploy-schedule';
import type { FunctionReleaseSpec } from '../../../lib/plan/function-release-spec';
import type { ResourceNames } from '../../../lib/plan/names';
import { ALIAS_DEPLOYER_SOURCE } from './alias-deployer-code';

/** Lambda's longest run (15 minutes), less what one invocation keeps to start and answer. */
const POLL_SECONDS_PER_INVOCATION = 14 * 60;
/** A BeforeAllowTraffic hook may run as long as a Lambda function (15 minutes) before the shift starts. */
const HOOK_ALLOWANCE_SECONDS = 15 * 60;

/** Seconds CodeDeploy takes to shift the whole alias with `routing` (hooks aside). */
export function shiftSeconds(routing: LambdaTrafficRouting): number {
  switch (routing.type) {
    case 'canary':
      return routing.intervalMinutes * 60;
    case 'linear':
      return (Math.ceil(100 / routing.percentage) - 1) * routing.intervalMinutes * 60;
    case 'all-at-once':
      return 0;
  }
}

/**
 * How many times `pulumi up` invokes the deployer for one release: once to start the CodeDeploy
 * deployment, then as often as it takes to wait for the whole shift (and the pre-traffic hook),
 * each invocation polling for up to 14 minutes. Without the later invocations, a shift longer
 * than Lambda's 15 minutes would still run when `pulumi up` reports success, and a bad version
 * rolled back after that would leave `pulumi up` green.
 */
export function deployerInvocations(routing: LambdaTrafficRouting, hasHook: boolean): number {
  const wait = shiftSeconds(routing) + (hasHook ? HOOK_ALLOWANCE_SECONDS : 0);
  return Math.max(1, Math.ceil(wait / POLL_SECONDS_PER_INVOCATION));
}

/** What the shift needs from the function's resources. */
export interface AliasShiftInput {
  readonly names: ResourceNames;
  readonly release: FunctionReleaseSpec;
  readonly routing: LambdaTrafficRouting;
  readonly region: pulumi.Input<string>;
  readonly account: pulumi.Input<string>;
  readonly alias: aws.lambda.Alias;
  readonly version: pulumi.Output<string>;
  readonly application: aws.codedeploy.Application;
  readonly group: aws.codedeploy.DeploymentGroup;
  readonly config: aws.codedeploy.DeploymentConfig;
  readonly hook?: aws.lambda.Function;
  readonly retentionInDays: number;
  readonly tags: Record<string, string>;
  readonly opts: pulumi.CustomResourceOptions;
  readonly keep: pulumi.CustomResourceOptions;
}

/**
 * The shift itself: CloudFormation's `CodeDeployLambdaAliasUpdate`, as a CodeDeploy deployment
 * `pulumi up` starts and waits for. A deployer function (see `alias-deployer-code.ts`) is invoked
 * with the new version (`aws.lambda.Invocation`, once per release); when the shift outlasts one
 * invocation, the next invocations wait for the same deployment, each depending on the previous.
 */
export function createAliasShift(input: AliasShiftInput): aws.lambda.Invocation[] {
  const { names, release, region, account, alias, application, group, config, hook, tags, opts } = input;
  const deployerLogs = new aws.cloudwatch.LogGroup(
    `${names.base}-alias-deployer`,
    { name: `/aws/lambda/${names.base}-alias-deployer`, retentionInDays: input.retentionInDays, tags },
    input.keep,
  );
  const deployerRole = new aws.iam.Role(
    `${names.base}-alias-deployer`,
    {
      description: `Shifts alias ${release.aliasName} of ${names.base} through CodeDeploy during pulumi up`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      tags,
    },
    opts,
  );
  const deployerPolicy = new aws.iam.RolePolicy(
    `${names.base}-alias-deployer`,
    {
      role: deployerRole.id,
      policy: pulumi.jsonStringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: deployerLogs.arn },
          { Effect: 'Allow', Action: 'lambda:GetAlias', Resource: alias.arn },
          {
            Effect: 'Allow',
            Action: ['codedeploy:CreateDeployment', 'codedeploy:GetDeployment'],
            Resource: pulumi.interpolate`arn:aws:codedeploy:${region}:${account}:deploymentgroup:${application.name}/${group.deploymentGroupName}`,
          },
          {
            Effect: 'Allow',
            Action: 'codedeploy:GetDeploymentConfig',
            Resource: pulumi.interpolate`arn:aws:codedeploy:${region}:${account}:deploymentconfig:${config.deploymentConfigName}`,
          },
          {
            Effect: 'Allow',
            Action: ['codedeploy:RegisterApplicationRevision', 'codedeploy:GetApplicationRevision'],
            Resource: pulumi.interpolate`arn:aws:codedeploy:${region}:${account}:application:${application.name}`,
          },
        ],
      }),
    },
    opts,
  );
  const deployer = new aws.lambda.Function(
    `${names.base}-alias-deployer`,
    {
      name: `${names.base}-alias-deployer`,
      description: `Shifts ${names.base}:${release.aliasName} to a new version through CodeDeploy (${release.deploymentConfigName})`,
      runtime: aws.lambda.Runtime.NodeJS24dX,
      handler: 'index.handler',
      role: deployerRole.arn,
      // Lambda's limit; a longer shift is waited for by the next invocations.
      timeout: 900,
      code: new pulumi.asset.AssetArchive({ 'index.js': new pulumi.asset.StringAsset(ALIAS_DEPLOYER_SOURCE) }),
      loggingConfig: { logFormat: 'Text', logGroup: deployerLogs.name },
      tags,
    },
    { ...opts, dependsOn: [deployerPolicy] },
  );
  const shift = {
    functionName: release.functionName,
    aliasName: release.aliasName,
    targetVersion: input.version,
    applicationName: application.name,
    deploymentGroupName: group.deploymentGroupName,
    beforeAllowTraffic: hook?.name,
  };
  // A new version changes the input, so Pulumi invokes the deployer once per release.
  const invocations = [
    new aws.lambda.Invocation(
      `${names.base}-shift`,
      { functionName: deployer.name, input: pulumi.jsonStringify(shift) },
      { ...opts, dependsOn: [alias, group] },
    ),
  ];
  for (let i = 1; i < deployerInvocations(input.routing, hook !== undefined); i++) {
    const previous = invocations[i - 1];
    // The previous answer (its deployment id) is part of the input: each release waits again.
    invocations.push(
      new aws.lambda.Invocation(
        `${names.base}-shift-wait-${i}`,
        { functionName: deployer.name, input: pulumi.jsonStringify({ ...shift, waitFor: previous.result }) },
        { ...opts, dependsOn: [previous] },
      ),
    );
  }
  return invocations;
}
