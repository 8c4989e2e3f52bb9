import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { CheckoutEnvironment } from './environments';
import { addHealthProbe } from './health-probe';
import type { ServiceLoadBalancer } from './load-balancer';
import { HEALTH_CHECK_PATH, type SectionBasics } from './service-settings';

/** Inputs of `addAlarms`. */
export interface AlarmsOptions extends SectionBasics {
  /** The alarms' evaluation periods. */
  readonly environment: CheckoutEnvironment;
  readonly loadBalancer: ServiceLoadBalancer;
  /** Its deployments roll back on the rollback and critical alarms. */
  readonly service: ecs.FargateService;
  /** Where users reach the service: what the health probe checks. */
  readonly serviceUrl: string;
  readonly critical: sns.ITopic;
  readonly warning: sns.ITopic;
}

/** The alarms that `addAlarms` creates, and the metrics the dashboard graphs. */
export interface ServiceAlarms {
  /** Rolls a deployment back; notifies the critical topic without an OK action. */
  readonly rollback: cloudwatch.Alarm;
  readonly criticals: readonly cloudwatch.Alarm[];
  readonly warnings: readonly cloudwatch.Alarm[];
  readonly deadMansSwitch: cloudwatch.Alarm;
  readonly metrics: {
    readonly errorRate: cloudwatch.IMetric;
    readonly p95: cloudwatch.IMetric;
    readonly p99: cloudwatch.IMetric;
    readonly requests: cloudwatch.IMetric;
    readonly cpu: cloudwatch.IMetric;
    readonly memory: cloudwatch.IMetric;
  };
}

/**
 * Metrics, alarms and the dead-man's switch, by hand: rollback, critical and warning alarms on the
 * load balancer and ECS metrics, the rollback and critical ones wired as the service's deployment
 * alarms, and a switch fed by the health probe.
 */
export function addAlarms(scope: Construct, options: AlarmsOptions): ServiceAlarms {
  const { base, critical, warning } = options;
  const { loadBalancer, primary, alternate } = options.loadBalancer;
  const lb = loadBalancer.metrics;
  const errorRate = new cloudwatch.MathExpression({
    expression: 'IF(requests > 0, 100 * (FILL(errors, 0) + FILL(elbErrors, 0)) / requests, 0)',
    usingMetrics: {
      errors: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum' }),
      elbErrors: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum' }),
      requests: lb.requestCount({ statistic: 'Sum' }),
    },
    label: 'Error rate (%)',
  });
  // Rollback and paging judge each target group (version) on its own requests, from 10 a period,
  // so a canary's errors are not diluted by the stable version's; the load balancer's own 5xx count too.
  const groups = alternate ? [primary, alternate] : [primary];
  const versionMetrics: Record<string, cloudwatch.IMetric> = {
    errors: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum' }),
    elbErrors: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum' }),
    requests: lb.requestCount({ statistic: 'Sum' }),
  };
  const ratios = groups.map((group, i) => {
    versionMetrics[`tg${i}Errors`] = group.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum' });
    versionMetrics[`tg${i}Requests`] = group.metrics.requestCount({ statistic: 'Sum' });
    return `IF(FILL(tg${i}Requests, 0) >= 10, 100 * FILL(tg${i}Errors, 0) / tg${i}Requests, 0)`;
  });
  ratios.push('IF(FILL(requests, 0) >= 10, 100 * (FILL(errors, 0) + FILL(elbErrors, 0)) / requests, 0)');
  const versionErrorRate = new cloudwatch.MathExpression({
    expression: `MAX([${ratios.join(', ')}])`,
    usingMetrics: versionMetrics,
    label: 'Error rate of the worst target group (%)',
  });
  const latency = (statistic: string) =>
    new cloudwatch.MathExpression({
      expression: `1000 * latency${statistic}`,
      usingMetrics: { [`latency${statistic}`]: lb.targetResponseTime({ statistic }) },
      label: `${statistic} latency (ms)`,
    });
  const ecsMetric = (metricName: string, statistic = 'Average') =>
    new cloudwatch.Metric({
      namespace: 'AWS/ECS',
      metricName,
      dimensionsMap: { ClusterName: base, ServiceName: base },
      statistic,
      period: Duration.minutes(1),
    });
  const requests = lb.requestCount({ statistic: 'Sum' });
  const cpu = ecsMetric('CPUUtilization');
  const memory = ecsMetric('MemoryUtilization');
  const p95 = latency('p95');
  const p99 = latency('p99');
  const e = options.environment.evaluation;
  const alarm = (
    kind: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    topic: sns.ITopic,
    evaluationPeriods: number,
    datapointsToAlarm: number,
  ) => {
    const a = new cloudwatch.Alarm(scope, kind, {
      alarmName: `${base}-${kind}`,
      alarmDescription: `${kind} of ${base} at or above ${threshold}`,
      metric,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    a.addAlarmAction(new actions.SnsAction(topic));
    if (!kind.startsWith('rollback')) {
      a.addOkAction(new actions.SnsAction(topic));
    }
    return a;
  };
  const rollback = alarm('rollback-error-rate', versionErrorRate, 2, critical, 2, 2);
  const criticals = [
    alarm('critical-error-rate', versionErrorRate, 5, critical, e.evaluationPeriods, e.datapointsToAlarm),
    alarm('critical-latency-p99', p99, 3000, critical, e.evaluationPeriods, e.datapointsToAlarm),
  ];
  const warnings = [
    alarm('warning-error-rate', errorRate, 2, warning, e.evaluationPeriods, e.datapointsToAlarm),
    alarm('warning-latency-p95', p95, 1200, warning, e.evaluationPeriods, e.datapointsToAlarm),
    alarm('warning-cpu', cpu, 80, warning, e.evaluationPeriods, e.datapointsToAlarm),
    alarm('warning-memory', memory, 80, warning, e.evaluationPeriods, e.datapointsToAlarm),
  ];
  // Rendered by hand: enableDeploymentAlarms() drops alarms (aws/aws-cdk#36308).
  (options.service.node.defaultChild as ecs.CfnService).addPropertyOverride('DeploymentConfiguration.Alarms', {
    AlarmNames: [rollback, ...criticals].map((a) => a.alarmName),
    Enable: true,
    Rollback: true,
  });
  const deadMansSwitch = new cloudwatch.Alarm(scope, 'DeadMansSwitch', {
    alarmName: `${base}-dead-mans-switch`,
    alarmDescription: `No passing health probe of ${base} for 5 minutes`,
    metric: addHealthProbe(scope, {
      base,
      serviceUrl: options.serviceUrl,
      healthCheckPath: HEALTH_CHECK_PATH,
      logRetention: options.logRetention,
      removalPolicy: options.removalPolicy,
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
  deadMansSwitch.addAlarmAction(new actions.SnsAction(critical));
  deadMansSwitch.addOkAction(new actions.SnsAction(critical));
  return { rollback, criticals, warnings, deadMansSwitch, metrics: { errorRate, p95, p99, requests, cpu, memory } };
}
