/**
 * CloudWatch metrics and metric math as plain data, for every AWS target to render: aws-cdk-lib
 * (`cloudwatch.Metric` / `MathExpression`) and Pulumi (`aws.cloudwatch.MetricAlarm` queries).
 * Dimension values are of the target's type `V`: a CloudFormation token, a Pulumi input, a literal.
 */

/** One CloudWatch metric: namespace, name, dimensions and statistic; the period is the alarm's. */
export interface MetricSpec<V = string> {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name → value, in the order the targets write them. */
  readonly dimensions: Readonly<Record<string, V>>;
  /** `Sum`, `Average`, `SampleCount` or a percentile such as `p99` (CloudWatch's extended statistic). */
  readonly statistic: string;
}

/** A metric-math expression over named metrics (the names are the expression's query ids). */
export interface MathSpec<V = string> {
  readonly expression: string;
  readonly label: string;
  /** Query id → metric, in the order the targets write them. */
  readonly usingMetrics: Readonly<Record<string, MetricSpec<V>>>;
}

/** What an alarm or a dashboard line reads: one metric or one expression. */
export type SignalSpec<V = string> = MetricSpec<V> | MathSpec<V>;

/** Whether a signal is metric math. */
export function isMathSpec<V>(signal: SignalSpec<V>): signal is MathSpec<V> {
  return 'expression' in signal;
}

/** CloudWatch's `ComparisonOperator`, the values CloudFormation and the API take. */
export enum ComparisonOperator {
  GREATER_THAN_OR_EQUAL_TO_THRESHOLD = 'GreaterThanOrEqualToThreshold',
  LESS_THAN_THRESHOLD = 'LessThanThreshold',
}

/** CloudWatch's `TreatMissingData`, the values CloudFormation and the API take. */
export enum TreatMissingData {
  BREACHING = 'breaching',
  NOT_BREACHING = 'notBreaching',
}

/**
 * CloudWatch's plain statistics, the only values `PutMetricAlarm` takes as `Statistic`; every other
 * statistic (`p90`, `tm90`, `tc90`, `ts90`, `wm90`, `IQM`, `PR(n:m)`, `TM(X%:X%)`, …) is an
 * `ExtendedStatistic`
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
 */
const PLAIN_STATISTICS: ReadonlySet<string> = new Set(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']);

/** Whether a statistic goes in an alarm's `ExtendedStatistic` rather than its `Statistic`. */
export function isExtendedStatistic(statistic: string): boolean {
  return !PLAIN_STATISTICS.has(statistic);
}
