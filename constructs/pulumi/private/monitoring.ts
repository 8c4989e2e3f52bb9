import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { AlarmSeverity } from '../../../lib/runbook/facts';
import type { AlarmSpec } from './alarm-specs';
import type { AlertTopics } from './alert-topics';
import { publishersOf, routeAlerts } from './alert-routing';
import { deadMansSwitchAlarm, metricAlarm, type HeartbeatMetric } from './cloudwatch-alarms';
import type { AwsContext } from './resource-context';

/** The alarms of a deployment, and those that roll a deployment (or a flag change) back. */
export interface Alarms {
  readonly all: aws.cloudwatch.MetricAlarm[];
  /** Every alarm but the warnings: they stop a deployment and a bad flag change. */
  readonly rollback: aws.cloudwatch.MetricAlarm[];
  readonly rollbackNames: string[];
}

/** One alarm per spec, publishing to the warning topic or the critical one by its severity. */
export function createAlarms(ctx: AwsContext, specs: readonly AlarmSpec[], topics: AlertTopics): Alarms {
  const { names, runbookLink, tags, opts } = ctx;
  const all = specs.map((spec) =>
    metricAlarm(spec, names, spec.severity === AlarmSeverity.WARNING ? topics.warning : topics.critical, runbookLink, tags, opts),
  );
  const rolls = (s: AlarmSpec) => s.severity !== AlarmSeverity.WARNING;
  return {
    all,
    rollback: all.filter((_, i) => rolls(specs[i])),
    rollbackNames: specs.filter(rolls).map((s) => names.alarm(s.kind)),
  };
}

/** A metric widget of the dashboard (CloudWatch's `metrics` array form). */
export interface MetricWidget {
  readonly title: string;
  /** The statistic of every line, unless each line names its own. */
  readonly stat?: string;
  readonly metrics: unknown[][];
}

/** What `createMonitoring` completes. */
export interface MonitoringInput {
  readonly specs: readonly AlarmSpec[];
  readonly alarms: Alarms;
  readonly topics: AlertTopics;
  /** The platform heartbeat of the dead-man's switch; called only when the switch is enabled. */
  readonly heartbeat: () => HeartbeatMetric;
  /** The two metric widgets below the alarm widget. */
  readonly widgets: readonly [MetricWidget, MetricWidget];
}

/** What the component reports of the monitoring. */
export interface Monitoring {
  readonly alarmNames: string[];
  readonly alarmArns: pulumi.Output<string[]>;
  readonly dashboardName: pulumi.Output<string>;
}

/**
 * The monitoring every AWS workload shares once its alarms exist: the dead-man's switch on the
 * platform heartbeat, the alert routing (topic policies, pager and chat) and the dashboard.
 */
export function createMonitoring(ctx: AwsContext, input: MonitoringInput): Monitoring {
  const { names, env, region, account, runbookLink, tags, opts } = ctx;
  const { specs, topics } = input;
  const allAlarms = [...input.alarms.all];
  const allNames = specs.map((s) => names.alarm(s.kind));
  if (env.deadMansSwitch.enabled) {
    const name = names.alarm('dead-mans-switch');
    allAlarms.push(deadMansSwitchAlarm(name, env, names, input.heartbeat(), topics.critical, runbookLink, tags, opts));
    allNames.push(name);
  }
  routeAlerts({
    names,
    env,
    region,
    account,
    topics: { critical: topics.critical, warning: topics.warning },
    key: topics.key,
    publishers: publishersOf(specs, names, env),
    tags,
    opts,
  });

  const metricWidget = (widget: MetricWidget, x: number) => ({
    type: 'metric',
    width: 12,
    height: 6,
    x,
    y: 3,
    properties: {
      title: widget.title,
      region,
      ...(widget.stat === undefined ? {} : { stat: widget.stat }),
      metrics: widget.metrics,
    },
  });
  const dashboard = new aws.cloudwatch.Dashboard(
    `${names.base}-dashboard`,
    {
      dashboardName: names.base,
      dashboardBody: pulumi.jsonStringify({
        widgets: [
          { type: 'alarm', width: 24, height: 3, x: 0, y: 0, properties: { title: 'Alarms', alarms: allAlarms.map((a) => a.arn) } },
          metricWidget(input.widgets[0], 0),
          metricWidget(input.widgets[1], 12),
        ],
      }),
    },
    opts,
  );
  return { alarmNames: allNames, alarmArns: pulumi.all(allAlarms.map((a) => a.arn)), dashboardName: dashboard.dashboardName };
}
