import { PrometheusSignals } from '../../constructs/k8s';

describe('PrometheusSignals', () => {
  // Built in each test, so mutation testing's per-test coverage sees which tests read it.
  const signals = () => PrometheusSignals.forWorkload({ namespace: 'shop-prod', job: 'shop' });

  test('error ratio from whole counts (increase); no 5xx series (a healthy pod) counts as 0 errors, not as an empty result', () => {
    expect(signals().errorRatio('1m')).toBe(
      '(sum(increase(http_requests_total{namespace="shop-prod",job="shop",code=~"5.."}[1m])) or vector(0)) / sum(increase(http_requests_total{namespace="shop-prod",job="shop"}[1m]))',
    );
  });

  test('whenServed keeps a result only with enough requests', () => {
    expect(signals().whenServed('x', '2m', 50)).toBe(
      '(x) and on() (sum(increase(http_requests_total{namespace="shop-prod",job="shop"}[2m])) >= 50)',
    );
  });

  test('extra matchers narrow every selector', () => {
    expect(signals().latencySeconds(0.99, '2m', 'pod="a"')).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="shop-prod",job="shop",pod="a"}[2m])))',
    );
    expect(signals().minUp('pod="a"')).toBe('min(up{namespace="shop-prod",job="shop",pod="a"})');
  });

  test('metric names and the status label are configurable', () => {
    const custom = PrometheusSignals.forWorkload({
      namespace: 'n',
      job: 'j',
      requestsMetric: 'requests_total',
      statusLabel: 'status',
      durationHistogram: 'latency_seconds',
      heartbeatMetric: 'alive_total',
    });
    expect(custom.errorRatio('1m')).toContain('requests_total{namespace="n",job="j",status=~"5.."}');
    expect(custom.latencySeconds(0.95, '1m')).toContain('latency_seconds_bucket{');
    expect(custom.heartbeat()).toBe('alive_total{namespace="n",job="j"}');
    expect(custom.requestSeries('500')).toBe('requests_total{namespace="n",job="j",status="500"}');
  });

  test('CPU and memory as a share of the limit, by container', () => {
    expect(signals().cpuRatio('5m', 'shop')).toBe(
      'sum(rate(container_cpu_usage_seconds_total{namespace="shop-prod",container="shop"}[5m])) / sum(kube_pod_container_resource_limits{namespace="shop-prod",container="shop",resource="cpu"})',
    );
    expect(signals().memoryRatio('shop')).toContain('container_memory_working_set_bytes{namespace="shop-prod",container="shop"}');
  });
});
