import type { Duration } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { CloudWatchAlarmSpec } from '../../../lib/plan/cloudwatch/alarm-spec';
import { ComparisonOperator, TreatMissingData, isMathSpec, type SignalSpec } from '../../../lib/plan/cloudwatch/metric-spec';

/**
 * An aws-cdk-lib metric from its plan spec (lib/plan/cloudwatch): a `Metric`, or a `MathExpression`
 * over `Metric`s. Dimension values are strings or CloudFormation tokens.
 * @param period - period of the metric (and of every metric of an expression) @default - aws-cdk-lib's (5 minutes)
 */
export function cdkMetricOf(spec: SignalSpec<string>, period?: Duration): cloudwatch.IMetric {
  if (isMathSpec(spec)) {
    return new cloudwatch.MathExpression({
      expression: spec.expression,
      usingMetrics: Object.fromEntries(Object.entries(spec.usingMetrics).map(([id, m]) => [id, cdkMetricOf(m, period)])),
      label: spec.label,
      ...(period ? { period } : {}),
    });
  }
  return new cloudwatch.Metric({
    namespace: spec.namespace,
    metricName: spec.metricName,
    dimensionsMap: { ...spec.dimensions },
    statistic: spec.statistic,
    ...(period ? { period } : {}),
  });
}

const COMPARISON: Record<ComparisonOperator, cloudwatch.ComparisonOperator> = {
  [ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD]: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  [ComparisonOperator.LESS_THAN_THRESHOLD]: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
};
const MISSING: Record<TreatMissingData, cloudwatch.TreatMissingData> = {
  [TreatMissingData.BREACHING]: cloudwatch.TreatMissingData.BREACHING,
  [TreatMissingData.NOT_BREACHING]: cloudwatch.TreatMissingData.NOT_BREACHING,
};

/** The condition of a `cloudwatch.Alarm` from its plan spec (threshold, comparison, periods, missing data). */
export function cdkAlarmCondition<S>(
  spec: CloudWatchAlarmSpec<S>,
): Pick<cloudwatch.AlarmProps, 'threshold' | 'comparisonOperator' | 'evaluationPeriods' | 'datapointsToAlarm' | 'treatMissingData'> {
  return {
    threshold: spec.threshold,
    comparisonOperator: COMPARISON[spec.comparison],
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: MISSING[spec.treatMissingData],
  };
}
