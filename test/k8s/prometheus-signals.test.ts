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
  test('window counts subtract the value a window ago (or 0 for a series born since), never below 0', () => {
    expect(PrometheusSignals.windowCount('m{a="b"}', '2m')).toBe('sum(clamp_min(m{a="b"} - (m{a="b"} offset 2m or m{a="b"} * 0), 0))');
    expect(signals().served('2m', 'pod="a"')).toBe(
      'sum(clamp_min(http_requests_total{namespace="shop-prod",job="shop",pod="a"} - (http_requests_total{namespace="shop-prod",job="shop",pod="a"} offset 2m or http_requests_total{namespace="shop-prod",job="shop",pod="a"} * 0), 0))',
    );
    expect(signals().failed('1m')).toBe(
      '(sum(clamp_min(http_requests_total{namespace="shop-prod",job="shop",code=~"5.."} - (http_requests_total{namespace="shop-prod",job="shop",code=~"5.."} offset 1m or http_requests_total{namespace="shop-prod",job="shop",code=~"5.."} * 0), 0)) or vector(0))',
    );
  });

  test('requests, heartbeat and up select the workload; the default metric names', () => {
    const s = signals();
    expect(s.requests('5m')).toBe('sum(increase(http_requests_total{namespace="shop-prod",job="shop"}[5m]))');
    expect(s.heartbeat()).toBe('up{namespace="shop-prod",job="shop"}');
    expect(s.up()).toBe('up{namespace="shop-prod",job="shop"}');
    expect(s.minUp()).toBe('min(up{namespace="shop-prod",job="shop"})');
    expect([s.matchers, s.heartbeatMetric, s.requestsMetric, s.statusLabel, s.durationHistogram]).toEqual([
      'namespace="shop-prod",job="shop"',
      'up',
      'http_requests_total',
      'code',
      'http_request_duration_seconds',
    ]);
    expect(s.requestSeries('503')).toBe('http_requests_total{namespace="shop-prod",job="shop",code="503"}');
    expect(s.memoryRatio('shop')).toBe(
      'sum(container_memory_working_set_bytes{namespace="shop-prod",container="shop"}) / sum(kube_pod_container_resource_limits{namespace="shop-prod",container="shop",resource="memory"})',
    );
  });

  test('the canary against multiplier × the stable ratio, at least the floor, only while both served the minimum', () => {
    const canaryRatio =
      '((sum(increase(http_requests_total{namespace="shop-prod",job="shop",v="new",code=~"5.."}[2m])) or vector(0)) / sum(increase(http_requests_total{namespace="shop-prod",job="shop",v="new"}[2m]))) and on() (sum(increase(http_requests_total{namespace="shop-prod",job="shop",v="new"}[2m])) >= 50)';
    const stableRatio =
      '((sum(increase(http_requests_total{namespace="shop-prod",job="shop",v="old",code=~"5.."}[2m])) or vector(0)) / sum(increase(http_requests_total{namespace="shop-prod",job="shop",v="old"}[2m]))) and on() (sum(increase(http_requests_total{namespace="shop-prod",job="shop",v="old"}[2m])) >= 50)';
    expect(signals().errorRatioVersusStable('2m', 'v="new"', 'v="old"', 3, 0.005, 50)).toBe(
      `(${canaryRatio}) / clamp_min((${stableRatio}) * 3, 0.005)`,
    );
  });
});
