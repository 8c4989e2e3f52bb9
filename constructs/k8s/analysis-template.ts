import { Construct } from 'constructs';
import type { AlarmPolicy } from '../../lib/model/alarm-policy';
import { Duration } from '../../lib/model/duration';
import { anchorOf } from '../../lib/runbook/anchors';
import { AlarmSeverity, type IRunbookContributor, type RunbookFacts } from '../../lib/runbook/facts';
import { WorkloadPodMonitor } from './pod-monitor';
import type { PrometheusSignals } from './prometheus-signals';
import { KubeArgoAnalysisTemplate } from './private/crds';
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
  /** Scrape interval; a rate window spans at least two scrapes. @default 30s */
  readonly scrapeInterval?: Duration;
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
}

/**
 * Argo Rollouts `AnalysisTemplate`s built from the alarm policy's rollback trigger, so that a bad
 * canary aborts by itself:
 *
 * - `<name>`: the new version's 5xx ratio must stay below `baseline × multiplier` and its p99
 *   latency below the critical threshold, measured every rollback-trigger period; the analysis
 *   fails (and the Rollout aborts) at `datapointsToAlarm` failed measurements. A window without
 *   requests (NaN) passes: the dead-man's switch covers missing data.
 * - `<name>-health` (when `healthMeasurements` is set): every pod of the new version is scraped
 *   and up; for blue-green pre-promotion, when the preview has no user traffic to measure.
 *
 * Both take the argument `pod-template-hash` (the Rollout passes the new ReplicaSet's hash).
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/analysis/prometheus/
 */
export class RollbackAnalysis extends Construct implements IRunbookContributor {
  /** The argument that selects the new version's series. */
  public static readonly POD_TEMPLATE_HASH_ARG = 'pod-template-hash';
  /** Default Prometheus address: the prometheus-operator's governing Service in `monitoring`. */
  public static readonly DEFAULT_PROMETHEUS_ADDRESS = 'http://prometheus-operated.monitoring.svc:9090';

  /** Name of the error-rate and latency template. */
  public readonly templateName: string;
  /** Name of the health template, when `healthMeasurements` asked for one. */
  public readonly healthTemplateName?: string;
  /** Failed measurements the error-rate template tolerates before it fails. */
  public readonly failureLimit: number;
  /** Time between measurements. */
  public readonly interval: Duration;

  constructor(scope: Construct, id: string, private readonly props: RollbackAnalysisProps) {
    super(scope, id);
    const { rollbackTrigger, signals } = props;
    this.templateName = props.name;
    this.healthTemplateName = props.healthMeasurements !== undefined ? `${props.name}-health` : undefined;
    this.interval = rollbackTrigger.evaluation.period;
    this.failureLimit = rollbackTrigger.evaluation.datapointsToAlarm - 1;
    const scrape = props.scrapeInterval ?? Duration.seconds(30);
    const window = promDuration(Duration.seconds(Math.max(this.interval.toSeconds(), scrape.toSeconds() * 2)));
    const address = props.prometheusAddress ?? RollbackAnalysis.DEFAULT_PROMETHEUS_ADDRESS;
    const latest = `${WorkloadPodMonitor.POD_TEMPLATE_HASH_LABEL.replace(/-/g, '_')}="{{args.${RollbackAnalysis.POD_TEMPLATE_HASH_ARG}}}"`;
    const args = [{ name: RollbackAnalysis.POD_TEMPLATE_HASH_ARG }];

    new KubeArgoAnalysisTemplate(this, 'Resource', {
      metadata: { name: this.templateName, namespace: props.namespace },
      spec: {
        args,
        metrics: [
          {
            name: 'error-rate',
            interval: promDuration(this.interval),
            ...(props.measurements !== undefined ? { count: props.measurements } : {}),
            failureLimit: this.failureLimit,
            consecutiveErrorLimit: 4,
            successCondition: `isNaN(result[0]) || result[0] < ${plain(rollbackTrigger.errorRatePercent / 100)}`,
            provider: { prometheus: { address, query: signals.errorRatio(window, latest) } },
          },
          {
            name: 'latency-p99',
            interval: promDuration(this.interval),
            ...(props.measurements !== undefined ? { count: props.measurements } : {}),
            failureLimit: this.failureLimit,
            consecutiveErrorLimit: 4,
            successCondition: `isNaN(result[0]) || result[0] < ${plain(props.p99LatencyMs / 1000)}`,
            provider: { prometheus: { address, query: signals.latencySeconds(0.99, window, latest) } },
          },
        ],
      },
    });
    if (this.healthTemplateName) {
      new KubeArgoAnalysisTemplate(this, 'Health', {
        metadata: { name: this.healthTemplateName, namespace: props.namespace },
        spec: {
          args,
          metrics: [
            {
              name: 'pods-up',
              interval: promDuration(this.interval),
              count: props.healthMeasurements,
              failureLimit: 0,
              successCondition: 'result[0] == 1',
              provider: { prometheus: { address, query: signals.minUp(latest) } },
            },
          ],
        },
      });
    }
  }

  public runbookFacts(): RunbookFacts {
    const { namespace, rollbackTrigger, rolloutName } = this.props;
    const ns = `kubectl -n ${namespace}`;
    const failures = this.failureLimit + 1;
    return {
      alarms: [
        {
          anchor: anchorOf(`${namespace}-rollback-error-rate`),
          name: this.templateName,
          severity: AlarmSeverity.ROLLBACK,
          condition: `the new version's 5xx ratio at or above ${rollbackTrigger.errorRatePercent}% (${rollbackTrigger.baselineErrorRatePercent}% baseline × ${rollbackTrigger.errorRateMultiplier}) or its p99 latency at or above ${this.props.p99LatencyMs} ms in ${failures} measurement${failures > 1 ? 's' : ''}, one every ${this.interval} (AnalysisTemplate ${namespace}/${this.templateName})`,
          missingData: 'not breaching: a window without requests passes; the dead-man\'s switch covers missing data; 4 consecutive query errors fail the analysis',
          notifies: `Rollout ${namespace}/${rolloutName} (aborts by itself)`,
          meaning: 'The new version fails more requests (or answers slower) than the rollback trigger allows; Argo Rollouts aborted the rollout and sent all traffic back to the stable version.',
          impact: 'Users on the canary share of traffic saw errors until the abort; after it, none from this release.',
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
          mitigation: [
            'Nothing to undo: traffic is back on the stable version.',
            'Fix forward with a new image, or retry the same image only when the cause was external.',
          ],
        },
      ],
      resources: [
        { type: 'argoproj.io/AnalysisTemplate', name: this.templateName },
        ...(this.healthTemplateName ? [{ type: 'argoproj.io/AnalysisTemplate', name: this.healthTemplateName }] : []),
      ],
    };
  }
}
