import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { DeploymentChart, synthesizeKubernetes } from '../../constructs/k8s';
import { renderRunbook } from '../../lib/runbook/render';
import { containerService, objectOf, validateObject, type Manifest } from './helpers';

/*
 * HTTPS on the production Ingress (constructs/k8s/workload-ingress.ts, private/ingress-spec.ts).
 * Expected shapes come from the documentation, not from the code:
 * - Kubernetes Ingress TLS: spec.tls[].hosts must match the rules' hosts, secretName names a
 *   kubernetes.io/tls Secret (https://kubernetes.io/docs/concepts/services-networking/ingress/#tls).
 * - cert-manager ingress-shim: annotation cert-manager.io/cluster-issuer, the Certificate is named
 *   after spec.tls[].secretName for spec.tls[].hosts (https://cert-manager.io/docs/usage/ingress/).
 * - AWS Load Balancer Controller: certificate-arn enables the HTTPS listener, listen-ports must
 *   include HTTP 80 and HTTPS 443, the ssl-redirect port must be an HTTPS port of listen-ports
 *   (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/tasks/ssl_redirect/).
 */

const CERT = 'arn:aws:acm:eu-west-1:111111111111:certificate/0a1b2c3d-1111-2222-3333-444455556666';

const prod = (extra: Record<string, unknown> = {}) => ({ name: 'prod', production: true, rollout: { strategy: 'canary' }, ...extra });

function ingressOf(ingress: Record<string, unknown>, env: Record<string, unknown> = {}): Manifest {
  const manifests = Testing.synth(
    new DeploymentChart(Testing.app(), 'C', {
      definition: containerService([prod(env)], { kubernetes: { ingress } }),
      environment: 'prod',
    }),
  );
  const ingressObject = objectOf(manifests, 'Ingress');
  // kubernetes-models' networking.k8s.io/v1 Ingress schema.
  expect(() => validateObject(ingressObject)).not.toThrow();
  return ingressObject;
}

describe('Ingress TLS', () => {
  test('nginx with a cert-manager ClusterIssuer: host in the rule, spec.tls for that host, the issuer annotation', () => {
    const ingress = ingressOf({ className: 'nginx', host: 'shop.acme.example', tls: { clusterIssuer: 'letsencrypt-prod' } });
    expect(ingress.spec.rules.map((r: { host?: string }) => r.host)).toEqual(['shop.acme.example']);
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.acme.example'], secretName: 'shop-tls' }]);
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
  });

  test('nginx with an existing TLS Secret: spec.tls names it, no issuer annotation', () => {
    const ingress = ingressOf({ host: 'shop.acme.example', tls: { secretName: 'wildcard-acme-example' } });
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.acme.example'], secretName: 'wildcard-acme-example' }]);
    expect(ingress.metadata.annotations).toBeUndefined();
  });

  test('alb: the environment ACM certificate on an HTTPS listener, port 80 redirected to it, no spec.tls', () => {
    const ingress = ingressOf(
      { className: 'alb', sourceCidr: '10.0.0.0/16', host: 'shop.acme.example' },
      { tls: { certificateArn: CERT } },
    );
    const a = ingress.metadata.annotations;
    expect(a['alb.ingress.kubernetes.io/certificate-arn']).toBe(CERT);
    const ports = JSON.parse(a['alb.ingress.kubernetes.io/listen-ports']) as Record<string, number>[];
    expect(ports).toEqual(expect.arrayContaining([{ HTTP: 80 }, { HTTPS: 443 }]));
    expect(ports).toContainEqual({ HTTPS: Number(a['alb.ingress.kubernetes.io/ssl-redirect']) });
    expect(a['alb.ingress.kubernetes.io/target-type']).toBe('ip');
    expect(ingress.spec.tls).toBeUndefined();
    expect(ingress.spec.rules[0].host).toBe('shop.acme.example');
  });

  test('plain HTTP on purpose: no spec.tls, the reason under the runbook accepted risks', () => {
    const reason = 'TLS terminates at the corporate proxy in front of the cluster';
    const definition = containerService([prod({ tls: { enabled: false, reason } })], {
      kubernetes: { ingress: { host: 'shop.acme.example' } },
    });
    const { manifest, facts } = synthesizeKubernetes(definition, 'prod');
    const ingress = parseAllDocuments(manifest)
      .map((d) => d.toJS() as Manifest)
      .find((m) => m?.kind === 'Ingress')!;
    expect(ingress.spec.tls).toBeUndefined();
    const risks = renderRunbook(facts, { budgets: definition.rollbackBudgets }).split('## Accepted risks')[1];
    expect(risks).toContain(`| glidepath-https | \`Ingress shop\` | Plain HTTP on purpose: ${reason} |`);
  });

  test('without TLS nothing is added: the rule answers every host over HTTP (non-production)', () => {
    const manifests = Testing.synth(
      new DeploymentChart(Testing.app(), 'C', {
        definition: containerService([{ name: 'dev', rollout: { strategy: 'all-at-once' } }]),
        environment: 'dev',
      }),
    );
    const ingress = objectOf(manifests, 'Ingress');
    expect(ingress.spec.tls).toBeUndefined();
    expect(ingress.spec.rules[0].host).toBeUndefined();
  });
});
