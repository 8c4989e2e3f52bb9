import { validateDefinition } from '../../../lib/model';
import { EXTERNAL_SECRETS_REFRESH_INTERVAL, EXTERNAL_SECRET_KEY, externalSecretName } from '../../../lib/plan/kubernetes/external-secrets';
import { ingressOptionsOf } from '../../../lib/plan/kubernetes/ingress-options';
import { ingressUpstreamName } from '../../../lib/plan/kubernetes/ingress-upstream';
import { namespaceOfServiceUrl } from '../../../lib/plan/kubernetes/service-url';
import { smokeTestPodLabels } from '../../../lib/plan/kubernetes/smoke-tests';

/**
 * The Ingress an environment declares, and the small Kubernetes names every part shares, every
 * fixture built inside its test. Expected values from the documentation:
 * - Ingress TLS from a `kubernetes.io/tls` Secret (ingress-nginx, cert-manager):
 *   https://kubernetes.io/docs/concepts/services-networking/ingress/#tls, https://cert-manager.io/docs/usage/ingress/
 * - the AWS Load Balancer Controller serves an ACM certificate (`certificate-arn`), no Secret:
 *   https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#certificate-arn
 * - Service DNS `<service>.<namespace>.svc[.cluster.local]`:
 *   https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/
 * - ingress-nginx upstream names `<namespace>-<service>-<port>` (kubernetes/ingress-nginx
 *   `internal/ingress/controller/util.go` `upstreamName`)
 */

const CERTIFICATE = 'arn:aws:acm:eu-west-1:111111111111:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

function environment(kubernetes: Record<string, unknown>, env: Record<string, unknown> = {}) {
  return validateDefinition({
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    kubernetes,
    environments: [{ name: 'staging', region: 'eu-west-1', rollout: { strategy: 'canary' }, ...env }],
  }).environments[0];
}

describe('ingressOptionsOf', () => {
  test('the defaults: class nginx served by ingress-nginx, every host, path /, plain HTTP', () => {
    expect(ingressOptionsOf(environment({}))).toEqual({ className: 'nginx', controller: 'nginx', host: undefined, paths: ['/'] });
  });

  test('ingress-nginx serves the TLS Secret or the ClusterIssuer the Ingress names', () => {
    const options = ingressOptionsOf(
      environment({ ingress: { host: 'shop.acme.example', paths: ['/shop', '/cart'], tls: { clusterIssuer: 'letsencrypt-prod' } } }),
    );
    expect(options).toMatchObject({ className: 'nginx', host: 'shop.acme.example', paths: ['/shop', '/cart'] });
    expect(options.tls).toMatchObject({ clusterIssuer: 'letsencrypt-prod' });
    expect(options.plainHttpReason).toBeUndefined();
  });

  test("the ALB controller serves the environment's ACM certificate, and no Secret", () => {
    const options = ingressOptionsOf(
      environment({ ingress: { className: 'alb', sourceCidr: '10.0.0.0/16' } }, { tls: { certificateArn: CERTIFICATE } }),
    );
    expect(options).toEqual({ className: 'alb', controller: 'alb', host: undefined, paths: ['/'], tls: { certificateArn: CERTIFICATE } });
  });

  test('the ALB controller without a certificate is plain HTTP', () => {
    const options = ingressOptionsOf(environment({ ingress: { className: 'alb', sourceCidr: '10.0.0.0/16' } }));
    expect(options.tls).toBeUndefined();
    expect('tls' in options).toBe(false);
  });

  test('plain HTTP turned off on purpose carries its reason, unless the Ingress serves TLS anyway', () => {
    const reason = 'Internal tool behind the VPN, TLS terminates at the VPN gateway';
    expect(ingressOptionsOf(environment({}, { tls: { enabled: false, reason } })).plainHttpReason).toBe(reason);
    const withSecret = ingressOptionsOf(
      environment({ ingress: { host: 'shop.acme.example', tls: { secretName: 'shop-tls' } } }, { tls: { enabled: false, reason } }),
    );
    expect(withSecret.tls).toMatchObject({ secretName: 'shop-tls' });
    expect('plainHttpReason' in withSecret).toBe(false);
    expect('plainHttpReason' in ingressOptionsOf(environment({}))).toBe(false);
  });
});

test('namespaceOfServiceUrl: the namespace of an in-cluster Service URL, nothing for other URLs', () => {
  expect(namespaceOfServiceUrl('http://prometheus-operated.monitoring.svc:9090')).toBe('monitoring');
  expect(namespaceOfServiceUrl('https://prom.observability.svc.cluster.local/api')).toBe('observability');
  expect(namespaceOfServiceUrl('http://prom.metrics.svc')).toBe('metrics');
  expect(namespaceOfServiceUrl('http://prom.metrics.svc/')).toBe('metrics');
  expect(namespaceOfServiceUrl('http://prometheus.acme.example:9090')).toBeUndefined();
  expect(namespaceOfServiceUrl('http://prom.metrics.svcx:9090')).toBeUndefined();
  expect(namespaceOfServiceUrl('ftp://prom.metrics.svc:9090')).toBeUndefined();
  expect(namespaceOfServiceUrl('http://a.b.monitoring.svc:9090')).toBeUndefined();
  expect(namespaceOfServiceUrl('see http://prom.metrics.svc:9090')).toBeUndefined();
});

test('names shared by the parts: External Secrets, the smoke-test pods and the canary upstream', () => {
  expect(externalSecretName('checkout-prod', 'db-password')).toBe('checkout-prod-db-password');
  expect(EXTERNAL_SECRET_KEY).toBe('value');
  expect(EXTERNAL_SECRETS_REFRESH_INTERVAL.toSeconds()).toBe(3600);
  expect(smokeTestPodLabels('checkout')).toEqual({ 'app.kubernetes.io/component': 'smoke-tests', 'app.kubernetes.io/part-of': 'checkout' });
  expect(ingressUpstreamName('checkout-prod', 'checkout-canary', 'http')).toBe('checkout-prod-checkout-canary-http');
});
