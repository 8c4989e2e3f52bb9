import { Duration, KUBE_PROMETHEUS_STACK_LABELS, resolveKubernetes, validateDefinition } from '../../lib/model';

const base = {
  service: 'shop',
  owners: { team: 'web', primary: '@ana', backup: '@ben', channel: '#shop' },
  receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
  workload: { container: { image: 'ghcr.io/acme/shop:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
};

describe('kubernetes settings', () => {
  test('defaults: 30s scrapes, the operator Service, kube-prometheus-stack labels, nginx on /, metrics on 9090', () => {
    const k = resolveKubernetes();
    expect(k.scrapeInterval.toSeconds()).toBe(30);
    expect(k.prometheusAddress).toBe('http://prometheus-operated.monitoring.svc:9090');
    expect(k.monitoringLabels).toEqual(KUBE_PROMETHEUS_STACK_LABELS);
    expect(k.monitoringLabels).toEqual({ release: 'kube-prometheus-stack' });
    expect(k.ingress).toEqual({
      className: 'nginx',
      controller: 'nginx',
      host: undefined,
      paths: ['/'],
      controllerNamespace: 'ingress-nginx',
      sourceCidr: undefined,
    });
    expect(k.metrics).toEqual({
      port: 9090,
      path: '/metrics',
      requestsMetric: 'http_requests_total',
      statusLabel: 'code',
      durationHistogram: 'http_request_duration_seconds',
    });
    expect(k.minimumRequests).toBe(50);
    expect(k.egress).toEqual([]);
  });

  test('an environment overrides the service field by field, nested objects too', () => {
    const def = validateDefinition({
      ...base,
      kubernetes: { scrapeInterval: '15s', ingress: { host: 'shop.example.com' }, metrics: { port: 9102 } },
      environments: [
        {
          name: 'dev',
          rollout: { strategy: 'rolling' },
          kubernetes: { ingress: { host: 'dev.shop.example.com' }, metrics: { path: '/internal' } },
        },
        { name: 'prod', rollout: { strategy: 'canary' } },
      ],
    });
    const [dev, prod] = def.environments.map((e) => e.kubernetes);
    expect(dev.scrapeInterval.toSeconds()).toBe(Duration.seconds(15).toSeconds());
    expect(dev.ingress.host).toBe('dev.shop.example.com');
    expect(dev.metrics).toMatchObject({ port: 9102, path: '/internal' });
    expect(prod.ingress.host).toBe('shop.example.com');
    expect(prod.metrics.path).toBe('/metrics');
  });

  test.each([
    [{ metrics: { port: 70000 } }, 'kubernetes.metrics.port'],
    [{ prometheusAddress: 'ftp://prom' }, 'kubernetes.prometheusAddress'],
    [{ monitoringLabels: { 'bad key!': 'x' } }, 'kubernetes.monitoringLabels'],
    [{ metrics: { requestsMetric: 'http-requests' } }, 'kubernetes.metrics.requestsMetric'],
    [{ ingress: { paths: ['shop'] } }, 'kubernetes.ingress.paths[0]'],
    [{ scrapeInterval: 'often' }, 'kubernetes.scrapeInterval'],
  ])('fails on %j naming %s', (kubernetes, field) => {
    expect(() => validateDefinition({ ...base, kubernetes, environments: [{ name: 'dev', rollout: { strategy: 'rolling' } }] })).toThrow(
      field,
    );
  });
});
