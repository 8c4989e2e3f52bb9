import type { AwsCli } from '../aws-cli';
import type { RunbookCommand } from '../facts';

/** Output of the stack that holds the hosted configuration version its template deploys. */
export const FLAGS_VERSION_OUTPUT = 'FeatureFlagsVersion';

/** Pulumi type token of the hosted configuration version the Pulumi target deploys. */
const PULUMI_HOSTED_VERSION = 'aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion';

/** The shell line that sets STACK_VERSION from the CloudFormation stack's `FeatureFlagsVersion` output. */
function cloudFormationVersion(aws: AwsCli, stack: string): string {
  return `STACK_VERSION=$(${aws`cloudformation describe-stacks --stack-name ${stack} --query "Stacks[0].Outputs[?OutputKey=='${FLAGS_VERSION_OUTPUT}'].OutputValue" --output text`} 2>/dev/null || echo None)`;
}

/**
 * The shell line that sets STACK_VERSION from a Pulumi stack's state: the `versionNumber` of
 * the hosted configuration version of application $APP_ID that the last `pulumi up` deployed
 * (`pulumi stack export`); None before the first one.
 * @see https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_export/
 */
function pulumiVersion(stack: string): string {
  const filter = `[.deployment.resources[]? | select(.type == "${PULUMI_HOSTED_VERSION}" and .outputs.applicationId == $app) | .outputs.versionNumber][0] // "None"`;
  return `STACK_VERSION=$(pulumi stack export --stack ${stack} 2>/dev/null | jq -r --arg app "$APP_ID" '${filter}' 2>/dev/null); STACK_VERSION=\${STACK_VERSION:-None}`;
}

/** Where the flags version the deployment tool last deployed is recorded. */
export enum FlagsVersionSource {
  /** The CloudFormation stack's `FeatureFlagsVersion` output (`stackName` is the CloudFormation stack). */
  CLOUDFORMATION_OUTPUT = 'cloudformation-output',
  /** The Pulumi stack's state (`stackName` is the Pulumi stack). */
  PULUMI_STATE = 'pulumi-state',
}

/** What the guard needs to name. */
export interface AppConfigFlagGuardInput {
  readonly aws: AwsCli;
  readonly stackName: string;
  readonly applicationName: string;
  readonly environmentName: string;
  readonly profileName: string;
  /**
   * Where the guard reads the version the deployment tool last deployed.
   * @default FlagsVersionSource.CLOUDFORMATION_OUTPUT
   */
  readonly deployedVersion?: FlagsVersionSource;
}

/**
 * The pre-deployment guard of an environment with AppConfig flags. It stops a stack update when:
 *
 * - an AppConfig deployment runs in the environment: AppConfig runs one at a time per environment,
 *   so the stack's own flag deployment would fail and roll the whole release back;
 * - the flags the workload reads now are not the version the deployed stack put there: a kill
 *   switch (rollback level 1) or another deployment by hand is live, and the stack update would
 *   deploy the definition's flags over it (turning the killed flag back on with the gradual
 *   strategy) or fail against it.
 *
 * Each refusal says what to do.
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-deploying.html
 */
export function appConfigFlagGuard(input: AppConfigFlagGuardInput): RunbookCommand[] {
  const { aws, stackName: stack, applicationName: app, environmentName: env, profileName: profile } = input;
  return [
    {
      description: `Find the AppConfig application and environment of the flags (${app}, ${env})`,
      command: [
        `APP_ID=$(${aws`appconfig list-applications --query "Items[?Name=='${app}'].Id" --output text`})`,
        `ENV_ID=$(${aws`appconfig list-environments --application-id "$APP_ID" --query "Items[?Name=='${env}'].Id" --output text`})`,
      ].join('\n'),
      expected: 'two IDs (both empty before the first deployment of the stack: the next two steps then pass)',
    },
    {
      description:
        "Refuse to deploy while an AppConfig deployment runs in the environment: AppConfig runs one at a time, so the stack's flag deployment would fail and roll the release back. If it refuses, wait for that deployment (or stop it with `aws appconfig stop-deployment`), then deploy",
      command: `RUNNING=$(${aws`appconfig list-deployments --application-id "$APP_ID" --environment-id "$ENV_ID" --query "length(Items[?State=='DEPLOYING' || State=='BAKING' || State=='ROLLING_BACK'])" --output text`} 2>/dev/null || echo 0); if [ -n "$ENV_ID" ] && [ "$RUNNING" != "0" ]; then echo "an AppConfig deployment is running in ${env}; wait for it, then deploy" >&2; exit 1; fi`,
      expected: 'No output',
    },
    {
      description:
        "Refuse to deploy when the flags deployed now are not the version the stack deployed: a kill switch (rollback level 1) or another change by hand is live, and this deployment would put the definition's flags back. If it refuses: write the live state into the definition (for a kill switch, the flag's `enabled: false`), commit it, and deploy that; or, when the change by hand is over, deploy the stack's version again with `aws appconfig start-deployment` before the release",
      command: [
        input.deployedVersion === FlagsVersionSource.PULUMI_STATE ? pulumiVersion(stack) : cloudFormationVersion(aws, stack),
        `LIVE_VERSION=$(${aws`appconfig list-deployments --application-id "$APP_ID" --environment-id "$ENV_ID" --query "Items[?State=='COMPLETE' && ConfigurationName=='${profile}'] | [0].ConfigurationVersion" --output text`} 2>/dev/null || echo None)`,
        `if [ "$STACK_VERSION" != "None" ] && [ "$LIVE_VERSION" != "None" ] && [ "$LIVE_VERSION" != "$STACK_VERSION" ]; then echo "the flags live in ${env} (version $LIVE_VERSION) are not the stack's (version $STACK_VERSION): a kill switch or a change by hand would be undone; see the step description" >&2; exit 1; fi`,
      ].join('\n'),
      expected: 'No output: the flags live are the ones the stack deployed',
    },
  ];
}

/**
 * Guard steps written for a CloudFormation stack, for a release by `pulumi up` of the Pulumi
 * stack `stack`: the step comparing versions reads the deployed version from the Pulumi state
 * instead of the stack output; every other step is returned as it is.
 */
export function flagGuardForPulumi(steps: readonly RunbookCommand[], stack: string): RunbookCommand[] {
  return steps.map((step) => {
    const [first, ...rest] = step.command.split('\n');
    if (!first.startsWith('STACK_VERSION=$(') || !first.includes(FLAGS_VERSION_OUTPUT)) return step;
    return { ...step, command: [pulumiVersion(stack), ...rest].join('\n') };
  });
}
