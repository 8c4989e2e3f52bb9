import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { functionVersionErrorRateExpression } from '../../../lib/plan/version-error-rate';
import type { ServiceSignals } from '../service-signals';

/** Health signals measured on a Lambda alias: error rate, p99/p95 duration, invocations. */
export function aliasSignals(alias: lambda.Alias, version: lambda.IVersion, source: string, minimumRequests: number): ServiceSignals {
  const period = Duration.minutes(1);
  const invocations = alias.metricInvocations({ statistic: cloudwatch.Stats.SUM, period });
  // The version this template deploys, on its own invocations: alias metrics mix both versions
  // while CodeDeploy shifts weights, so a 10% canary's errors would be diluted tenfold.
  const executed = (metricName: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: {
        FunctionName: alias.lambda.functionName,
        Resource: `${alias.lambda.functionName}:${alias.aliasName}`,
        ExecutedVersion: version.version,
      },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  return {
    versionErrorRatePercent: new cloudwatch.MathExpression({
      // MAX of an array is the per-datapoint maximum; the alias term covers the previous version.
      expression: functionVersionErrorRateExpression(minimumRequests),
      usingMetrics: {
        newErrors: executed('Errors'),
        newInvocations: executed('Invocations'),
        errors: alias.metricErrors({ statistic: cloudwatch.Stats.SUM, period }),
        invocations,
      },
      label: 'Error rate of the worst version (%)',
      period,
    }),
    minimumRequests,
    errorRatePercent: new cloudwatch.MathExpression({
      // Without the guard a minute with zero invocations divides by zero.
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      usingMetrics: { errors: alias.metricErrors({ statistic: cloudwatch.Stats.SUM, period }), invocations },
      label: 'Error rate (%)',
      period,
    }),
    latencyP99Ms: alias.metricDuration({ statistic: cloudwatch.Stats.p(99), period }),
    latencyP95Ms: alias.metricDuration({ statistic: cloudwatch.Stats.p(95), period }),
    requests: invocations,
    heartbeat: invocations,
    source,
  };
}
