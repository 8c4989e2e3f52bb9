import { Construct } from 'constructs';
import { DEFAULT_PROMETHEUS_ADDRESS } from '../../lib/model/kubernetes';
import { zStatisticPromql } from '../../lib/plan/detection/canary-vs-stable';
import {
  rollbackAnalysisBounds,
  rollbackAnalysisNumbers,
  type RollbackAnalysisNumbers,
  type RollbackAnalysisSettings,
} from '../../lib/plan/kubernetes/rollback-analysis';
import type { AnalysisBounds } from '../../lib/plan/kubernetes/release-bounds';
import type { Duration } from '../../lib/model/duration';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { rollbackAnalysisRunbookFacts } from '../../lib/runbook/platforms/kubernetes-analysis';
import { canaryErrorRatioQuery } from './private/canary-queries';
import { WorkloadPodMonitor } from './pod-monitor';
import type { PrometheusSignals } from './prometheus-signals';
import { KubeArgoAnalysisTemplate, type AnalysisTemplateSpec } from './private/crds';
import { plain, promDuration } from './private/units';

/** Props of `RollbackAnalysis`. */
export type RollbackAnalysisProps = RollbackAnalysisSettings;

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
  private readonly numbers: RollbackAnalysisNumbers;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: RollbackAnalysisProps,
  ) {
    super(scope, id);
    const { signals } = props;
    const numbers = rollbackAnalysisNumbers(props);
    this.numbers = numbers;
    this.templateName = numbers.templateName;
    this.healthTemplateName = numbers.healthTemplateName;
    this.scrapeInterval = numbers.scrapeInterval;
    this.interval = numbers.interval;
    this.failureLimit = numbers.failureLimit;
    this.inconclusiveLimit = numbers.inconclusiveLimit;
    this.minimumRequests = numbers.minimumRequests;
    this.window = numbers.window;
    this.thresholdRatio = numbers.thresholdRatio;
    this.lostTrafficRequests = numbers.lostTrafficRequests;
    this.consecutiveErrorLimit = numbers.consecutiveErrorLimit;
    this.comparisonZ = numbers.comparisonZ;
    const window = promDuration(this.window);
    const address = numbers.address;
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
                  multiplier: numbers.baseline.multiplier,
                  floor: Math.max(numbers.baseline.errorRatePercent / 100, 1e-6),
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
    return rollbackAnalysisBounds(this.numbers);
  }

  /** The analysis' part of the runbook (text in lib/runbook/platforms/kubernetes-analysis.ts). */
  public runbookFacts(): RunbookFacts {
    return rollbackAnalysisRunbookFacts(this.props, this.numbers);
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
