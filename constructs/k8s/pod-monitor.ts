import { Construct } from 'constructs';
import { Duration } from '../../lib/model/duration';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { podMonitorRunbookFacts } from '../../lib/runbook/platforms/kubernetes-pod-monitor';
import { KubePodMonitor } from './private/crds';
import { promDuration } from './private/units';

/** Props of a `WorkloadPodMonitor`. */
export interface WorkloadPodMonitorProps {
  /** Name of the PodMonitor. */
  readonly name: string;
  /** Namespace of the objects. */
  readonly namespace: string;
  /** Labels that select the workload's pods. */
  readonly selector: Record<string, string>;
  /** Value written to the `job` label of every scraped series. */
  readonly job: string;
  /** Name of the container port that serves metrics. @default 'http' */
  readonly port?: string;
  /** HTTP path of the metrics. @default '/metrics' */
  readonly path?: string;
  /**
   * Labels the Prometheus selects PodMonitors by (kube-prometheus-stack: `release: <Helm release>`).
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /** Scrape interval. @default 30s */
  readonly interval?: Duration;
}

/**
 * A prometheus-operator `PodMonitor` that scrapes the workload's pods, sets `job`, and copies the
 * `rollouts-pod-template-hash` pod label onto the series so Argo Rollouts analysis can tell the
 * canary's metrics from the stable version's.
 *
 * @see https://prometheus-operator.dev/docs/developer/getting-started/#using-podmonitors
 */
export class WorkloadPodMonitor extends Construct implements IRunbookContributor {
  /** The pod label copied onto every series (as `rollouts_pod_template_hash`). */
  public static readonly POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';

  /** The scrape interval. */
  public readonly interval: Duration;
  /** The PodMonitor's name. */
  public readonly name: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: WorkloadPodMonitorProps,
  ) {
    super(scope, id);
    this.name = props.name;
    this.interval = props.interval ?? Duration.seconds(30);
    new KubePodMonitor(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, ...(props.labels ? { labels: props.labels } : {}) },
      spec: {
        selector: { matchLabels: props.selector },
        podTargetLabels: [WorkloadPodMonitor.POD_TEMPLATE_HASH_LABEL],
        podMetricsEndpoints: [
          {
            port: props.port ?? 'http',
            path: props.path ?? '/metrics',
            interval: promDuration(this.interval),
            relabelings: [{ action: 'replace', targetLabel: 'job', replacement: props.job }],
          },
        ],
      },
    });
  }

  /** The PodMonitor's part of the runbook (text in lib/runbook/platforms/kubernetes-pod-monitor.ts). */
  public runbookFacts(): RunbookFacts {
    return podMonitorRunbookFacts({ ...this.props, interval: this.interval });
  }
}
