import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NODE_LOCAL_DNS, networkPolicyNames, type NetworkPolicySettings } from '../../lib/plan/kubernetes/network-policies';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { networkPoliciesRunbookFacts } from '../../lib/runbook/platforms/kubernetes-network-policies';

export { NODE_LOCAL_DNS, type EgressRule } from '../../lib/plan/kubernetes/network-policies';

/** Props of `WorkloadNetworkPolicies`. */
export type WorkloadNetworkPoliciesProps = NetworkPolicySettings;

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
    const policy = (suffix: string, spec: k8s.NetworkPolicySpec) => {
      const policyName = `${name}-${suffix}`;
      new k8s.KubeNetworkPolicy(this, suffix, { metadata: { name: policyName, namespace }, spec });
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
    this.policyNames = networkPolicyNames(props);
  }

  /** The policies' part of the runbook (text in lib/runbook/platforms/kubernetes-network-policies.ts). */
  public runbookFacts(): RunbookFacts {
    return networkPoliciesRunbookFacts(this.props);
  }
}
