import { Duration as CdkDuration, RemovalPolicy } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { healthProbeSource, PROBE_METRIC, PROBE_NAMESPACE } from '../../lib/handlers/health-probe-code';
import type { SmokeCheckSpec, SmokeSettings } from '../../lib/smoke/check';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { ACKNOWLEDGEMENTS } from '../../lib/runbook/platforms/aws-accepted-risks';
import { acknowledge } from './private/acknowledge';

/** What a `HealthProbe` calls: a URL through the load balancer, or the live alias of a function. */
export class HealthProbeTarget {
  /** An HTTP(S) base URL users reach, e.g. `https://checkout.acme.example`; the check's path is appended. */
  public static url(baseUrl: string): HealthProbeTarget {
    return new HealthProbeTarget(baseUrl);
  }

  /** A function alias, invoked with an HTTP API (payload 2.0) event built from the check. */
  public static functionAlias(alias: lambda.IAlias): HealthProbeTarget {
    return new HealthProbeTarget(undefined, alias);
  }

  private constructor(
    /** @internal */ public readonly _url?: string,
    /** @internal */ public readonly _alias?: lambda.IAlias,
  ) {}
}

/** Props for `HealthProbe`. */
export interface HealthProbeProps {
  /** Physical name of the service; the `Service` dimension of the metric. */
  readonly serviceName: string;
  /** Physical name of the probe function, e.g. `checkout-prod-health-probe`. */
  readonly functionName: string;
  readonly target: HealthProbeTarget;
  /** The check to run each minute (a health path, or the first smoke test). */
  readonly check: SmokeCheckSpec;
  /** Attempts and limits of one probe. @default - one attempt, 5 s */
  readonly settings?: SmokeSettings;
  /** Log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Removal of the log group. @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A heartbeat that does not depend on user traffic: every minute a scheduled function sends one
 * check the way users reach the service and publishes `Glidepath/HealthProbe` only when it passes.
 * A `DeadMansSwitch` on `metric` (missing data breaching) then fires when the service cannot be
 * reached, on a quiet night as at peak, and stays quiet while nobody uses a healthy service.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries.html (the managed alternative)
 */
export class HealthProbe extends Construct implements IRunbookContributor {
  /** The probe function. */
  public readonly function: lambda.Function;
  /** One datapoint a minute while the check passes. */
  public readonly metric: cloudwatch.Metric;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: HealthProbeProps,
  ) {
    super(scope, id);
    const settings = props.settings ?? { attempts: 1, backoffMs: 0, timeoutMs: 5000 };
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Probes ${props.serviceName} every minute for its dead-man's switch`,
    });
    logGroup.grantWrite(role);
    // PutMetricData has no resource-level permissions; the namespace condition confines it.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': PROBE_NAMESPACE } },
      }),
    );
    acknowledge(role, ACKNOWLEDGEMENTS.healthProbe);
    this.function = new lambda.Function(this, 'Resource', {
      functionName: props.functionName,
      description: `Dead-man's switch probe of ${props.serviceName}: ${props.check.method} ${props.check.path} each minute`,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(healthProbeSource()),
      timeout: CdkDuration.seconds(Math.ceil((settings.attempts * (settings.timeoutMs + settings.backoffMs)) / 1000) + 10),
      memorySize: 128,
      role,
      logGroup,
      environment: {
        SERVICE: props.serviceName,
        PROBE_CHECK: JSON.stringify({ check: props.check, settings }),
        ...(props.target._url ? { PROBE_URL: props.target._url } : { PROBE_FUNCTION: props.target._alias!.functionArn }),
      },
    });
    props.target._alias?.grantInvoke(this.function);
    new events.Rule(this, 'Schedule', {
      description: `Runs the health probe of ${props.serviceName} every minute`,
      schedule: events.Schedule.rate(CdkDuration.minutes(1)),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });
    this.metric = new cloudwatch.Metric({
      namespace: PROBE_NAMESPACE,
      metricName: PROBE_METRIC,
      dimensionsMap: { Service: props.serviceName },
      statistic: 'SampleCount',
      period: CdkDuration.minutes(1),
    });
  }

  /** What the heartbeat is, in words, for the switch's alarm and runbook. */
  public get description(): string {
    const where = this.props.target._url ? `${this.props.target._url}${this.props.check.path}` : 'the live alias';
    return `passing health probes (${this.props.check.method} ${where}, each minute, by ${this.props.functionName})`;
  }

  public runbookFacts(): RunbookFacts {
    return { resources: [{ type: 'AWS::Lambda::Function', name: this.props.functionName }] };
  }
}
