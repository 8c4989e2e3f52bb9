/*
 * NetworkPolicy evaluation: who can connect to whom, from
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/ and the API reference
 * (networking.k8s.io/v1 NetworkPolicySpec), as the upstream conformance tests check it
 * (kubernetes/kubernetes test/e2e/network/netpol/):
 *
 * - A pod is isolated for ingress (egress) when some policy in its namespace selects it and has
 *   "Ingress" ("Egress") in policyTypes. policyTypes defaults to ["Ingress"], plus "Egress" when
 *   the policy has egress rules.
 * - A non-isolated direction allows everything. An isolated one allows a connection when some
 *   selecting policy has a rule whose peers match (no `from`/`to`: every peer) and whose ports
 *   match (no `ports`: every port). Policies are additive; there is no deny.
 * - A connection needs the source's egress and the destination's ingress ("both ... must allow").
 * - Peers: `podSelector` alone selects pods in the policy's namespace; `namespaceSelector` alone,
 *   every pod of the selected namespaces; both in one peer, the pods matching both; `ipBlock`
 *   matches addresses (its `except` excluded). An empty selector matches everything.
 * - Ports: protocol defaults to TCP; a named port is the destination container's port of that
 *   name; `endPort` makes a range.
 */

/** Labels, and a label selector as in metav1.LabelSelector. */
type Labels = Readonly<Record<string, string>>;
interface Selector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** Something that opens or receives connections: a pod of the cluster, or an address outside it. */
export interface Endpoint {
  readonly name: string;
  /** Namespace of a pod; undefined outside the cluster. */
  readonly namespace?: string;
  readonly labels?: Labels;
  readonly ip: string;
  /** Named container ports of a pod. */
  readonly ports?: Readonly<Record<string, number>>;
}

/** The cluster the policies act in. */
export interface Cluster {
  readonly namespaces: Readonly<Record<string, Labels>>;
  readonly policies: readonly Record<string, any>[];
}

/** Whether a label selector matches labels (matchLabels and matchExpressions are ANDed). */
export function selectorMatches(selector: Selector | undefined, labels: Labels = {}): boolean {
  if (!selector) return true;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        throw new Error(`unknown selector operator ${e.operator}`);
    }
  });
  return byLabels && byExpressions;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Whether an IPv4 address is inside a CIDR block. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToNumber(base) / size) * size;
  const n = ipToNumber(ip);
  return n >= start && n < start + size;
}

function peerMatches(peer: Record<string, any>, policyNamespace: string, other: Endpoint, cluster: Cluster): boolean {
  if (peer.ipBlock) {
    return inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c: string) => inCidr(other.ip, c));
  }
  if (other.namespace === undefined) return false;
  const namespaceOk = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, cluster.namespaces[other.namespace])
    : other.namespace === policyNamespace;
  return namespaceOk && (peer.podSelector === undefined || selectorMatches(peer.podSelector, other.labels));
}

function portMatches(ports: readonly Record<string, any>[] | undefined, port: number, protocol: string, destination: Endpoint): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === 'string' ? destination.ports?.[p.port] : p.port;
    if (number === undefined) return false;
    return p.endPort !== undefined ? port >= number && port <= p.endPort : port === number;
  });
}

function typesOf(policy: Record<string, any>): string[] {
  return policy.spec.policyTypes ?? ['Ingress', ...(policy.spec.egress ? ['Egress'] : [])];
}

function directionAllows(
  cluster: Cluster,
  subject: Endpoint,
  other: Endpoint,
  direction: 'Ingress' | 'Egress',
  port: number,
  protocol: string,
  destination: Endpoint,
): boolean {
  if (subject.namespace === undefined) return true;
  const selecting = cluster.policies.filter(
    (p) =>
      p.metadata.namespace === subject.namespace && selectorMatches(p.spec.podSelector, subject.labels) && typesOf(p).includes(direction),
  );
  if (selecting.length === 0) return true;
  const rulesKey = direction === 'Ingress' ? 'ingress' : 'egress';
  const peersKey = direction === 'Ingress' ? 'from' : 'to';
  return selecting.some((p) =>
    (p.spec[rulesKey] ?? []).some(
      (rule: Record<string, any>) =>
        (!rule[peersKey] ||
          rule[peersKey].length === 0 ||
          rule[peersKey].some((peer: Record<string, any>) => peerMatches(peer, p.metadata.namespace, other, cluster))) &&
        portMatches(rule.ports, port, protocol, destination),
    ),
  );
}

/** Whether `from` can open a connection to `to` on `port` (TCP unless given). */
export function canConnect(cluster: Cluster, from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
  return (
    directionAllows(cluster, from, to, 'Egress', port, protocol, to) && directionAllows(cluster, to, from, 'Ingress', port, protocol, to)
  );
}
