import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { HEALTH_PROBE_HANDLER } from './handlers';

/** Inputs of `addHealthProbe`. */
export interface HealthProbeOptions {
  /** `<service>-<environment>`: the metric's `Service` dimension and the function name's prefix. */
  readonly base: string;
  /** Where users reach the service (`https://<domain>` or the load balancer's URL). */
  readonly serviceUrl: string;
  readonly healthCheckPath: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The heartbeat of the dead-man's switch, by hand: a function scheduled every minute sends one
 * health check the way users reach the service and publishes `Glidepath/HealthProbe` when it
 * passes. Returns the metric the switch alarms on (missing data breaching).
 */
export function addHealthProbe(scope: Construct, options: HealthProbeOptions): cloudwatch.Metric {
  const functionName = `${options.base}-health-probe`;
  const logGroup = new logs.LogGroup(scope, 'HealthProbeLogs', {
    logGroupName: `/aws/lambda/${functionName}`,
    retention: options.logRetention,
    removalPolicy: options.removalPolicy,
  });
  const role = new iam.Role(scope, 'HealthProbeRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Probes ${options.base} every minute for its dead-man's switch`,
  });
  logGroup.grantWrite(role);
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'Glidepath' } },
    }),
  );
  const check = { name: 'health', method: 'GET', path: options.healthCheckPath, expectedStatus: 200, maxLatencyMs: 5000, headers: {} };
  const probe = new lambda.Function(scope, 'HealthProbe', {
    description: `Dead-man's switch probe of ${options.base}: GET ${options.healthCheckPath} each minute`,
    functionName,
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(HEALTH_PROBE_HANDLER),
    // One attempt of at most 5 s, plus 10 s.
    timeout: Duration.seconds(15),
    memorySize: 128,
    role,
    logGroup,
    environment: {
      SERVICE: options.base,
      PROBE_CHECK: JSON.stringify({ check, settings: { attempts: 1, backoffMs: 0, timeoutMs: 5000 } }),
      PROBE_URL: options.serviceUrl,
    },
  });
  new events.Rule(scope, 'HealthProbeSchedule', {
    description: `Runs the health probe of ${options.base} every minute`,
    schedule: events.Schedule.rate(Duration.minutes(1)),
    targets: [new targets.LambdaFunction(probe, { retryAttempts: 0 })],
  });
  return new cloudwatch.Metric({
    namespace: 'Glidepath',
    metricName: 'HealthProbe',
    dimensionsMap: { Service: options.base },
    statistic: 'SampleCount',
    period: Duration.minutes(1),
  });
}
