import type { Evaluation } from '../../model/alarm-policy';
import { Duration } from '../../model/duration';
import { rolloutAnalysisAlarms } from '../alarm-catalogue';
import type { EnvironmentDefinition } from '../../model/environment';
import { RolloutStrategy } from '../../model/rollout';
import type { ServiceDefinition } from '../../model/service-definition';
import type { DetectionReport } from '../detection/detection-plan';
import type { RolloutPlan } from '../rollout/rollout-plan';
import { ingressUpstreamName } from './ingress-upstream';
import type { PrometheusSignals } from './prometheus-signals';
import { rateWindow } from './release-bounds';
import type { RollbackAnalysisSettings } from './rollback-analysis';

/** The rollback analysis of a Rollout: the detection model's gate over the declared traffic, and the windows it spans. */
export function analysisSettings(
  definition: ServiceDefinition,
  env: EnvironmentDefinition,
  plan: RolloutPlan,
  detection: DetectionReport | undefined,
  o: { namespace: string; signals: PrometheusSignals; scrapeInterval: Duration; prometheusAddress: string },
): RollbackAnalysisSettings {
  const kube = env.kubernetes;
  const gate = detection?.argoGate;
  // The thresholds are the catalogue's (lib/plan/alarm-catalogue), as on every other target.
  const { rollback, latency } = rolloutAnalysisAlarms(env.alarms);
  const interval = gate ? Duration.seconds(gate.intervalSeconds) : (rollback.evaluation as Evaluation).period;
  const fromFirstShift = plan.schedule.steps.filter((_, i) => i >= plan.schedule.steps.findIndex((x) => x.trafficPercent > 0));
  const stages = env.rollout.stages;
  const blueGreen = env.rollout.strategy === RolloutStrategy.BLUE_GREEN;
  const measurementsIn = (bake: Duration) => Math.max(1, Math.floor(bake.toSeconds() / interval.toSeconds()));
  const test = stages.find((s) => s.trafficPercent === 0);
  return {
    name: `${definition.service}-rollback`,
    namespace: o.namespace,
    signals: o.signals,
    rollbackTrigger: env.alarms.rollbackTrigger,
    p99LatencyMs: latency.threshold as number,
    rolloutName: definition.service,
    prometheusAddress: o.prometheusAddress,
    scrapeInterval: o.scrapeInterval,
    minimumRequests: kube.minimumRequests,
    gate,
    // Requests to the canary Service's port "http", as ingress-nginx names the upstream.
    ingressCanaryUpstream:
      kube.ingress.className === 'nginx' && !blueGreen
        ? ingressUpstreamName(o.namespace, `${definition.service}-canary`, 'http')
        : undefined,
    measurementsInRelease: Math.ceil(fromFirstShift.reduce((t, x) => t + x.bake.toSeconds(), 0) / interval.toSeconds()) + 1,
    measurements: blueGreen ? measurementsIn(stages[stages.length - 1].bake) : undefined,
    // After the switch the previous version serves nothing: compare with its last served
    // period, back over the whole post-promotion analysis plus two windows.
    stableLookback: blueGreen
      ? interval.times(measurementsIn(stages[stages.length - 1].bake) + 1).plus(rateWindow(interval, o.scrapeInterval).times(2))
      : undefined,
    healthMeasurements: blueGreen ? Math.min(3, test ? measurementsIn(test.bake) : 3) : undefined,
  };
}
