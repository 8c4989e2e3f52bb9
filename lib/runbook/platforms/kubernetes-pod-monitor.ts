import type { Duration } from '../../model/duration';
import type { RunbookFacts } from '../facts';

/** What the PodMonitor's runbook line needs. */
export interface PodMonitorRunbookInput {
  /** Name of the PodMonitor. */
  readonly name: string;
  readonly namespace: string;
  /** Value of the `job` label it sets. */
  readonly job: string;
  /** HTTP path of the metrics. @default '/metrics' */
  readonly path?: string;
  /** Scrape interval. */
  readonly interval: Duration;
}

/** The PodMonitor in the runbook: what Prometheus scrapes, and how often. */
export function podMonitorRunbookFacts(input: PodMonitorRunbookInput): RunbookFacts {
  return {
    resources: [{ type: 'monitoring.coreos.com/PodMonitor', name: input.name }],
    watch: [
      `Prometheus scrapes ${input.path ?? '/metrics'} on every pod every ${input.interval} (PodMonitor ${input.namespace}/${input.name}, job="${input.job}")`,
    ],
  };
}
