import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';

/** One destination the pods may connect to. */
export interface EgressRule {
  /** An IPv4 block. Give this or `namespace`. */
  readonly cidr?: string;
  /** A namespace of the cluster. Give this or `cidr`. */
  readonly namespace?: string;
  /** TCP port. */
  readonly port: number;
}

/** Props of `WorkloadNetworkPolicies`. */
export interface WorkloadNetworkPoliciesProps {
  /** Prefix of the policy names, e.g. `checkout`. */
  readonly name: string;
  /** Namespace of the objects; the default-deny policy covers every pod in it. */
  readonly namespace: string;
  /** Labels of the workload's pods. */
  readonly podLabels: Record<string, string>;
  /** Container port that serves users. */
  readonly servingPort: number;
  /** Container port that serves metrics. @default - metrics on the serving port */
  readonly metricsPort?: number;
  /** Namespace of the ingress controller, when its pods proxy the traffic (ingress-nginx). @default 'ingress-nginx' */
  readonly ingressControllerNamespace?: string;
  /**
   * Where the load balancer's traffic comes from when it is not a pod of the cluster: the AWS
   * Load Balancer Controller's ALB in IP target mode sends from its addresses in the VPC. Replaces
   * `ingressControllerNamespace`.
   * @default - traffic comes from the ingress controller's namespace
   */
  readonly ingressSourceCidr?: string;
  /** Namespaces whose pods call the serving port inside the cluster. @default - none */
  readonly callerNamespaces?: readonly string[];
  /** Namespace Prometheus runs in. @default 'monitoring' */
  readonly prometheusNamespace?: string;
  /** Labels of pods in the namespace that test the workload (smoke tests). @default - none */
  readonly testerLabels?: Record<string, string>;
  /**
   * The pods read the Kubernetes API (e.g. a migration gate): allow TCP 443 and 6443 to the API
   * server's endpoints (CNIs match egress after the Service address is translated to them).
   * @default - no access to the API
   */
  readonly kubernetesApi?: { readonly cidr: string };
  /** Where the pods may connect besides DNS. @default - nowhere */
  readonly egress?: readonly EgressRule[];
}

/** The address NodeLocal DNSCache listens on by default. */
export const NODE_LOCAL_DNS = '169.254.20.10';
const nsSelector = (namespace: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': namespace } });
const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });

/**
 * NetworkPolicies for one workload namespace: deny all traffic in and out by default, then allow
 * the ingress controller to the serving port, Prometheus to the metrics port, smoke-test pods to
 * the serving port, DNS, and the egress the definition declares. Metrics are never reachable
 * through the Ingress (it routes the serving port only).
 *
 * Needs a CNI that enforces NetworkPolicy (Calico, Cilium, the AWS VPC CNI with network policies
 * enabled); without one these objects are accepted and do nothing.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class WorkloadNetworkPolicies extends Construct implements IRunbookContributor {
  /** Names of the policies written. */
  public readonly policyNames: readonly string[];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: WorkloadNetworkPoliciesProps,
  ) {
    super(scope, id);
    const { name, namespace, podLabels } = props;
    const names: string[] = [];
    const policy = (suffix: string, spec: k8s.NetworkPolicySpec) => {
      const policyName = `${name}-${suffix}`;
      new k8s.KubeNetworkPolicy(this, suffix, { metadata: { name: policyName, namespace }, spec });
      names.push(policyName);
    };
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            { namespaceSelector: nsSelector('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
            // NodeLocal DNSCache answers on a link-local address on every node (its default).
            // https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
            { ipBlock: { cidr: `${NODE_LOCAL_DNS}/32` } },
          ],
          ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)],
        },
      ],
    });
    policy('allow-ingress', {
      podSelector: { matchLabels: podLabels },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            props.ingressSourceCidr
              ? { ipBlock: { cidr: props.ingressSourceCidr } }
              : { namespaceSelector: nsSelector(props.ingressControllerNamespace ?? 'ingress-nginx') },
          ],
          ports: [tcp(props.servingPort)],
        },
        ...((props.callerNamespaces ?? []).length > 0
          ? [{ from: (props.callerNamespaces ?? []).map((n) => ({ namespaceSelector: nsSelector(n) })), ports: [tcp(props.servingPort)] }]
          : []),
        ...(props.testerLabels ? [{ from: [{ podSelector: { matchLabels: props.testerLabels } }], ports: [tcp(props.servingPort)] }] : []),
        {
          from: [{ namespaceSelector: nsSelector(props.prometheusNamespace ?? 'monitoring') }],
          ports: [tcp(props.metricsPort ?? props.servingPort)],
        },
      ],
    });
    if (props.testerLabels) {
      policy('allow-tests', {
        podSelector: { matchLabels: props.testerLabels },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: podLabels } }], ports: [tcp(props.servingPort)] }],
      });
    }
    const egress = props.egress ?? [];
    if (egress.length > 0 || props.kubernetesApi) {
      policy('allow-egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          ...egress.map((e) => ({
            to: [e.cidr ? { ipBlock: { cidr: e.cidr } } : { namespaceSelector: nsSelector(e.namespace!) }],
            ports: [tcp(e.port)],
          })),
          // The API server's endpoints (443 on managed control planes, 6443 with kubeadm).
          ...(props.kubernetesApi ? [{ to: [{ ipBlock: { cidr: props.kubernetesApi.cidr } }], ports: [tcp(443), tcp(6443)] }] : []),
        ],
      });
    }
    this.policyNames = names;
  }

  public runbookFacts(): RunbookFacts {
    return {
      resources: this.policyNames.map((n) => ({ type: 'NetworkPolicy', name: n })),
      notes: [
        `NetworkPolicies deny every connection in namespace ${this.props.namespace} except: the load balancer (${this.props.ingressSourceCidr ?? `namespace ${this.props.ingressControllerNamespace ?? 'ingress-nginx'}`}) to port ${this.props.servingPort}${(this.props.callerNamespaces ?? []).map((n) => `, namespace ${n} to port ${this.props.servingPort}`).join('')}, Prometheus (namespace ${this.props.prometheusNamespace ?? 'monitoring'}) to port ${this.props.metricsPort ?? this.props.servingPort}, DNS (kube-dns and NodeLocal DNSCache ${NODE_LOCAL_DNS})${(this.props.egress ?? []).map((e) => `, ${e.cidr ?? `namespace ${e.namespace}`}:${e.port}`).join('')}${this.props.kubernetesApi ? `, the Kubernetes API (${this.props.kubernetesApi.cidr}:443, 6443)` : ''}; a new dependency needs a kubernetes.egress entry first, a new in-cluster caller a kubernetes.callers entry`,
      ],
    };
  }
}
