import { Duration } from '../../../lib/model/duration';
import type { EnvironmentDefinition } from '../../../lib/model/environment';
import { RolloutStrategy } from '../../../lib/model/rollout';
import type { ArgoGate } from '../../../lib/plan/detection/argo-detection';
import type { CompiledSchedule } from '../../../lib/plan/schedule';
import type { RollbackAnalysisProps } from '../analysis-template';
import type { PrometheusSignals } from '../prometheus-signals';
import { rateWindow } from '../release-bounds';
import { ingressUpstreamName } from './canary-queries';

/** What `chartAnalysisProps` reads besides the environment. */
export interface ChartAnalysisInput {
  readonly service: string;
  readonly namespace: string;
  readonly signals: PrometheusSignals;
  readonly schedule: CompiledSchedule;
  /** The analysis settings detection power chose, when it chose them. */
  readonly gate?: ArgoGate;
  readonly prometheusAddress: string;
  readonly scrapeInterval: Duration;
}

/**
 * The `RollbackAnalysis` of a chart's Rollout: how often it measures (the detection gate's
 * interval, else the rollback trigger's period), how many measurements fit in the release and,
 * for blue/green, the post-promotion analysis and its look-back at the previous version.
 */
export function chartAnalysisProps(env: EnvironmentDefinition, input: ChartAnalysisInput): RollbackAnalysisProps {
  const { service, namespace, signals, schedule, gate, scrapeInterval } = input;
  const kube = env.kubernetes;
  const interval = gate ? Duration.seconds(gate.intervalSeconds) : env.alarms.rollbackTrigger.evaluation.period;
  const fromFirstShift = schedule.steps.filter((_, i) => i >= schedule.steps.findIndex((x) => x.trafficPercent > 0));
  const stages = env.rollout.stages;
  const blueGreen = env.rollout.strategy === RolloutStrategy.BLUE_GREEN;
  const measurementsIn = (bake: Duration) => Math.max(1, Math.floor(bake.toSeconds() / interval.toSeconds()));
  const test = stages.find((s) => s.trafficPercent === 0);
  return {
    name: `${service}-rollback`,
    namespace,
    signals,
    rollbackTrigger: env.alarms.rollbackTrigger,
    p99LatencyMs: env.alarms.critical.p99LatencyMs,
    rolloutName: service,
    prometheusAddress: input.prometheusAddress,
    scrapeInterval,
    minimumRequests: kube.minimumRequests,
    gate,
    // Requests to the canary Service's port "http", as ingress-nginx names the upstream.
    ingressCanaryUpstream:
      kube.ingress.className === 'nginx' && !blueGreen ? ingressUpstreamName(namespace, `${service}-canary`, 'http') : undefined,
    measurementsInRelease: Math.ceil(fromFirstShift.reduce((t, x) => t + x.bake.toSeconds(), 0) / interval.toSeconds()) + 1,
    measurements: blueGreen ? measurementsIn(stages[stages.length - 1].bake) : undefined,
    // After the switch the previous version serves nothing: compare with its last served
    // period, back over the whole post-promotion analysis plus two windows.
    stableLookback: blueGreen
      ? interval.times(measurementsIn(stages[stages.length - 1].bake) + 1).plus(rateWindow(interval, scrapeInterval).times(2))
      : undefined,
    healthMeasurements: blueGreen ? Math.min(3, test ? measurementsIn(test.bake) : 3) : undefined,
  };
}
