/**
 * AWS AppConfig facts both AWS targets use (CloudFormation's `AppConfigFeatureFlags` and the Pulumi
 * component), free of aws-cdk-lib so a Pulumi program needs only `@pulumi/*`.
 *
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-type-reference-feature-flags.html
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-ecs.html
 */
import type { FeatureFlag } from '../model/feature-flags';
import { APPCONFIG_LAMBDA_EXTENSION_VERSION, appConfigLambdaLayerArn, appConfigLambdaLayerRegions } from './appconfig-lambda-layers';

export { APPCONFIG_LAMBDA_EXTENSION_VERSION } from './appconfig-lambda-layers';

/** The AppConfig agent's local endpoint, where the workload reads its flags. */
export const APPCONFIG_AGENT_PORT = 2772;

/**
 * The AppConfig agent image for the ECS sidecar, pinned to one build: AWS's `2.x` tag floats, so
 * a task started by autoscaling could run a different agent than its siblings. Feature-flag
 * variants need 2.0.678 or later. Move the pin on purpose (the test says which line it is on).
 * AWS's pages name only the floating `2.x` tag (checked 2026-12-05: "Starting the AWS AppConfig
 * agent for Amazon ECS integration" and the EKS page) and publish no release notes per container
 * build; the build `2.0.13147` is a tag of the public gallery repository (also pulled by name in
 * public projects). Its number sits between the Lambda extension's 2.0.11962.0 (02/2026) and
 * 2.0.14126.0 (03/2026), far past 2.0.678; that the two share one numbering is our reading, not
 * a documented fact, so the container pin has no AWS page to check against.
 * @see https://gallery.ecr.aws/aws-appconfig/aws-appconfig-agent
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-containers-agent-starting-ecs.html
 */
export const APPCONFIG_AGENT_IMAGE = 'public.ecr.aws/aws-appconfig/aws-appconfig-agent:2.0.13147';

/** Where the workload reads the flags of `applicationName`/`environmentName` from the agent or extension. */
export function appConfigLocalUrl(applicationName: string, environmentName: string, profileName = 'feature-flags'): string {
  return `http://localhost:${APPCONFIG_AGENT_PORT}/applications/${applicationName}/environments/${environmentName}/configurations/${profileName}`;
}

/**
 * The `AWS.AppConfig.FeatureFlags` document for `flags`: one flag each; a gradual flag is a
 * multi-variant flag whose variants are `internal` (rule `(eq $internal true)`), `rollout`
 * (`(split pct::N by::$userId)`) and the default variant, off.
 */
export function appConfigFlagsContent(flags: readonly FeatureFlag[]): Record<string, unknown> {
  const sorted = [...flags].sort((a, b) => a.name.localeCompare(b.name));
  return {
    version: '1',
    flags: Object.fromEntries(sorted.map((f) => [f.name, { name: f.name, description: f.description.slice(0, 1024) }])),
    values: Object.fromEntries(
      sorted.map((f) => {
        if (!f.rollout || !f.enabled) {
          return [f.name, { enabled: f.enabled }];
        }
        const variants = [
          ...(f.rollout.internalFirst ? [{ name: 'internal', enabled: true, rule: '(eq $internal true)' }] : []),
          ...(f.rollout.percent > 0 ? [{ name: 'rollout', enabled: true, rule: `(split pct::${f.rollout.percent} by::$userId)` }] : []),
          { name: 'default', enabled: false },
        ];
        return [f.name, { _variants: variants }];
      }),
    ),
  };
}

/**
 * ARN of the AppConfig Lambda extension layer in `region` for `architecture`, from glidepath's own
 * table (`appconfig-lambda-layers.ts`: aws-cdk-lib's region facts stop before flag variants); an
 * error naming the regions glidepath knows when the table has none there.
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-versions.html
 */
export function appConfigLambdaExtensionArn(region: string, architecture: 'x86_64' | 'arm64', applicationName: string): string {
  const arn = appConfigLambdaLayerArn(region, architecture);
  if (arn === undefined) {
    throw new Error(
      `AppConfigFeatureFlags '${applicationName}': AWS publishes no AppConfig Lambda extension ${APPCONFIG_LAMBDA_EXTENSION_VERSION} (${architecture}) in ${region} (glidepath knows ${appConfigLambdaLayerRegions().join(', ')}); use one of those regions`,
    );
  }
  return arn;
}
