import { Construct } from 'constructs';
import type { Duration } from '../../lib/model/duration';
import {
  GROUP_WAIT,
  alertmanagerRouting,
  prometheusDownBounds,
  receiverOf,
  type AlertmanagerRoutingSettings,
  type ReceiverName,
} from '../../lib/plan/kubernetes/alertmanager-routing';
import type { AlertmanagerConfigSpec } from '../../lib/plan/kubernetes/alertmanager-config';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { alertmanagerRoutingRunbookFacts } from '../../lib/runbook/platforms/alertmanager';
import { ExternalSecrets } from './external-secrets';
import { KubeAlertmanagerConfig } from './private/alertmanager-config-crd';

/** Props of `AlertmanagerRouting`. */
export type AlertmanagerRoutingProps = AlertmanagerRoutingSettings;

export { ReceiverName } from '../../lib/plan/kubernetes/alertmanager-routing';

/**
 * A prometheus-operator `AlertmanagerConfig` (`monitoring.coreos.com/v1alpha1`) that routes one
 * service's alerts: `severity="critical"` to the pager, `severity="warning"` to the chat channel,
 * `Watchdog` to the heartbeat service every minute, and a critical alert inhibits the warnings of
 * the same service and environment. Credentials reach Alertmanager as Kubernetes Secrets that
 * External Secrets copies from Secrets Manager; the manifest holds only their names.
 *
 * The operator adds a `namespace="<namespace>"` matcher to the top route and to both sides of each
 * inhibit rule (unless the Alertmanager's `alertmanagerConfigMatcherStrategy` is `None`), sets
 * `continue: true` on it, and puts it before the main configuration's routes
 * (prometheus-operator `pkg/alertmanager/amcfg.go`: `namespaceEnforcer`, `AddAlertmanagerConfigs`).
 * @see https://prometheus-operator.dev/docs/developer/alerting/
 */
export class AlertmanagerRouting extends Construct implements IRunbookContributor {
  /** The spec as written to the AlertmanagerConfig (empty routes when no receiver is declared). */
  public readonly spec: AlertmanagerConfigSpec;
  /** Whether an AlertmanagerConfig is written: only when some receiver is declared. */
  public readonly routed: boolean;
  /** The Kubernetes Secrets the receivers read (`<name>-<pager|chat|heartbeat>`, key `value`). */
  public readonly secrets?: ExternalSecrets;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: AlertmanagerRoutingProps,
  ) {
    super(scope, id);
    const plan = alertmanagerRouting(props);
    this.spec = plan.spec;
    this.routed = plan.routed;
    if (plan.credentials.length > 0) {
      this.secrets = new ExternalSecrets(this, 'Secrets', {
        namespace: props.namespace,
        name: props.name,
        region: props.region!,
        // Alertmanager reads them from the Secret: no workload environment variable.
        secrets: plan.credentials.map((c) => ({ ...c, envVar: '' })),
        serviceAccountName: props.serviceAccountName,
      });
    }
    // Paging turned off and nothing else declared: Alertmanager's own configuration decides; only
    // the accepted risk is reported.
    if (this.routed) {
      new KubeAlertmanagerConfig(this, 'Resource', {
        metadata: { name: props.name, namespace: props.namespace, ...(props.labels ? { labels: props.labels } : {}) },
        spec: this.spec,
      });
    }
  }

  /** A critical alert reaches the pager this long after it fires (the route's `group_wait`). */
  public get pageDelay(): Duration {
    return GROUP_WAIT;
  }

  /**
   * How long after Prometheus stops the heartbeat service can still hear the Watchdog, and the
   * check to configure there (see `prometheusDownBounds`).
   */
  public get prometheusDown(): ReturnType<typeof prometheusDownBounds> {
    return prometheusDownBounds(this.props);
  }

  /** The receiver an alert with these labels reaches inside this config, as written (before the operator's prefix). */
  public receiverFor(severity: string, alertname: string): ReceiverName {
    return receiverOf(this.spec, severity, alertname);
  }

  /** The routing's part of the runbook (text in lib/runbook/platforms/alertmanager.ts). */
  public runbookFacts(): RunbookFacts {
    return alertmanagerRoutingRunbookFacts(this.props, { spec: this.spec, routed: this.routed });
  }
}
