import { NODE_LOCAL_DNS, networkPolicyNames, type NetworkPolicySettings } from '../../plan/kubernetes/network-policies';
import type { RunbookFacts } from '../facts';

/** The namespace's NetworkPolicies in the runbook: what they allow, and what a new dependency needs. */
export function networkPoliciesRunbookFacts(settings: NetworkPolicySettings): RunbookFacts {
  return {
    resources: networkPolicyNames(settings).map((n) => ({ type: 'NetworkPolicy', name: n })),
    notes: [
      `NetworkPolicies deny every connection in namespace ${settings.namespace} except: the load balancer (${settings.ingressSourceCidr ?? `namespace ${settings.ingressControllerNamespace ?? 'ingress-nginx'}`}) to port ${settings.servingPort}${(settings.callerNamespaces ?? []).map((n) => `, namespace ${n} to port ${settings.servingPort}`).join('')}, Prometheus (namespace ${settings.prometheusNamespace ?? 'monitoring'}) to port ${settings.metricsPort ?? settings.servingPort}, DNS (kube-dns and NodeLocal DNSCache ${NODE_LOCAL_DNS})${(settings.egress ?? []).map((e) => `, ${e.cidr ?? `namespace ${e.namespace}`}:${e.port}`).join('')}${settings.kubernetesApi ? `, the Kubernetes API (${settings.kubernetesApi.cidr}:443, 6443)` : ''}; a new dependency needs a kubernetes.egress entry first, a new in-cluster caller a kubernetes.callers entry`,
    ],
  };
}
