import { stringify } from 'yaml';
import { operatorConfig } from '../../k8s/support/alertmanager-operator';
import { selects, type KubeObject } from './k8s-cluster';

/** One alert as `POST /api/v2/alerts` received it (Alertmanager API v2 `postableAlert`). */
export interface ReceivedAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt?: string;
  readonly endsAt?: string;
}

/** An HTTP answer of the simulated service. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * The Alertmanager of the simulated cluster, reached through a port-forward to its
 * `alertmanager-operated` Service. It serves the two endpoints amtool calls, per the Alertmanager
 * API v2 (alertmanager `api/v2/openapi.yaml`): `GET /api/v2/status`, whose `config.original` is the
 * configuration the prometheus-operator builds (the AlertmanagerConfigs the Alertmanager's selectors
 * pick, merged into kube-prometheus-stack's default by `operatorConfig`, written from the operator's
 * source), on which amtool runs Alertmanager's own routing code (`amtool config routes test`); and
 * `POST /api/v2/alerts`, which records what `amtool alert add` sends.
 */
export class AlertmanagerWorld {
  public readonly alerts: ReceivedAlert[] = [];

  constructor(
    private readonly alertmanager: KubeObject,
    private readonly objects: readonly KubeObject[],
  ) {}

  /**
   * The AlertmanagerConfigs this Alertmanager selects: `alertmanagerConfigSelector` on their labels
   * (nil selects none), `alertmanagerConfigNamespaceSelector` on their namespace's labels (nil: only
   * the Alertmanager's own namespace) (prometheus-operator `Documentation/api.md`, AlertmanagerSpec).
   */
  public selected(): KubeObject[] {
    const spec = (this.alertmanager.spec ?? {}) as {
      alertmanagerConfigSelector?: Parameters<typeof selects>[0];
      alertmanagerConfigNamespaceSelector?: Parameters<typeof selects>[0];
    };
    const nsLabels = (ns: string | undefined) =>
      this.objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns)?.metadata.labels ?? {
        'kubernetes.io/metadata.name': ns ?? '',
      };
    return this.objects.filter(
      (o) =>
        o.kind === 'AlertmanagerConfig' &&
        selects(spec.alertmanagerConfigSelector, o.metadata.labels) &&
        (spec.alertmanagerConfigNamespaceSelector
          ? selects(spec.alertmanagerConfigNamespaceSelector, nsLabels(o.metadata.namespace))
          : o.metadata.namespace === this.alertmanager.metadata.namespace),
    );
  }

  /**
   * What the Secrets the AlertmanagerConfigs read hold: a Secret an ExternalSecret of the manifest
   * writes (its `target.name`) holds a value for each of its keys; anything else is missing, and the
   * operator would reject the configuration. Test values only: the manifests never carry any.
   */
  private secrets(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const es of this.objects.filter((o) => o.kind === 'ExternalSecret')) {
      const spec = es.spec as { target?: { name?: string }; data?: { secretKey: string; remoteRef: { key: string } }[] };
      for (const d of spec.data ?? [])
        out[`${spec.target?.name ?? es.metadata.name}/${d.secretKey}`] = `https://secrets.example.invalid/${d.remoteRef.key}`;
    }
    return out;
  }

  /** Answers one HTTP request the port-forward carried. */
  public http(method: string, path: string, body: string): HttpAnswer {
    if (method === 'GET' && path === '/api/v2/status') {
      // The operator leaves out an AlertmanagerConfig it cannot convert (a Secret key missing).
      const secrets = this.secrets();
      const valid = this.selected().filter((c) => {
        try {
          operatorConfig([c], secrets);
          return true;
        } catch {
          return false;
        }
      });
      const config = stringify(operatorConfig(valid, secrets));
      const status = {
        cluster: { status: 'ready', peers: [], name: 'drill' },
        config: { original: config },
        uptime: '2026-01-01T00:00:00.000Z',
        versionInfo: { branch: 'HEAD', buildDate: '', buildUser: '', goVersion: '', revision: '', version: '0.27.0' },
      };
      return { status: 200, body: JSON.stringify(status) };
    }
    if (method === 'POST' && path === '/api/v2/alerts') {
      let posted: unknown;
      try {
        posted = JSON.parse(body);
      } catch {
        return { status: 400, body: JSON.stringify({ code: 400, message: 'body is not JSON' }) };
      }
      if (!Array.isArray(posted)) return { status: 400, body: JSON.stringify({ code: 400, message: 'body is not a list of alerts' }) };
      for (const a of posted as Partial<ReceivedAlert>[]) {
        // An alert without labels is invalid (api/v2/openapi.yaml: postableAlert.labels is required).
        if (!a.labels || Object.keys(a.labels).length === 0)
          return { status: 400, body: JSON.stringify({ code: 400, message: 'alert has no labels' }) };
        this.alerts.push({ labels: a.labels, annotations: a.annotations ?? {}, startsAt: a.startsAt, endsAt: a.endsAt });
      }
      return { status: 200, body: '' };
    }
    return { status: 404, body: JSON.stringify({ code: 404, message: `the drill does not simulate ${method} ${path}` }) };
  }
}
