/**
 * AWS AppConfig facts both AWS targets use (CloudFormation's `AppConfigFeatureFlags` and the Pulumi
 * component), free of aws-cdk-lib so a Pulumi program needs only `@pulumi/*`.
 *
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-type-reference-feature-flags.html
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-ecs.html
 */
import type { FeatureFlag } from '../model/feature-flags';

/** The AppConfig agent's local endpoint, where the workload reads its flags. */
export const APPCONFIG_AGENT_PORT = 2772;

/** The AppConfig agent image for the ECS sidecar, pinned to the 2.x line AWS publishes. */
export const APPCONFIG_AGENT_IMAGE = 'public.ecr.aws/aws-appconfig/aws-appconfig-agent:2.x';

/**
 * Version of the AWS AppConfig Lambda extension layer, the newest that aws-cdk-lib's region facts
 * list for both x86_64 and arm64.
 */
export const APPCONFIG_LAMBDA_EXTENSION_VERSION = '2.0.181';

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
 * ARN of the AppConfig Lambda extension layer in `region` for `architecture`, from a lookup of the
 * region facts aws-cdk-lib ships (`RegionInfo.get(region).appConfigLambdaArn`); an error naming the
 * region when AWS publishes none there.
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-versions.html
 */
export function appConfigLambdaExtensionArn(
  lookup: (version: string, architecture: 'x86_64' | 'arm64') => string | undefined,
  region: string,
  architecture: 'x86_64' | 'arm64',
  applicationName: string,
): string {
  const arn = lookup(APPCONFIG_LAMBDA_EXTENSION_VERSION, architecture);
  if (arn === undefined) {
    throw new Error(
      `AppConfigFeatureFlags '${applicationName}': aws-cdk-lib knows no AppConfig Lambda extension ${APPCONFIG_LAMBDA_EXTENSION_VERSION} (${architecture}) in ${region}; use a region where AWS publishes it`,
    );
  }
  return arn;
}
