import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { HeartbeatSource } from '../../../lib/model/dead-mans-switch';
import type { EnvironmentDefinition } from '../../../lib/model/environment';
import type { ResourceNames } from '../../../lib/plan/names';
import { anchorOf } from '../../../lib/runbook/anchors';
import { AlarmSeverity } from '../../../lib/runbook/facts';
import type { AlarmSpec } from './alarm-specs';

/**
 * A CloudWatch alarm from its spec (the catalogue's threshold, evaluation and metric or metric
 * math), publishing to `topic`; its description links the runbook section of its name.
 */
export function metricAlarm(
  spec: AlarmSpec,
  names: ResourceNames,
  topic: aws.sns.Topic,
  runbookLink: (anchor: string) => string,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
  const name = names.alarm(spec.kind);
  const { period, evaluationPeriods, datapointsToAlarm } = spec.evaluation;
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      name,
      alarmDescription: `${spec.description}. Runbook: ${runbookLink(anchorOf(name))}`,
      threshold: spec.threshold,
      // Fires at the threshold, like the Prometheus alerts and Argo analysis of the same policy (>=).
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      evaluationPeriods,
      datapointsToAlarm,
      // A quiet service has no errors; silence is the dead-man's switch's job.
      treatMissingData: 'notBreaching',
      metricQueries: spec.queries?.map((q) => ({ ...q, metric: q.metric && { ...q.metric, dimensions: q.metric.dimensions } })),
      ...(spec.metric
        ? {
            namespace: spec.metric.namespace,
            metricName: spec.metric.metricName,
            dimensions: spec.metric.dimensions,
            // Percentiles are CloudWatch's extended statistics.
            ...(/^p\d/.test(spec.metric.statistic) ? { extendedStatistic: spec.metric.statistic } : { statistic: spec.metric.statistic }),
            period: period.toSeconds(),
          }
        : {}),
      alarmActions: [topic.arn],
      okActions: spec.severity === AlarmSeverity.ROLLBACK ? [] : [topic.arn],
      tags,
    },
    opts,
  );
}

/** The platform metric whose samples prove a workload is alive (ECS CPU samples, Lambda invocations). */
export interface HeartbeatMetric {
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, pulumi.Input<string>>;
}

/**
 * The dead-man's switch as `DeadMansSwitch` renders it on CloudFormation: no sample of the
 * heartbeat (the platform metric, or Glidepath/Heartbeat when the service publishes its own) for
 * `missingFor`, missing data breaching, paging the critical topic.
 */
export function deadMansSwitchAlarm(
  name: string,
  env: EnvironmentDefinition,
  names: ResourceNames,
  platform: HeartbeatMetric,
  critical: aws.sns.Topic,
  runbookLink: (anchor: string) => string,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
  const minutesMissing = env.deadMansSwitch.missingFor.toMinutes();
  const own = env.deadMansSwitch.source === HeartbeatSource.HEARTBEAT;
  const heartbeat = own ? `metric Glidepath/Heartbeat (Service=${names.base}) published by the service` : platform.description;
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      name,
      alarmDescription: `CRITICAL: no heartbeat (${heartbeat}) for ${minutesMissing} minutes. Runbook: ${runbookLink(anchorOf(name))}`,
      namespace: own ? 'Glidepath' : platform.namespace,
      metricName: own ? 'Heartbeat' : platform.metricName,
      dimensions: own ? { Service: names.base } : platform.dimensions,
      statistic: 'SampleCount',
      period: 60,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      evaluationPeriods: minutesMissing,
      datapointsToAlarm: minutesMissing,
      // Silence is the failure this alarm exists to catch.
      treatMissingData: 'breaching',
      alarmActions: [critical.arn],
      okActions: [critical.arn],
      tags,
    },
    opts,
  );
}
