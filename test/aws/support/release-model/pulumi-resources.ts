import type { Resources } from './cloudformation-stack';

/**
 * The resources a Pulumi program registered (inputs as the `@pulumi/aws` provider takes them), in
 * the CloudFormation property names the release model reads, so one model judges both AWS
 * targets. Only the properties the model reads are carried over; the mapping follows the two
 * resource references field by field.
 *
 * - `aws.ecs.Service`: `deploymentConfiguration.{strategy, bakeTimeInMinutes, canaryConfiguration,
 *   linearConfiguration}`, top-level `alarms` and `deploymentCircuitBreaker` (CloudFormation keeps
 *   those two inside `DeploymentConfiguration`), `desiredCount`.
 *   https://www.pulumi.com/registry/packages/aws/api-docs/ecs/service/,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-deploymentconfiguration.html
 * - `aws.cloudwatch.MetricAlarm`: `metricQueries[].metric.{namespace, metricName, dimensions,
 *   period, stat}` is CloudFormation's `Metrics[].MetricStat.{Metric, Period, Stat}`; `dimensions`
 *   is a map where CloudFormation has `[{Name, Value}]`.
 *   https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/metricalarm/
 * - `aws.codedeploy.DeploymentConfig`: `trafficRoutingConfig.timeBasedCanary.{interval,
 *   percentage}` is `TimeBasedCanary.{CanaryInterval, CanaryPercentage}` (linear likewise).
 *   https://www.pulumi.com/registry/packages/aws/api-docs/codedeploy/deploymentconfig/
 */

/** One registered resource, with the `ignoreChanges` option it was created with. */
export interface PulumiResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly ignoreChanges?: readonly string[];
}

const num = (v: unknown) => (v === undefined || v === null ? undefined : Number(v));
const dimensions = (d: Record<string, unknown> | undefined) =>
  Object.entries(d ?? {}).map(([Name, Value]) => ({ Name, Value: String(Value) }));

/** `aws.ecs.Service` inputs as `AWS::ECS::Service` properties. */
export function ecsServiceProperties(inputs: Record<string, any>): Record<string, any> {
  const dc = inputs.deploymentConfiguration ?? {};
  const canary = dc.canaryConfiguration;
  const linear = dc.linearConfiguration;
  return {
    TaskDefinition: inputs.taskDefinition,
    ...(inputs.desiredCount !== undefined ? { DesiredCount: num(inputs.desiredCount) } : {}),
    DeploymentConfiguration: {
      Strategy: dc.strategy,
      BakeTimeInMinutes: num(dc.bakeTimeInMinutes),
      CanaryConfiguration: canary && {
        CanaryPercent: num(canary.canaryPercent),
        CanaryBakeTimeInMinutes: num(canary.canaryBakeTimeInMinutes),
      },
      LinearConfiguration: linear && { StepPercent: num(linear.stepPercent), StepBakeTimeInMinutes: num(linear.stepBakeTimeInMinutes) },
      Alarms: inputs.alarms && { AlarmNames: inputs.alarms.alarmNames, Enable: inputs.alarms.enable, Rollback: inputs.alarms.rollback },
      DeploymentCircuitBreaker: inputs.deploymentCircuitBreaker && {
        Enable: inputs.deploymentCircuitBreaker.enable,
        Rollback: inputs.deploymentCircuitBreaker.rollback,
      },
    },
  };
}

/** `aws.cloudwatch.MetricAlarm` inputs as `AWS::CloudWatch::Alarm` properties. */
export function metricAlarmProperties(inputs: Record<string, any>): Record<string, any> {
  const queries = inputs.metricQueries as Record<string, any>[] | undefined;
  return {
    AlarmName: inputs.name,
    ComparisonOperator: inputs.comparisonOperator,
    EvaluationPeriods: num(inputs.evaluationPeriods),
    DatapointsToAlarm: num(inputs.datapointsToAlarm),
    Threshold: num(inputs.threshold),
    TreatMissingData: inputs.treatMissingData,
    ...(queries
      ? {
          Metrics: queries.map((q) => ({
            Id: q.id,
            Expression: q.expression,
            ReturnData: q.returnData,
            MetricStat: q.metric && {
              Metric: { Namespace: q.metric.namespace, MetricName: q.metric.metricName, Dimensions: dimensions(q.metric.dimensions) },
              Period: num(q.metric.period),
              Stat: q.metric.stat,
            },
          })),
        }
      : {
          Namespace: inputs.namespace,
          MetricName: inputs.metricName,
          Dimensions: dimensions(inputs.dimensions),
          Statistic: inputs.statistic,
          ExtendedStatistic: inputs.extendedStatistic,
          Period: num(inputs.period),
        }),
  };
}

/** `trafficRoutingConfig` of `aws.codedeploy.DeploymentConfig` as CloudFormation's `TrafficRoutingConfig`. */
export function trafficRouting(inputs: Record<string, any>): Record<string, any> {
  const r = inputs.trafficRoutingConfig ?? {};
  return {
    Type: r.type,
    ...(r.timeBasedCanary
      ? { TimeBasedCanary: { CanaryInterval: num(r.timeBasedCanary.interval), CanaryPercentage: num(r.timeBasedCanary.percentage) } }
      : {}),
    ...(r.timeBasedLinear
      ? { TimeBasedLinear: { LinearInterval: num(r.timeBasedLinear.interval), LinearPercentage: num(r.timeBasedLinear.percentage) } }
      : {}),
  };
}

/**
 * A template-shaped view of what the program registered: the service, its alarms, the scalable
 * target and the CodeDeploy config, keyed by Pulumi resource name.
 */
export function asTemplate(resources: readonly PulumiResource[]): { Resources: Resources } {
  const out: Resources = {};
  for (const r of resources) {
    switch (r.type) {
      case 'aws:ecs/service:Service':
        out[r.name] = { Type: 'AWS::ECS::Service', Properties: ecsServiceProperties(r.inputs) };
        break;
      case 'aws:cloudwatch/metricAlarm:MetricAlarm':
        out[r.name] = { Type: 'AWS::CloudWatch::Alarm', Properties: metricAlarmProperties(r.inputs) };
        break;
      case 'aws:appautoscaling/target:Target':
        out[r.name] = {
          Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
          Properties: { MinCapacity: num(r.inputs.minCapacity), MaxCapacity: num(r.inputs.maxCapacity) },
        };
        break;
      case 'aws:codedeploy/deploymentConfig:DeploymentConfig':
        out[r.name] = { Type: 'AWS::CodeDeploy::DeploymentConfig', Properties: { TrafficRoutingConfig: trafficRouting(r.inputs) } };
        break;
      default:
        break;
    }
  }
  return { Resources: out };
}

/**
 * The `aws.ecs.Service` inputs `pulumi up` sends when the program's inputs go from `previous` to
 * `next`. A property in `ignoreChanges` keeps its previous (state) value, so it shows no diff; the
 * provider's update then sends `desiredCount` only when it changed (`if d.HasChange("desired_count")
 * { input.DesiredCount = ... }` in terraform-provider-aws `internal/service/ecs/service.go`), so
 * what autoscaling chose stays. Without `ignoreChanges`, the state holds the count of the last
 * `pulumi up` and a `pulumi up --refresh` (or `pulumi refresh`) reads the scaled count back: the
 * next update then sends the declared count again.
 * https://www.pulumi.com/docs/iac/concepts/options/ignorechanges/,
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_service (the
 * `ignore_changes = [desired_count]` example for Application Auto Scaling)
 */
export function ecsServiceUpdateInputs(
  state: Record<string, any>,
  next: Record<string, any>,
  ignoreChanges: readonly string[] = [],
): Record<string, any> {
  const sent: Record<string, any> = { ...next };
  for (const p of ignoreChanges) sent[p] = state[p];
  if (sent.desiredCount === state.desiredCount) delete sent.desiredCount;
  return sent;
}
