import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { healthProbeSource, PROBE_METRIC, PROBE_NAMESPACE } from '../../../lib/handlers/health-probe-code';
import type { SmokeCheckSpec } from '../../../lib/smoke/check';
import { assumedBy } from './resource-context';

/** What the probe calls: a base URL users reach, or the ARN of the live alias. */
export type ProbeTarget = { readonly url: pulumi.Input<string> } | { readonly aliasArn: pulumi.Input<string> };

/**
 * The dead-man's switch probe as `HealthProbe` creates it on CloudFormation: the same inline
 * source, a schedule every minute, `cloudwatch:PutMetricData` confined to the Glidepath namespace,
 * and the heartbeat metric the switch watches.
 */
export function createHealthProbe(
  serviceName: string,
  target: ProbeTarget,
  check: SmokeCheckSpec,
  where: string,
  scope: { retentionInDays: number; tags: Record<string, string>; opts: pulumi.CustomResourceOptions; keep: pulumi.CustomResourceOptions },
): { description: string; namespace: string; metricName: string; dimensions: Record<string, string> } {
  const { tags, opts } = scope;
  const name = `${serviceName}-health-probe`;
  const settings = { attempts: 1, backoffMs: 0, timeoutMs: 5000 };
  const logGroup = new aws.cloudwatch.LogGroup(
    `/aws/lambda/${name}`,
    { name: `/aws/lambda/${name}`, retentionInDays: scope.retentionInDays, tags },
    scope.keep,
  );
  const role = new aws.iam.Role(
    name,
    {
      description: `Probes ${serviceName} every minute for its dead-man's switch`,
      assumeRolePolicy: assumedBy('lambda.amazonaws.com'),
      tags,
    },
    opts,
  );
  const policy = new aws.iam.RolePolicy(
    name,
    {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate`${logGroup.arn}:*` },
          // PutMetricData has no resource-level permissions; the namespace condition confines it.
          {
            Effect: 'Allow',
            Action: 'cloudwatch:PutMetricData',
            Resource: '*',
            Condition: { StringEquals: { 'cloudwatch:namespace': PROBE_NAMESPACE } },
          },
          ...('aliasArn' in target ? [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: target.aliasArn }] : []),
        ],
      }),
    },
    opts,
  );
  const fn = new aws.lambda.Function(
    name,
    {
      name,
      description: `Dead-man's switch probe of ${serviceName}: ${check.method} ${check.path} each minute`,
      runtime: aws.lambda.Runtime.NodeJS24dX,
      handler: 'index.handler',
      role: role.arn,
      timeout: Math.ceil((settings.attempts * (settings.timeoutMs + settings.backoffMs)) / 1000) + 10,
      memorySize: 128,
      code: new pulumi.asset.AssetArchive({ 'index.js': new pulumi.asset.StringAsset(healthProbeSource()) }),
      environment: {
        variables: {
          SERVICE: serviceName,
          PROBE_CHECK: JSON.stringify({ check, settings }),
          ...('url' in target ? { PROBE_URL: target.url } : { PROBE_FUNCTION: target.aliasArn }),
        },
      },
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      tags,
    },
    { ...opts, dependsOn: [policy] },
  );
  const rule = new aws.cloudwatch.EventRule(
    name,
    { description: `Runs the health probe of ${serviceName} every minute`, scheduleExpression: 'rate(1 minute)', tags },
    opts,
  );
  new aws.lambda.Permission(
    name,
    { action: 'lambda:InvokeFunction', function: fn.name, principal: 'events.amazonaws.com', sourceArn: rule.arn },
    opts,
  );
  new aws.cloudwatch.EventTarget(
    name,
    { rule: rule.name, arn: fn.arn, retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 } },
    opts,
  );
  return {
    description: `passing health probes of ${where} (each minute, by ${name})`,
    namespace: PROBE_NAMESPACE,
    metricName: PROBE_METRIC,
    dimensions: { Service: serviceName },
  };
}
