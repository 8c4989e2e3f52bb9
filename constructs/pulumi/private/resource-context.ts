import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { RetentionPolicy, type EnvironmentDefinition } from '../../../lib/model/environment';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import { logRetentionDays } from '../../../lib/plan/container-task-spec';
import type { ResourceNames } from '../../../lib/plan/names';

/** What every @pulumi/aws resource of one deployment shares, whatever the workload. */
export interface AwsContext {
  readonly parent: pulumi.ComponentResource;
  readonly env: EnvironmentDefinition;
  readonly names: ResourceNames;
  /** Options of a resource that goes with the stack. */
  readonly opts: pulumi.CustomResourceOptions;
  /**
   * Options of a key, secret or log group: like the CloudFormation removal policy, these outlive
   * the stack when the environment retains data.
   */
  readonly keep: pulumi.CustomResourceOptions;
  readonly tags: Record<string, string>;
  /** The provider's region, checked against the environment's (see `checkRegion`). */
  readonly region: pulumi.Output<string>;
  readonly account: pulumi.Output<string>;
  /** Retention of every log group the deployment creates. */
  readonly retentionInDays: number;
  /** The physical name of a resource: `<service>-<environment>-<suffix>`. */
  readonly id: (suffix: string) => string;
  /** The runbook URL of an anchor, for alarm descriptions. */
  readonly runbookLink: (anchor: string) => string;
}

/** The shared context of the resources `parent` creates for one environment of `def`. */
export function awsContext(
  parent: pulumi.ComponentResource,
  def: ServiceDefinition,
  env: EnvironmentDefinition,
  names: ResourceNames,
  runbookLink: (anchor: string) => string,
): AwsContext {
  return {
    parent,
    env,
    names,
    opts: { parent },
    keep: { parent, retainOnDelete: env.retention === RetentionPolicy.RETAIN },
    tags: { 'glidepath:service': def.service, 'glidepath:environment': env.name, 'glidepath:team': def.owners.team },
    // Names are per environment, not per region: refuse to deploy one environment to the wrong region.
    region: aws.getRegionOutput({}, { parent }).region.apply((r) => checkRegion(r, env, names)),
    account: aws.getCallerIdentityOutput({}, { parent }).accountId,
    retentionInDays: logRetentionDays(env.production),
    id: (suffix) => `${names.base}-${suffix}`,
    runbookLink,
  };
}

/**
 * The region the provider deploys to, when it is the environment's (or the environment names none).
 * Resources that use the region (task definition, policies, dashboard) fail to register otherwise.
 */
export function checkRegion(providerRegion: string, env: EnvironmentDefinition, names: ResourceNames): string {
  if (env.region !== undefined && providerRegion !== env.region) {
    throw new Error(
      `DeploymentComponent '${names.base}': the AWS provider deploys to ${providerRegion}, but environments[${env.order}].region is ${env.region}; set aws:region (or pass a provider) to ${env.region}`,
    );
  }
  return providerRegion;
}

/** An IAM trust policy that lets one AWS service assume the role. */
export function assumedBy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
}
