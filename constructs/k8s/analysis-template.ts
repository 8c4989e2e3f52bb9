import { Construct } from 'constructs';
import type { AlarmPolicy } from '../../lib/model/alarm-policy';
import { DEFAULT_PROMETHEUS_ADDRESS } from '../../lib/model/kubernetes';
import { Duration } from '../../lib/model/duration';
import { rollbackTriggerAlarm } from '../../lib/plan/alarm-catalogue';
import type { ArgoGate } from '../../lib/plan/detection/argo-detection';
import { criticalZ, zStatisticPromql } from '../../lib/plan/detection/canary-vs-stable';
import { canaryErrorRatioQuery } from './private/canary-queries';
import { anchorOf } from '../../lib/runbook/anchors';
import { AlarmSeverity, type IRunbookContributor, type RunbookFacts } from '../../lib/runbook/facts';
import { WorkloadPodMonitor } from './pod-monitor';
import type { PrometheusSignals } from './prometheus-signals';
import { KubeArgoAnalysisTemplate, type AnalysisTemplateSpec } from './private/crds';
import { analysisBounds, rateWindow, type AnalysisBounds } from './release-bounds';
import { plain, promDuration } from './private/units';

/** Props of `RollbackAnalysis`. */
export interface RollbackAnalysisProps {
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

/** An AnalysisTemplate metric as written (the fields glidepath sets). */
export type AnalysisMetric = AnalysisTemplateSpec['metrics'][number];

/**
 * Argo Rollouts `AnalysisTemplate`s built from the alarm policy's rollback trigger, so that a bad
 * canary aborts by itself:
 *
 * - `<name>`: measured every rollback-trigger period over a window of at least 4 scrapes, once
 *   the new version served `minimumRequests` requests in the window: its 5xx ratio must stay
 *   below `baseline × multiplier`, below `multiplier ×` the stable version's ratio (when both
 *   versions have traffic), and its p99 latency below the critical threshold. The analysis fails
 *   (and the Rollout aborts) at `datapointsToAlarm` failed measurements. A window with too little
 *   traffic is *inconclusive*: Argo pauses the rollout for a human, it neither passes nor aborts.
 *   Every condition guards an empty result (`len(result) > 0`), which Argo otherwise counts as an
 *   Error (`utils/evaluate/evaluate.go`).
 * - `<name>-health` (when `healthMeasurements` is set): every pod of the new version is scraped
 *   and up, after an initial delay of two scrapes and tolerating one failed measurement; for
 *   blue-green pre-promotion, when the preview has no user traffic to measure.
 *
 * Both take the argument `pod-template-hash` (the new ReplicaSet's hash); `<name>` also
 * `stable-pod-template-hash`.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/analysis/prometheus/
 */
export class RollbackAnalysis extends Construct implements IRunbookContributor {
  /** The argument that selects the new version's series. */
  public static readonly POD_TEMPLATE_HASH_ARG = 'pod-template-hash';
  /** The argument that selects the stable version's series. */
  public static readonly STABLE_POD_TEMPLATE_HASH_ARG = 'stable-pod-template-hash';
  /** Default Prometheus address: the prometheus-operator's governing Service in `monitoring`. */
  public static readonly DEFAULT_PROMETHEUS_ADDRESS = DEFAULT_PROMETHEUS_ADDRESS;

  /** Name of the error-rate and latency template. */
  public readonly templateName: string;
  /** Name of the health template, when `healthMeasurements` asked for one. */
  public readonly healthTemplateName?: string;
  /** Failed measurements the error-rate template tolerates before it fails. */
  public readonly failureLimit: number;
  /** Inconclusive measurements (too little traffic) tolerated before the rollout pauses. */
  public readonly inconclusiveLimit: number;
  /** Time between measurements. */
  public readonly interval: Duration;
  /** Window of the queries' `increase()`/`rate()`. */
  public readonly window: Duration;
  /** Scrape interval the window was derived from. */
  public readonly scrapeInterval: Duration;
  /** Requests a window needs before it is judged. */
  public readonly minimumRequests: number;
  /** Error ratio (0–1) at or above which a judged window fails. */
  public readonly thresholdRatio: number;
  /** Old-version requests in a window with none on the new version that fail it as lost traffic. */
  public readonly lostTrafficRequests?: number;
  /** Consecutive query errors tolerated (Prometheus unreachable) before the analysis ends in Error. */
  public readonly consecutiveErrorLimit: number;
  /** z the comparison with the stable version must reach (one-sided, 95 % over the release). */
  public readonly comparisonZ: number;
  /** The metrics of `<name>`, as written (for tests and scenario simulation). */
  public readonly metrics: readonly AnalysisMetric[];
  /** The metrics of `<name>-health`, when written. */
  public readonly healthMetrics?: readonly AnalysisMetric[];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: RollbackAnalysisProps,
  ) {
    super(scope, id);
    const { rollbackTrigger, signals } = props;
    this.templateName = props.name;
    this.healthTemplateName = props.healthMeasurements !== undefined ? `${props.name}-health` : undefined;
    const gate = props.gate;
    this.scrapeInterval = props.scrapeInterval ?? Duration.seconds(30);
    this.interval = gate ? Duration.seconds(gate.intervalSeconds) : rollbackTrigger.evaluation.period;
    this.failureLimit = gate ? gate.failureLimit : rollbackTrigger.evaluation.datapointsToAlarm - 1;
    this.inconclusiveLimit = props.measurementsInRelease ?? this.failureLimit;
    this.minimumRequests = gate?.minimumRequests ?? props.minimumRequests ?? 50;
    this.window = gate ? Duration.seconds(gate.windowSeconds) : rateWindow(this.interval, this.scrapeInterval);
    this.thresholdRatio = gate?.threshold ?? rollbackTrigger.errorRatePercent / 100;
    this.lostTrafficRequests = gate?.lostTrafficRequests;
    // A Prometheus outage of up to max(2 minutes, 2 intervals) is retried (every 10 s) without aborting.
    this.consecutiveErrorLimit = Math.ceil(Math.max(120, 2 * this.interval.toSeconds()) / 10);
    this.comparisonZ = criticalZ(props.measurementsInRelease ?? 20);
    const window = promDuration(this.window);
    const address = props.prometheusAddress ?? RollbackAnalysis.DEFAULT_PROMETHEUS_ADDRESS;
    const hashLabel = WorkloadPodMonitor.POD_TEMPLATE_HASH_LABEL.replace(/-/g, '_');
    const latest = `${hashLabel}="{{args.${RollbackAnalysis.POD_TEMPLATE_HASH_ARG}}}"`;
    const stable = `${hashLabel}="{{args.${RollbackAnalysis.STABLE_POD_TEMPLATE_HASH_ARG}}}"`;
    const min = this.minimumRequests;
    const judged = (threshold: string) => ({
      // Too little traffic gives an empty result: neither condition holds, so it is inconclusive.
      successCondition: `len(result) > 0 && !isNaN(result[0]) && result[0] < ${threshold}`,
      failureCondition: `len(result) > 0 && (isNaN(result[0]) || result[0] >= ${threshold})`,
    });
    const common = {
      // The analysis starts when the new version gets traffic: judge once the window holds only that.
      initialDelay: promDuration(this.window),
      interval: promDuration(this.interval),
      ...(props.measurements !== undefined ? { count: props.measurements } : {}),
      failureLimit: this.failureLimit,
      inconclusiveLimit: this.inconclusiveLimit,
      consecutiveErrorLimit: this.consecutiveErrorLimit,
    };
    const served = (extra: string) => signals.served(window, extra);
    const failed = (extra: string) => signals.failed(window, extra);
    this.metrics = [
      {
        name: 'error-rate',
        ...common,
        ...judged(plain(this.thresholdRatio)),
        provider: {
          prometheus: {
            address,
            query: canaryErrorRatioQuery({
              signals,
              window,
              canary: latest,
              stable,
              minimumRequests: min,
              ingressCanaryUpstream: props.ingressCanaryUpstream,
              lostTrafficRequests: this.lostTrafficRequests,
            }),
          },
        },
      },
      {
        name: 'error-rate-vs-stable',
        ...common,
        // Blue-green (stableLookback): the ratio over multiplier × the previous version's, under 1 passes.
        // Canary: a z statistic judged only while both versions served the minimum; NaN (no error anywhere) passes.
        successCondition: props.stableLookback
          ? 'len(result) == 0 || result[0] < 1'
          : `len(result) == 0 || isNaN(result[0]) || result[0] < ${this.comparisonZ}`,
        provider: {
          prometheus: {
            address,
            query: props.stableLookback
              ? versusStableBefore(signals, window, promDuration(props.stableLookback), latest, stable, {
                  multiplier: rollbackTrigger.errorRateMultiplier,
                  floor: Math.max(rollbackTrigger.baselineErrorRatePercent / 100, 1e-6),
                  minimum: min,
                })
              : `(${zStatisticPromql(failed(latest), served(latest), failed(stable), served(stable))}) and on() (${served(latest)} >= ${min}) and on() (${served(stable)} >= ${min})`,
          },
        },
      },
      {
        name: 'latency-p99',
        ...common,
        ...judged(plain(props.p99LatencyMs / 1000)),
        provider: { prometheus: { address, query: signals.whenServed(signals.latencySeconds(0.99, window, latest), window, min, latest) } },
      },
    ];
    new KubeArgoAnalysisTemplate(this, 'Resource', {
      metadata: { name: this.templateName, namespace: props.namespace },
      spec: {
        args: [{ name: RollbackAnalysis.POD_TEMPLATE_HASH_ARG }, { name: RollbackAnalysis.STABLE_POD_TEMPLATE_HASH_ARG }],
        metrics: this.metrics,
      },
    });
    if (this.healthTemplateName) {
      this.healthMetrics = [
        {
          name: 'pods-up',
          // A fresh pod's first scrape may precede its readiness: wait two scrapes, tolerate one miss.
          initialDelay: promDuration(this.scrapeInterval.times(2)),
          interval: promDuration(this.interval),
          count: Math.max(2, props.healthMeasurements ?? 0),
          failureLimit: 1,
          successCondition: 'len(result) > 0 && result[0] == 1',
          provider: { prometheus: { address, query: signals.minUp(latest) } },
        },
      ];
      new KubeArgoAnalysisTemplate(this, 'Health', {
        metadata: { name: this.healthTemplateName, namespace: props.namespace },
        spec: { args: [{ name: RollbackAnalysis.POD_TEMPLATE_HASH_ARG }], metrics: this.healthMetrics },
      });
    }
  }

  /** Detect and abort bounds (the runbook's and the scenario tests' single source). */
  public bounds(): AnalysisBounds {
    return analysisBounds({
      interval: this.interval,
      window: this.window,
      failureLimit: this.failureLimit,
      scrapeInterval: this.scrapeInterval,
    });
  }

  public runbookFacts(): RunbookFacts {
    const { namespace, rollbackTrigger, rolloutName } = this.props;
    const ns = `kubectl -n ${namespace}`;
    const failures = this.failureLimit + 1;
    const trigger = rollbackTriggerAlarm(rollbackTrigger);
    return {
      alarms: [
        {
          anchor: anchorOf(`${namespace}-rollback-error-rate`),
          name: this.templateName,
          severity: AlarmSeverity.ROLLBACK,
          condition: `the new version's 5xx ratio at or above ${plain(100 * this.thresholdRatio)}% (the rollback trigger is ${rollbackTrigger.errorRatePercent}%: ${rollbackTrigger.baselineErrorRatePercent}% baseline × ${rollbackTrigger.errorRateMultiplier}), counted by its own metrics${this.props.ingressCanaryUpstream ? ' and by the ingress controller (its 502/504 for the canary included)' : ''} over the last ${this.window} once it served ${this.minimumRequests} requests${this.lostTrafficRequests !== undefined ? `, or no request at all reaching it while the stable version served ${this.lostTrafficRequests} (lost traffic)` : ''}; ${this.props.stableLookback ? `or at or above ${rollbackTrigger.errorRateMultiplier} × the previous version's ratio over its last ${this.props.stableLookback} of traffic (it serves nothing after the switch; both need ${this.minimumRequests} requests);` : `or higher than the stable version's with 95% confidence over the release (z ≥ ${this.comparisonZ});`} or its p99 latency at or above ${this.props.p99LatencyMs} ms; in ${failures} measurement${failures > 1 ? 's' : ''}, one every ${this.interval}; detected within ${this.bounds().detect}, aborted within about ${this.bounds().abort} (AnalysisTemplate ${namespace}/${this.templateName})`,
          missingData: `inconclusive: a window with fewer than ${this.minimumRequests} requests to the new version is not judged${this.lostTrafficRequests !== undefined ? ' (unless the stable version served enough to call it lost traffic, which fails)' : ''}; after ${this.inconclusiveLimit + 1} such measurement${this.inconclusiveLimit > 0 ? 's' : ''} the rollout pauses for a human (it neither passes nor aborts); ${this.consecutiveErrorLimit + 1} consecutive query errors (Prometheus unreachable for about ${(this.consecutiveErrorLimit + 1) * 10} s) end the analysis in Error and abort`,
          notifies: `Rollout ${namespace}/${rolloutName} (aborts by itself)`,
          meaning: `${trigger.meaning} Here the analysis also fails a version that answers slower than the critical p99 or errs ${rollbackTrigger.errorRateMultiplier}× more than the stable version; Argo Rollouts aborts the rollout and sends all traffic back to the stable version.`,
          impact: trigger.impact,
          diagnosis: [
            {
              description: 'Show the rollout, its steps and the failed analysis',
              command: `kubectl argo rollouts get rollout ${rolloutName} -n ${namespace}`,
              expected: 'Status "Degraded" with "RolloutAborted" and the failed AnalysisRun',
            },
            {
              description: 'Show the measurements of the latest analysis run',
              command: `${ns} describe "$(${ns} get analysisruns --sort-by=.metadata.creationTimestamp -o name | tail -n 1)"`,
              expected: 'the measurements that failed, with their values',
            },
          ],
          mitigation: [...trigger.mitigation, 'Fix forward with a new image, or retry the same image only when the cause was external.'],
        },
      ],
      resources: [
        { type: 'argoproj.io/AnalysisTemplate', name: this.templateName },
        ...(this.healthTemplateName ? [{ type: 'argoproj.io/AnalysisTemplate', name: this.healthTemplateName }] : []),
      ],
    };
  }
}

/**
 * The new version's error ratio over `window` divided by `multiplier ×` the stable version's over
 * `lookback` (at least `floor`), each only once it served `minimum` requests in its span.
 */
function versusStableBefore(
  signals: PrometheusSignals,
  window: string,
  lookback: string,
  latest: string,
  stable: string,
  o: { multiplier: number; floor: number; minimum: number },
): string {
  const latestRatio = signals.whenServed(signals.errorRatio(window, latest), window, o.minimum, latest);
  const stableRatio = signals.whenServed(signals.errorRatio(lookback, stable), lookback, o.minimum, stable);
  return `(${latestRatio}) / clamp_min((${stableRatio}) * ${o.multiplier}, ${o.floor})`;
}
