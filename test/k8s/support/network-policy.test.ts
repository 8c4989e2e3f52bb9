import { canConnect, inCidr, type Cluster, type Endpoint } from './network-policy';

/*
 * The evaluator against the upstream conformance cases (kubernetes/kubernetes
 * test/e2e/network/netpol/network_policy.go): namespaces x, y, z labelled ns=<name>, pods a, b, c
 * in each labelled pod=<name>, serving 80 (named serve-80) and 81; a reachability matrix
 * defaulting to true with the listed exceptions. Self-connections (loopback) are left out, as
 * upstream allows them separately (AllowLoopback).
 */

const NAMESPACES = ['x', 'y', 'z'];
const PODS = ['a', 'b', 'c'];
const namespaces = Object.fromEntries(NAMESPACES.map((n) => [n, { ns: n, 'kubernetes.io/metadata.name': n }]));
const pods: Endpoint[] = NAMESPACES.flatMap((ns, i) =>
  PODS.map((p, j) => ({
    name: `${ns}/${p}`,
    namespace: ns,
    labels: { pod: p },
    ip: `10.1.${i}.${j + 1}`,
    ports: { 'serve-80': 80, 'serve-81': 81 },
  })),
);
const pod = (name: string) => pods.find((p) => p.name === name)!;
const policy = (spec: Record<string, unknown>) => ({ metadata: { name: 'p', namespace: 'x' }, spec });

/** The pairs (from → to) whose reachability differs from `defaultReachable`, over every pair of distinct pods. */
function exceptions(cluster: Cluster, port: number, defaultReachable = true): string[] {
  const out: string[] = [];
  for (const from of pods)
    for (const to of pods)
      if (from !== to && canConnect(cluster, from, to, port) !== defaultReachable) out.push(`${from.name}->${to.name}`);
  return out;
}

describe('NetworkPolicy evaluation (upstream netpol conformance cases)', () => {
  test('"should support a \'default-deny-ingress\' policy": nothing reaches x/*', () => {
    const cluster = { namespaces, policies: [policy({ podSelector: {}, policyTypes: ['Ingress'] })] };
    expect(exceptions(cluster, 80)).toEqual(
      pods.flatMap((f) => pods.filter((t) => t.namespace === 'x' && t !== f).map((t) => `${f.name}->${t.name}`)),
    );
  });

  test('"should support a \'default-deny-all\' policy": x/* neither sends nor receives', () => {
    const cluster = { namespaces, policies: [policy({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] })] };
    const expected = pods.flatMap((f) =>
      pods.filter((t) => t !== f && (f.namespace === 'x' || t.namespace === 'x')).map((t) => `${f.name}->${t.name}`),
    );
    expect(exceptions(cluster, 80).sort()).toEqual(expected.sort());
  });

  test('"should enforce policy based on PodSelector or NamespaceSelector": only x/c cannot reach x/a', () => {
    const cluster = {
      namespaces,
      policies: [
        policy({
          podSelector: { matchLabels: { pod: 'a' } },
          ingress: [
            {
              from: [
                { namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x'] }] } },
                { podSelector: { matchLabels: { pod: 'b' } } },
              ],
            },
          ],
        }),
      ],
    };
    expect(exceptions(cluster, 80)).toEqual(['x/c->x/a']);
  });

  test('"should enforce policy based on PodSelector and NamespaceSelector": only y/b and z/b reach x/a', () => {
    const cluster = {
      namespaces,
      policies: [
        policy({
          podSelector: { matchLabels: { pod: 'a' } },
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x'] }] },
                  podSelector: { matchLabels: { pod: 'b' } },
                },
              ],
            },
          ],
        }),
      ],
    };
    const denied = pods.filter((p) => p.name !== 'x/a' && !['y/b', 'z/b'].includes(p.name)).map((p) => `${p.name}->x/a`);
    expect(exceptions(cluster, 80).sort()).toEqual(denied.sort());
  });

  test('"should allow ingress access on one named port": serve-81 is open, 80 is not', () => {
    const cluster = { namespaces, policies: [policy({ podSelector: {}, ingress: [{ ports: [{ port: 'serve-81', protocol: 'TCP' }] }] })] };
    expect(exceptions(cluster, 81)).toEqual([]);
    expect(exceptions(cluster, 80).length).toBe(pods.filter((t) => t.namespace === 'x').length * (pods.length - 1));
  });

  test('"should enforce except clause while egress access to server in CIDR block": x/a reaches y\'s block except y/b', () => {
    const cluster = {
      namespaces,
      policies: [
        policy({
          podSelector: { matchLabels: { pod: 'a' } },
          policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: '10.1.1.0/24', except: [`${pod('y/b').ip}/32`] } }] }],
        }),
      ],
    };
    const denied = pods.filter((p) => p.name !== 'x/a' && p.name !== 'y/a' && p.name !== 'y/c').map((p) => `x/a->${p.name}`);
    expect(exceptions(cluster, 80).sort()).toEqual(denied.sort());
  });

  test('"should not allow access by TCP when a policy specifies only UDP"', () => {
    const cluster = { namespaces, policies: [policy({ podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: 'UDP' }] }] })] };
    expect(canConnect(cluster, pod('y/a'), pod('x/a'), 80, 'TCP')).toBe(false);
    expect(canConnect(cluster, pod('y/a'), pod('x/a'), 80, 'UDP')).toBe(true);
  });

  test('CIDR arithmetic', () => {
    expect(inCidr('10.0.33.4', '10.0.32.0/20')).toBe(true);
    expect(inCidr('10.0.48.1', '10.0.32.0/20')).toBe(false);
    expect(inCidr('8.8.8.8', '0.0.0.0/0')).toBe(true);
  });
});
