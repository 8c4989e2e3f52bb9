import { Chart, Testing } from 'cdk8s';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { WorkloadNetworkPolicies, type WorkloadNetworkPoliciesProps } from '../../constructs/k8s/network-policies';
import { canConnect, type Cluster, type Endpoint } from './support/network-policy';

/*
 * Who reaches whom through `WorkloadNetworkPolicies` alone, judged by the NetworkPolicy model of
 * test/k8s/support/network-policy.ts (Kubernetes documentation and the upstream netpol e2e
 * tests): every allowed path is checked open and its near misses (another port, another
 * namespace, another pod, another address, another protocol) checked closed.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */

const NS = 'shop-prod';
const APP_LABELS = { app: 'shop' };

function policiesOf(props: Partial<WorkloadNetworkPoliciesProps> = {}): { policies: Record<string, any>[]; names: readonly string[] } {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  const construct = new WorkloadNetworkPolicies(chart, 'policies', {
    name: 'shop',
    namespace: NS,
    podLabels: APP_LABELS,
    servingPort: 8080,
    ...props,
  });
  return { policies: Testing.synth(chart), names: construct.policyNames };
}

const namespaces = (...names: string[]): Record<string, Record<string, string>> =>
  Object.fromEntries(names.map((n) => [n, { 'kubernetes.io/metadata.name': n }]));
const ALL_NAMESPACES = namespaces(
  NS,
  'ingress-nginx',
  'monitoring',
  'kube-system',
  'strangers',
  'orders',
  'billing',
  'traefik',
  'observability',
  'db',
);

const pod = (name: string, namespace: string, labels: Record<string, string> = {}, ip = '10.244.9.9'): Endpoint => ({
  name,
  namespace,
  labels,
  ip,
});
const outside = (name: string, ip: string): Endpoint => ({ name, ip });
const app = pod('app', NS, APP_LABELS, '10.244.1.10');
const otherPod = pod('other', NS, { app: 'worker' }, '10.244.1.11');
const kubeDns = pod('coredns', 'kube-system', { 'k8s-app': 'kube-dns' }, '10.244.0.2');
const nodeLocalDns = outside('node-local-dns', '169.254.20.10');

function clusterOf(props: Partial<WorkloadNetworkPoliciesProps> = {}): Cluster {
  return { namespaces: ALL_NAMESPACES, policies: policiesOf(props).policies };
}

describe('WorkloadNetworkPolicies', () => {
  test('the objects are valid networking.k8s.io/v1 NetworkPolicies in the workload namespace', () => {
    const { policies } = policiesOf({ testerLabels: { role: 'smoke' }, egress: [{ cidr: '10.0.0.0/16', port: 5432 }] });
    expect(policies.map((p) => [p.kind, p.metadata.name, p.metadata.namespace])).toEqual([
      ['NetworkPolicy', 'shop-default-deny', NS],
      ['NetworkPolicy', 'shop-allow-dns', NS],
      ['NetworkPolicy', 'shop-allow-ingress', NS],
      ['NetworkPolicy', 'shop-allow-tests', NS],
      ['NetworkPolicy', 'shop-allow-egress', NS],
    ]);
    for (const p of policies) expect(() => new NetworkPolicy(p as any).validate()).not.toThrow();
  });

  test('policyNames lists exactly the policies written', () => {
    const cases: Partial<WorkloadNetworkPoliciesProps>[] = [
      {},
      { testerLabels: { role: 'smoke' } },
      { egress: [{ namespace: 'db', port: 5432 }] },
      { kubernetesApi: { cidr: '172.20.0.1/32' } },
      { egress: [], testerLabels: { role: 'smoke' }, kubernetesApi: { cidr: '172.20.0.1/32' } },
    ];
    for (const props of cases) {
      const { policies, names } = policiesOf(props);
      expect(names).toEqual(policies.map((p) => p.metadata.name));
    }
    expect(policiesOf().names).toEqual(['shop-default-deny', 'shop-allow-dns', 'shop-allow-ingress']);
    expect(policiesOf({ egress: [] }).names).toEqual(['shop-default-deny', 'shop-allow-dns', 'shop-allow-ingress']);
  });

  test('default deny: nothing undeclared reaches the pods, and the pods reach nothing undeclared', () => {
    const cluster = clusterOf();
    expect(canConnect(cluster, pod('stranger', 'strangers'), app, 8080)).toBe(false);
    expect(canConnect(cluster, otherPod, app, 8080)).toBe(false);
    expect(canConnect(cluster, outside('internet', '203.0.113.9'), app, 8080)).toBe(false);
    expect(canConnect(cluster, app, outside('internet', '203.0.113.9'), 443)).toBe(false);
    expect(canConnect(cluster, app, pod('db', 'db'), 5432)).toBe(false);
    // Every pod of the namespace is isolated, not just the workload's.
    expect(canConnect(cluster, pod('stranger', 'strangers'), otherPod, 8080)).toBe(false);
    expect(canConnect(cluster, otherPod, outside('internet', '203.0.113.9'), 443)).toBe(false);
    expect(canConnect(cluster, app, pod('kube-api', 'default'), 443)).toBe(false);
  });

  test('DNS: every pod of the namespace reaches kube-dns and NodeLocal DNSCache on port 53, UDP and TCP, and nothing else there', () => {
    const cluster = clusterOf();
    for (const source of [app, otherPod]) {
      for (const target of [kubeDns, nodeLocalDns]) {
        expect(canConnect(cluster, source, target, 53, 'UDP')).toBe(true);
        expect(canConnect(cluster, source, target, 53, 'TCP')).toBe(true);
        expect(canConnect(cluster, source, target, 54, 'UDP')).toBe(false);
        expect(canConnect(cluster, source, target, 443, 'TCP')).toBe(false);
      }
      // Only the kube-dns pods of kube-system, and only the NodeLocal address (a /32).
      expect(canConnect(cluster, source, pod('other', 'kube-system', { 'k8s-app': 'metrics-server' }), 53, 'UDP')).toBe(false);
      expect(canConnect(cluster, source, pod('dns', 'strangers', { 'k8s-app': 'kube-dns' }), 53, 'UDP')).toBe(false);
      expect(canConnect(cluster, source, outside('next', '169.254.20.11'), 53, 'UDP')).toBe(false);
    }
  });

  test('ingress: the ingress-nginx namespace reaches the serving port of the workload only', () => {
    const cluster = clusterOf();
    const controller = pod('controller', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
    expect(canConnect(cluster, controller, app, 8080)).toBe(true);
    expect(canConnect(cluster, controller, app, 8081)).toBe(false);
    expect(canConnect(cluster, controller, app, 8080, 'UDP')).toBe(false);
    expect(canConnect(cluster, controller, otherPod, 8080)).toBe(false);
    expect(canConnect(cluster, pod('controller', 'traefik'), app, 8080)).toBe(false);
  });

  test('ingress: another controller namespace replaces ingress-nginx', () => {
    const cluster = clusterOf({ ingressControllerNamespace: 'traefik' });
    expect(canConnect(cluster, pod('controller', 'traefik'), app, 8080)).toBe(true);
    expect(canConnect(cluster, pod('controller', 'ingress-nginx'), app, 8080)).toBe(false);
  });

  test('ingress: an ALB source CIDR replaces the controller namespace', () => {
    const cluster = clusterOf({ ingressSourceCidr: '10.0.0.0/16', ingressControllerNamespace: 'traefik' });
    expect(canConnect(cluster, outside('alb', '10.0.1.7'), app, 8080)).toBe(true);
    expect(canConnect(cluster, outside('alb', '10.0.1.7'), app, 9090)).toBe(false);
    expect(canConnect(cluster, outside('internet', '10.1.0.7'), app, 8080)).toBe(false);
    expect(canConnect(cluster, pod('controller', 'traefik'), app, 8080)).toBe(false);
    expect(canConnect(cluster, pod('controller', 'ingress-nginx'), app, 8080)).toBe(false);
  });

  test('callers: each declared namespace reaches the serving port; none declared, none reach', () => {
    const declared = clusterOf({ callerNamespaces: ['orders', 'billing'] });
    for (const ns of ['orders', 'billing']) {
      expect(canConnect(declared, pod('caller', ns), app, 8080)).toBe(true);
      expect(canConnect(declared, pod('caller', ns), app, 9090)).toBe(false);
    }
    expect(canConnect(declared, pod('caller', 'strangers'), app, 8080)).toBe(false);
    const none = clusterOf({ callerNamespaces: [] });
    expect(canConnect(none, pod('caller', 'orders'), app, 8080)).toBe(false);
    expect(policiesOf({ callerNamespaces: [] }).policies.find((p) => p.metadata.name === 'shop-allow-ingress')!.spec.ingress).toHaveLength(
      2,
    );
  });

  test('Prometheus: the monitoring namespace reaches the metrics port, or the serving port when metrics share it', () => {
    const prometheus = pod('prometheus', 'monitoring', { app: 'prometheus' });
    const shared = clusterOf();
    expect(canConnect(shared, prometheus, app, 8080)).toBe(true);
    expect(canConnect(shared, prometheus, app, 9090)).toBe(false);
    const separate = clusterOf({ metricsPort: 9090 });
    expect(canConnect(separate, prometheus, app, 9090)).toBe(true);
    expect(canConnect(separate, prometheus, app, 8080)).toBe(false);
    // Metrics are never reachable through the Ingress.
    expect(canConnect(separate, pod('controller', 'ingress-nginx'), app, 9090)).toBe(false);
    const elsewhere = clusterOf({ metricsPort: 9090, prometheusNamespace: 'observability' });
    expect(canConnect(elsewhere, pod('prometheus', 'observability'), app, 9090)).toBe(true);
    expect(canConnect(elsewhere, prometheus, app, 9090)).toBe(false);
  });

  test('smoke tests: the tester pods reach the serving port of the workload, and nothing else', () => {
    const tester = pod('smoke', NS, { role: 'smoke' }, '10.244.1.12');
    const without = clusterOf();
    expect(canConnect(without, tester, app, 8080)).toBe(false);
    const cluster = clusterOf({ testerLabels: { role: 'smoke' }, metricsPort: 9090 });
    expect(canConnect(cluster, tester, app, 8080)).toBe(true);
    expect(canConnect(cluster, tester, app, 9090)).toBe(false);
    expect(canConnect(cluster, tester, otherPod, 8080)).toBe(false);
    expect(canConnect(cluster, otherPod, app, 8080)).toBe(false);
    expect(canConnect(cluster, tester, outside('internet', '203.0.113.9'), 443)).toBe(false);
    // The same labels in another namespace are not the tester.
    expect(canConnect(cluster, pod('smoke', 'strangers', { role: 'smoke' }), app, 8080)).toBe(false);
    // The testers reach the workload's serving port only, not the same port elsewhere.
    expect(canConnect(cluster, tester, outside('internet', '203.0.113.9'), 8080)).toBe(false);
  });

  test('smoke tests: the workload admits the testers, not every pod that may send to it', () => {
    // Egress to the pod network lets every pod of the namespace send; the workload's ingress must still refuse them.
    const cluster = clusterOf({
      testerLabels: { role: 'smoke' },
      metricsPort: 9090,
      egress: [
        { cidr: '10.244.0.0/16', port: 8080 },
        { cidr: '10.244.0.0/16', port: 9090 },
      ],
    });
    const tester = pod('smoke', NS, { role: 'smoke' }, '10.244.1.12');
    expect(canConnect(cluster, tester, app, 8080)).toBe(true);
    expect(canConnect(cluster, otherPod, app, 8080)).toBe(false);
    expect(canConnect(cluster, tester, app, 9090)).toBe(false);
    expect(canConnect(cluster, pod('stranger', 'strangers', {}, '10.244.7.7'), app, 8080)).toBe(false);
  });

  test('egress: each declared CIDR or namespace on its port, nothing else', () => {
    const cluster = clusterOf({
      egress: [
        { cidr: '10.0.0.0/16', port: 5432 },
        { namespace: 'db', port: 6379 },
      ],
    });
    expect(canConnect(cluster, app, outside('rds', '10.0.3.4'), 5432)).toBe(true);
    expect(canConnect(cluster, app, outside('rds', '10.0.3.4'), 5433)).toBe(false);
    expect(canConnect(cluster, app, outside('elsewhere', '10.1.3.4'), 5432)).toBe(false);
    expect(canConnect(cluster, app, pod('redis', 'db'), 6379)).toBe(true);
    expect(canConnect(cluster, app, pod('redis', 'db'), 5432)).toBe(false);
    expect(canConnect(cluster, app, pod('redis', 'strangers'), 6379)).toBe(false);
    expect(canConnect(cluster, app, outside('api', '172.20.0.1'), 443)).toBe(false);
  });

  test('Kubernetes API: the API endpoints on 443 and 6443 only', () => {
    const cluster = clusterOf({ kubernetesApi: { cidr: '172.20.0.0/24' } });
    const api = outside('apiserver', '172.20.0.1');
    expect(canConnect(cluster, app, api, 443)).toBe(true);
    expect(canConnect(cluster, app, api, 6443)).toBe(true);
    expect(canConnect(cluster, app, api, 80)).toBe(false);
    expect(canConnect(cluster, app, outside('elsewhere', '172.21.0.1'), 443)).toBe(false);
  });

  test('runbookFacts describes the policies written', () => {
    const app2 = Testing.app();
    const construct = new WorkloadNetworkPolicies(new Chart(app2, 'test'), 'policies', {
      name: 'shop',
      namespace: NS,
      podLabels: APP_LABELS,
      servingPort: 8080,
    });
    const text = JSON.stringify(construct.runbookFacts());
    expect(text).toContain('shop-default-deny');
  });
});
