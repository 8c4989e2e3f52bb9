/*
 * The NetworkPolicies of one workload namespace, as decided from the definition: what each allows
 * is written by `WorkloadNetworkPolicies` (constructs/k8s); the names and the allowed paths are
 * here so the runbook states them without cdk8s.
 */

/** One destination the pods may connect to. */
export interface EgressRule {
  /** An IPv4 block. Give this or `namespace`. */
  readonly cidr?: string;
  /** A namespace of the cluster. Give this or `cidr`. */
  readonly namespace?: string;
  /** TCP port. */
  readonly port: number;
}

/** What the NetworkPolicies of a workload namespace allow (the props of `WorkloadNetworkPolicies`). */
export interface NetworkPolicySettings {
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
/** Names of the policies written, in order: default deny, DNS, ingress, then the tests' and the egress' when needed. */
export function networkPolicyNames(settings: NetworkPolicySettings): string[] {
  return [
    'default-deny',
    'allow-dns',
    'allow-ingress',
    ...(settings.testerLabels ? ['allow-tests'] : []),
    ...((settings.egress ?? []).length > 0 || settings.kubernetesApi ? ['allow-egress'] : []),
  ].map((suffix) => `${settings.name}-${suffix}`);
}
