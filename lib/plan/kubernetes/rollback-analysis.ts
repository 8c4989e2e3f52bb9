import { DEFAULT_PROMETHEUS_ADDRESS } from '../../model/kubernetes';
import type { AlarmPolicy, Evaluation } from '../../model/alarm-policy';
import { rollbackTriggerAlarm } from '../alarm-catalogue';
import { Duration } from '../../model/duration';
import type { ArgoGate } from '../detection/argo-detection';
import { criticalZ } from '../detection/canary-vs-stable';
import type { PrometheusSignals } from './prometheus-signals';
import { analysisBounds, rateWindow, type AnalysisBounds } from './release-bounds';

/** What the rollback analysis of a Rollout is built from (the props of `RollbackAnalysis` in constructs/k8s). */
export interface RollbackAnalysisSettings {
  /** Name of the error-rate template; the health template is `<name>-health`. */
  readonly name: string;
  /** Namespace of the objects. */
  readonly namespace: string;
  /** Where the queries read from; the series must carry `rollouts_pod_template_hash` (see `WorkloadPodMonitor`). */
  readonly signals: PrometheusSignals;
  /** The alarm policy's rollback trigger: threshold and evaluation. */
  readonly rollbackTrigger: AlarmPolicy['rollbackTrigger'];
  /** p99 latency that fails a measurement, milliseconds (the critical threshold). */
  readonly p99LatencyMs: number;
  /** The Rollout that runs the analysis, for the runbook's commands. */
  readonly rolloutName: string;
  /** Prometheus base URL as seen from the Argo Rollouts controller. @default 'http://prometheus-operated.monitoring.svc:9090' */
  readonly prometheusAddress?: string;
  /** Scrape interval; query windows span at least 4 scrapes. @default 30s */
  readonly scrapeInterval?: Duration;
  /**
   * Requests the new version must have served in a query window before a measurement judges it;
   * with fewer the measurement is inconclusive, and the analysis pauses the rollout for a human.
   * @default 50
   */
  readonly minimumRequests?: number;
  /**
   * Measurements the error-rate template takes, one per rollback-trigger period. Background canary
   * analysis runs until the rollout ends; blue-green post-promotion analysis needs a count.
   * @default - unlimited
   */
  readonly measurements?: number;
  /**
   * Write the `<name>-health` template too, taking this many measurements (one per rollback-trigger
   * period): blue-green pre-promotion analysis uses it.
   * @default - no health template
   */
  readonly healthMeasurements?: number;
  /**
   * Read the stable version's error ratio over this much time back instead of the query window.
   * After a blue-green switch the previous version gets no traffic, so a same-window comparison
   * is always empty (and passes); its ratio over its last served period is the baseline then.
   * Set it to cover the whole post-promotion analysis (DeploymentChart does for blue-green).
   * @default - the query window (canary: both versions serve at once)
   */
  readonly stableLookback?: Duration;
  /**
   * Window, interval, failure limit, minimum requests, threshold and lost-traffic check chosen by
   * the detection model (`lib/plan/detection`) for the declared traffic.
   * @default - one measurement per rollback-trigger period over a window of at least 4 scrapes,
   * failing at `datapointsToAlarm` failures, at the rollback trigger, no lost-traffic check
   */
  readonly gate?: ArgoGate;
  /**
   * ingress-nginx's name of the canary upstream (`<namespace>-<canary service>-<port>`): the
   * measurement also counts what the ingress answered for it (502/504 of a hung pod).
   * @default - the app's own counters only
   */
  readonly ingressCanaryUpstream?: string;
  /**
   * Measurements a release takes (background canary analysis): inconclusive windows (too little
   * traffic to judge) up to this many never pause the rollout, and the comparison with the stable
   * version spends its 95 % confidence over them.
   * @default - failureLimit inconclusive windows; 20 for the comparison
   */
  readonly measurementsInRelease?: number;
}

/** The numbers a rollback analysis runs with, decided once for its templates and the runbook. */
export interface RollbackAnalysisNumbers {
  /** Name of the error-rate and latency template. */
  readonly templateName: string;
  /** Name of the health template, when `healthMeasurements` asked for one. */
  readonly healthTemplateName?: string;
  /** Failed measurements the error-rate template tolerates before it fails. */
  readonly failureLimit: number;
  /** Inconclusive measurements (too little traffic) tolerated before the rollout pauses. */
  readonly inconclusiveLimit: number;
  /** Time between measurements. */
  readonly interval: Duration;
  /** Window of the queries' `increase()`/`rate()`. */
  readonly window: Duration;
  /** Scrape interval the window was derived from. */
  readonly scrapeInterval: Duration;
  /** Requests a window needs before it is judged. */
  readonly minimumRequests: number;
  /** Error ratio (0–1) at or above which a judged window fails. */
  readonly thresholdRatio: number;
  /** The rollback trigger's baseline error rate and multiple (the comparison with the stable version's ratio). */
  readonly baseline: { readonly errorRatePercent: number; readonly multiplier: number };
  /** Old-version requests in a window with none on the new version that fail it as lost traffic. */
  readonly lostTrafficRequests?: number;
  /** Consecutive query errors tolerated (Prometheus unreachable) before the analysis ends in Error. */
  readonly consecutiveErrorLimit: number;
  /** z the comparison with the stable version must reach (one-sided, 95 % over the release). */
  readonly comparisonZ: number;
  /** Prometheus base URL the queries read. */
  readonly address: string;
}

/** The analysis' interval, window, limits and threshold: the detection model's gate, or the rollback trigger's. */
export function rollbackAnalysisNumbers(settings: RollbackAnalysisSettings): RollbackAnalysisNumbers {
  const { gate } = settings;
  // The rollback trigger as the catalogue defines it: its threshold and evaluation, decided once.
  const trigger = rollbackTriggerAlarm(settings.rollbackTrigger);
  const evaluation = trigger.evaluation as Evaluation;
  const scrapeInterval = settings.scrapeInterval ?? Duration.seconds(30);
  const interval = gate ? Duration.seconds(gate.intervalSeconds) : evaluation.period;
  const failureLimit = gate ? gate.failureLimit : evaluation.datapointsToAlarm - 1;
  return {
    templateName: settings.name,
    healthTemplateName: settings.healthMeasurements !== undefined ? `${settings.name}-health` : undefined,
    scrapeInterval,
    interval,
    failureLimit,
    inconclusiveLimit: settings.measurementsInRelease ?? failureLimit,
    minimumRequests: gate?.minimumRequests ?? settings.minimumRequests ?? 50,
    window: gate ? Duration.seconds(gate.windowSeconds) : rateWindow(interval, scrapeInterval),
    thresholdRatio: gate?.threshold ?? (trigger.threshold as number) / 100,
    baseline: trigger.baseline as RollbackAnalysisNumbers['baseline'],
    lostTrafficRequests: gate?.lostTrafficRequests,
    // A Prometheus outage of up to max(2 minutes, 2 intervals) is retried (every 10 s) without aborting.
    consecutiveErrorLimit: Math.ceil(Math.max(120, 2 * interval.toSeconds()) / 10),
    comparisonZ: criticalZ(settings.measurementsInRelease ?? 20),
    address: settings.prometheusAddress ?? DEFAULT_PROMETHEUS_ADDRESS,
  };
}

/** Detect and abort bounds of the analysis (the runbook's and the scenario tests' single source). */
export function rollbackAnalysisBounds(numbers: RollbackAnalysisNumbers): AnalysisBounds {
  return analysisBounds({
    interval: numbers.interval,
    window: numbers.window,
    failureLimit: numbers.failureLimit,
    scrapeInterval: numbers.scrapeInterval,
  });
}
