/**
 * The checkout example's prod environment through Pulumi: the same definition that `cdk deploy`
 * and `kubectl apply` ship, with the same names, thresholds, weights and bake times.
 *
 *   pulumi stack init prod
 *   pulumi config set vpcId vpc-...                                # platform aws
 *   pulumi config set --path 'publicSubnetIds[0]' subnet-...       # and [1]
 *   pulumi config set --path 'privateSubnetIds[0]' subnet-...      # and [1]
 *   pulumi up
 *
 * Outside this repository, import from 'glidepath/pulumi' and 'glidepath'.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { loadDefinitionFile } from '../../lib/model';

const config = new pulumi.Config();
const platform = config.get('platform') === 'kubernetes' ? DeploymentPlatform.KUBERNETES : DeploymentPlatform.AWS;
const definition = loadDefinitionFile(path.join(__dirname, '..', 'checkout', 'definition.yaml'));

const checkout = new DeploymentComponent('checkout-prod', {
  definition,
  environment: 'prod',
  platform,
  network:
    platform === DeploymentPlatform.AWS
      ? {
          vpcId: config.require('vpcId'),
          publicSubnetIds: config.requireObject<string[]>('publicSubnetIds'),
          privateSubnetIds: config.requireObject<string[]>('privateSubnetIds'),
        }
      : undefined,
});
for (const warning of checkout.warnings) {
  // Logging is fire-and-forget in a Pulumi program.
  void pulumi.log.warn(warning, checkout);
}

/** The runbook's smoke test reads this output: `pulumi stack output serviceUrl`. */
export const serviceUrl = checkout.serviceUrl;
export const alarmNames = checkout.alarmNames;
export const alarmArns = checkout.alarmArns;
export const topicArns = checkout.topicArns;
export const namespace = checkout.namespace;
export const dashboardName = checkout.dashboardName;
