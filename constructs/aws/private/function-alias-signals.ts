import { Duration } from 'aws-cdk-lib/core';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { functionSignalSpecs } from '../../../lib/plan/cloudwatch/signal-specs';
import type { ServiceSignals } from '../service-signals';
import { cdkSignalsOf } from './cdk-signals';

/**
 * Health signals measured on a Lambda alias, as the plan specifies them (`functionSignalSpecs`):
 * error rate, p99/p95 duration, invocations, over 1-minute periods.
 */
export function aliasSignals(alias: lambda.Alias, version: lambda.IVersion, source: string, minimumRequests: number): ServiceSignals {
  return cdkSignalsOf(
    functionSignalSpecs({
      functionName: alias.lambda.functionName,
      aliasName: alias.aliasName,
      version: version.version,
      minimumRequests,
      source,
    }),
    Duration.minutes(1),
  );
}
