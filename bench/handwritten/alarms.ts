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
import { HEALTH_CHECK_PATH, RUNBOOK_BASE_URL, type SectionBasics } from './service-settings';

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
  // Every alarm judges 1-minute periods (the environment's evaluation is counted in them); the
  // dashboard graphs the same metrics at CloudWatch's default period.
  const minute = Duration.minutes(1);
  const sum = { statistic: 'Sum', period: minute };
  const lbErrors = (period?: Duration) => ({
    errors: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum', period }),
    elbErrors: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum', period }),
    requests: lb.requestCount({ statistic: 'Sum', period }),
  });
  const errorRateOf = (period?: Duration) =>
    new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * (FILL(errors, 0) + FILL(elbErrors, 0)) / requests, 0)',
      usingMetrics: lbErrors(period),
      label: 'Error rate (%)',
      period,
    });
  // Rollback and paging judge each target group (version) on its own requests, from 10 a period,
  // so a canary's errors are not diluted by the stable version's: its 5xx and the connections the
  // load balancer could not open to it; the load balancer's own 5xx count too.
  const groups = alternate ? [primary, alternate] : [primary];
  const versionMetrics: Record<string, cloudwatch.IMetric> = lbErrors(minute);
  const ratios = groups.map((group, i) => {
    versionMetrics[`tg${i}Errors`] = group.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, sum);
    versionMetrics[`tg${i}ConnectionErrors`] = group.metrics.targetConnectionErrorCount(sum);
    versionMetrics[`tg${i}Requests`] = group.metrics.requestCount(sum);
    return `IF(FILL(tg${i}Requests, 0) >= 10, 100 * (FILL(tg${i}Errors, 0) + FILL(tg${i}ConnectionErrors, 0)) / tg${i}Requests, 0)`;
  });
  ratios.push('IF(FILL(requests, 0) >= 10, 100 * (FILL(errors, 0) + FILL(elbErrors, 0)) / requests, 0)');
  const versionErrorRate = new cloudwatch.MathExpression({
    expression: `MAX([${ratios.join(', ')}])`,
    usingMetrics: versionMetrics,
    label: 'Error rate of the worst target group (%)',
    period: minute,
  });
  const latency = (statistic: string, period?: Duration) =>
    new cloudwatch.MathExpression({
      expression: `1000 * latency${statistic}`,
      usingMetrics: { [`latency${statistic}`]: lb.targetResponseTime({ statistic, period }) },
      label: `${statistic} latency (ms)`,
      period,
    });
  const ecsMetric = (metricName: string, period?: Duration) =>
    new cloudwatch.Metric({
      namespace: 'AWS/ECS',
      metricName,
      dimensionsMap: { ClusterName: base, ServiceName: base },
      statistic: 'Average',
      period,
    });
  // The description an operator reads in the notification: severity and condition, the evaluation,
  // what is measured, and the runbook section of this alarm.
  const subjects = {
    loadBalancer: `load balancer of ECS service ${base}`,
    versions: `load balancer of ECS service ${base}; error rate of each version on its own requests (from 10 a period)`,
    service: `ECS service ${base} in cluster ${base}`,
  };
  const runbook = (kind: string) => `Runbook: ${RUNBOOK_BASE_URL}/${base}.md#${base}-${kind}`;
  const alarm = (
    kind: string,
    spec: {
      readonly metric: cloudwatch.IMetric;
      readonly threshold: number;
      readonly topic: sns.ITopic;
      readonly condition: string;
      readonly subject: string;
      readonly evaluation?: { readonly evaluationPeriods: number; readonly datapointsToAlarm: number };
    },
  ) => {
    const { evaluationPeriods, datapointsToAlarm } = spec.evaluation ?? options.environment.evaluation;
    const a = new cloudwatch.Alarm(scope, kind, {
      alarmName: `${base}-${kind}`,
      alarmDescription: `${spec.condition} for ${datapointsToAlarm} of ${evaluationPeriods} periods of 1m (${spec.subject}). ${runbook(kind)}`,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    a.addAlarmAction(new actions.SnsAction(spec.topic));
    if (!kind.startsWith('rollback')) {
      a.addOkAction(new actions.SnsAction(spec.topic));
    }
    return a;
  };
  const rollback = alarm('rollback-error-rate', {
    metric: versionErrorRate,
    threshold: 2,
    topic: critical,
    condition: 'ROLLBACK: error rate (2× the 1% baseline) ≥ 2%',
    subject: subjects.versions,
    evaluation: options.environment.rollbackEvaluation,
  });
  const criticals = [
    alarm('critical-error-rate', {
      metric: versionErrorRate,
      threshold: 5,
      topic: critical,
      condition: 'CRITICAL: error rate ≥ 5%',
      subject: subjects.versions,
    }),
    alarm('critical-latency-p99', {
      metric: latency('p99', minute),
      threshold: 3000,
      topic: critical,
      condition: 'CRITICAL: p99 latency ≥ 3000 ms',
      subject: subjects.loadBalancer,
    }),
  ];
  const warnings = [
    alarm('warning-error-rate', {
      metric: errorRateOf(minute),
      threshold: 2,
      topic: warning,
      condition: 'WARNING: error rate ≥ 2%',
      subject: subjects.loadBalancer,
    }),
    alarm('warning-latency-p95', {
      metric: latency('p95', minute),
      threshold: 1200,
      topic: warning,
      condition: 'WARNING: p95 latency ≥ 1200 ms',
      subject: subjects.loadBalancer,
    }),
    alarm('warning-cpu', {
      metric: ecsMetric('CPUUtilization', minute),
      threshold: 80,
      topic: warning,
      condition: 'WARNING: CPU utilization ≥ 80%',
      subject: subjects.service,
    }),
    alarm('warning-memory', {
      metric: ecsMetric('MemoryUtilization', minute),
      threshold: 80,
      topic: warning,
      condition: 'WARNING: memory utilization ≥ 80%',
      subject: subjects.service,
    }),
  ];
  // Rendered by hand: enableDeploymentAlarms() drops alarms (aws/aws-cdk#36308).
  (options.service.node.defaultChild as ecs.CfnService).addPropertyOverride('DeploymentConfiguration.Alarms', {
    AlarmNames: [rollback, ...criticals].map((a) => a.alarmName),
    Enable: true,
    Rollback: true,
  });
  const probed = options.environment.tls
    ? `\`${options.serviceUrl}${HEALTH_CHECK_PATH}\``
    : `\`${HEALTH_CHECK_PATH}\` through the load balancer`;
  const deadMansSwitch = new cloudwatch.Alarm(scope, 'DeadMansSwitch', {
    alarmName: `${base}-dead-mans-switch`,
    alarmDescription: `CRITICAL: no heartbeat (passing health probes of ${probed} (each minute, by ${base}-health-probe)) for 5 minutes. ${runbook('dead-mans-switch')}`,
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
  return {
    rollback,
    criticals,
    warnings,
    deadMansSwitch,
    metrics: {
      errorRate: errorRateOf(),
      p95: latency('p95'),
      p99: latency('p99'),
      requests: lb.requestCount({ statistic: 'Sum' }),
      cpu: ecsMetric('CPUUtilization'),
      memory: ecsMetric('MemoryUtilization'),
    },
  };
}
