import type { Duration } from 'aws-cdk-lib/core';
import type { SignalSpec } from '../../../lib/plan/cloudwatch/metric-spec';
import type { SignalSet } from '../../../lib/plan/cloudwatch/signal-specs';
import type { ServiceSignals } from '../service-signals';
import { cdkMetricOf } from './cloudwatch-metric';

/** `ServiceSignals` (aws-cdk-lib metrics) from the plan's signal specs, each metric over `period` when given. */
export function cdkSignalsOf(specs: SignalSet<SignalSpec<string>>, period?: Duration): ServiceSignals {
  const metric = (spec: SignalSpec<string>) => cdkMetricOf(spec, period);
  const optional = (spec: SignalSpec<string> | undefined) => (spec === undefined ? undefined : metric(spec));
  return {
    errorRatePercent: metric(specs.errorRatePercent),
    versionErrorRatePercent: optional(specs.versionErrorRatePercent),
    minimumRequests: specs.minimumRequests,
    latencyP99Ms: metric(specs.latencyP99Ms),
    latencyP95Ms: metric(specs.latencyP95Ms),
    requests: metric(specs.requests),
    cpuPercent: optional(specs.cpuPercent),
    memoryPercent: optional(specs.memoryPercent),
    heartbeat: metric(specs.heartbeat),
    source: specs.source,
    saturationSource: specs.saturationSource,
  };
}
