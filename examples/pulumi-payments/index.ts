/**
 * The payments API example's prod environment through Pulumi: a Lambda function whose alias
 * CodeDeploy shifts by the same canary as `cdk deploy` (5% for 10 minutes, then all), watched by
 * the same alarms, with the smoke tests as the pre-traffic hook.
 *
 *   pulumi stack init prod
 *   pulumi up
 *
 * Outside this repository, import from 'glidepath/pulumi' and 'glidepath'.
 */
import * as pulumi from '@pulumi/pulumi';
import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { definition } from '../payments-api/definition';

const environment = new pulumi.Config().get('environment') ?? 'prod';
const payments = new DeploymentComponent(`payments-api-${environment}`, { definition, environment, platform: DeploymentPlatform.AWS });
for (const warning of payments.warnings) {
  // Logging is fire-and-forget in a Pulumi program.
  void pulumi.log.warn(warning, payments);
}

export const alarmNames = payments.alarmNames;
export const alarmArns = payments.alarmArns;
export const topicArns = payments.topicArns;
export const dashboardName = payments.dashboardName;
