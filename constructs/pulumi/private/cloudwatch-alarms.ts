import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { HeartbeatSource } from '../../../lib/model/dead-mans-switch';
import type { EnvironmentDefinition } from '../../../lib/model/environment';
import type { ResourceNames } from '../../../lib/plan/names';
import { anchorOf } from '../../../lib/runbook/anchors';
import { deadMansSwitchSpec } from '../../../lib/plan/cloudwatch/alarm-spec';
import { isExtendedStatistic, isMathSpec } from '../../../lib/plan/cloudwatch/metric-spec';
import { HEARTBEAT_STATISTIC, publishedHeartbeatSpec } from '../../../lib/plan/cloudwatch/signal-specs';
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
  const period = spec.period.toSeconds();
  const signal = spec.signal;
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      name,
      alarmDescription: `${spec.description}. Runbook: ${runbookLink(anchorOf(name))}`,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
      metricQueries: isMathSpec(signal)
        ? [
            { id: 'expr_1', expression: signal.expression, label: signal.label, returnData: true, metric: undefined },
            ...Object.entries(signal.usingMetrics).map(([id, m]) => ({
              id,
              returnData: false,
              metric: { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, period, stat: m.statistic },
            })),
          ]
        : undefined,
      ...(isMathSpec(signal)
        ? {}
        : {
            namespace: signal.namespace,
            metricName: signal.metricName,
            dimensions: signal.dimensions,
            ...(isExtendedStatistic(signal.statistic) ? { extendedStatistic: signal.statistic } : { statistic: signal.statistic }),
            period,
          }),
      alarmActions: [topic.arn],
      okActions: spec.notifiesOk ? [topic.arn] : [],
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
  const published = publishedHeartbeatSpec(names.base);
  const own = env.deadMansSwitch.source === HeartbeatSource.HEARTBEAT;
  const heartbeat = own ? published.metric : { ...platform, statistic: HEARTBEAT_STATISTIC };
  const spec = deadMansSwitchSpec(
    name,
    heartbeat,
    own ? published.description : platform.description,
    env.deadMansSwitch.missingFor.toMinutes(),
  );
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      name,
      alarmDescription: `${spec.description}. Runbook: ${runbookLink(anchorOf(name))}`,
      namespace: heartbeat.namespace,
      metricName: heartbeat.metricName,
      dimensions: heartbeat.dimensions,
      statistic: HEARTBEAT_STATISTIC,
      period: spec.period.toSeconds(),
      threshold: spec.threshold,
      comparisonOperator: spec.comparison,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      // Silence is the failure this alarm exists to catch.
      treatMissingData: spec.treatMissingData,
      alarmActions: [critical.arn],
      okActions: spec.notifiesOk ? [critical.arn] : [],
      tags,
    },
    opts,
  );
}
