/** Options for `PrometheusSignals.forWorkload()`. */
export interface PrometheusSignalsOptions {
  /** Namespace the workload runs in. */
  readonly namespace: string;
  /** Value of the `job` label on the workload's series (the `WorkloadPodMonitor` sets it). */
  readonly job: string;
  /** Counter of HTTP requests, labelled with the status code. @default 'http_requests_total' */
  readonly requestsMetric?: string;
  /** Label holding the HTTP status code. @default 'code' */
  readonly statusLabel?: string;
  /** Histogram of request durations in seconds (without `_bucket`). @default 'http_request_duration_seconds' */
  readonly durationHistogram?: string;
  /**
   * Series that exists while the workload is alive: the dead-man's switch watches it.
   * @default 'up' (the scrape itself)
   */
  readonly heartbeatMetric?: string;
}

/**
 * The PromQL expressions alerts and analysis are built from, the Prometheus counterpart of the AWS
 * `ServiceSignals`. Expressions are plain strings so they can be shown in the runbook and tested
 * with `promtool`.
 */
export class PrometheusSignals {
  /** Signals of a workload scraped with the usual HTTP metric names. */
  public static forWorkload(options: PrometheusSignalsOptions): PrometheusSignals {
    return new PrometheusSignals(options);
  }

  /** Label matchers that select the workload's series, e.g. `namespace="checkout-prod",job="checkout"`. */
  public readonly matchers: string;
  /** Metric name of the heartbeat series. */
  public readonly heartbeatMetric: string;
  /** Metric name of the request counter. */
  public readonly requestsMetric: string;
  /** Label of the request counter holding the status code. */
  public readonly statusLabel: string;
  /** Histogram of request durations in seconds (without `_bucket`). */
  public readonly durationHistogram: string;
  private readonly namespace: string;

  private constructor(options: PrometheusSignalsOptions) {
    this.namespace = options.namespace;
    this.matchers = `namespace="${options.namespace}",job="${options.job}"`;
    this.requestsMetric = options.requestsMetric ?? 'http_requests_total';
    this.statusLabel = options.statusLabel ?? 'code';
    this.durationHistogram = options.durationHistogram ?? 'http_request_duration_seconds';
    this.heartbeatMetric = options.heartbeatMetric ?? 'up';
  }

  /** The heartbeat selector, e.g. `up{namespace="checkout-prod",job="checkout"}`. */
  public heartbeat(): string {
    return `${this.heartbeatMetric}{${this.matchers}}`;
  }

  /**
   * Share of requests answered with a 5xx, as a ratio 0–1 over `window` (e.g. `2m`). `extra`
   * narrows the series further, e.g. to one pod template hash. A healthy pod has no 5xx series
   * at all (a counter that was never incremented is not exported), so the error count falls back
   * to 0: the ratio is 0, not an empty result. Without requests the result is empty.
   */
  public errorRatio(window: string, extra?: string): string {
    const m = this.with(extra);
    // increase(), not rate(): whole counts divide exactly, so a ratio equal to the threshold
    // compares equal (rate() divides by the window first: 100/60 ÷ 2000/60 is 0.049999…).
    return `(sum(increase(${this.requestsMetric}{${m},${this.statusLabel}=~"5.."}[${window}])) or vector(0)) / ${this.requests(window, extra)}`;
  }

  /** Requests served over `window`, narrowed by `extra`; empty when no request series exists. */
  public requests(window: string, extra?: string): string {
    return `sum(increase(${this.requestsMetric}{${this.with(extra)}}[${window}]))`;
  }

  /**
   * `expr`, kept only while the series narrowed by `extra` served at least `minimum` requests over
   * `window`: too little traffic gives an empty result, which an analysis treats as inconclusive.
   */
  public whenServed(expr: string, window: string, minimum: number, extra?: string): string {
    return `(${expr}) and on() (${this.requests(window, extra)} >= ${minimum})`;
  }

  /**
   * The canary's error ratio divided by what the stable version's allows: `multiplier` × the
   * stable ratio, but at least `floor` (so that one error against a spotless stable version does
   * not fail). 1 or more fails. Empty while either version served fewer than `minimum` requests:
   * no comparison is possible then.
   */
  public errorRatioVersusStable(
    window: string,
    canary: string,
    stable: string,
    multiplier: number,
    floor: number,
    minimum: number,
  ): string {
    const canaryRatio = this.whenServed(this.errorRatio(window, canary), window, minimum, canary);
    const stableRatio = this.whenServed(this.errorRatio(window, stable), window, minimum, stable);
    return `(${canaryRatio}) / clamp_min((${stableRatio}) * ${multiplier}, ${floor})`;
  }

  /**
   * Requests counted over exactly the last `window` (e.g. `2m`): each series' value now minus its
   * value `window` ago, or minus 0 for a series born since (a client library exports a status
   * code's counter at its first request, so a new 5xx series counts its first error). Unlike
   * `increase()`, nothing is extrapolated: `increase()` stretches a series to the window's edges
   * unless its first sample is 0 (Prometheus `promql/functions.go` `extrapolatedRate`), so a
   * 5xx counter at 0 and a request counter far above it are stretched differently and their ratio
   * is off by up to a scrape interval's share of the window. A counter reset counts 0, not less.
   */
  public static windowCount(selector: string, window: string): string {
    return `sum(clamp_min(${selector} - (${selector} offset ${window} or ${selector} * 0), 0))`;
  }

  /** Requests the series narrowed by `extra` served over exactly the last `window` (see `windowCount`). */
  public served(window: string, extra?: string): string {
    return PrometheusSignals.windowCount(`${this.requestsMetric}{${this.with(extra)}}`, window);
  }

  /** 5xx answers of the series narrowed by `extra` over exactly the last `window`; 0 when there were none. */
  public failed(window: string, extra?: string): string {
    return `(${PrometheusSignals.windowCount(`${this.requestsMetric}{${this.with(extra)},${this.statusLabel}=~"5.."}`, window)} or vector(0))`;
  }

  /** The `up` series of the workload's scrape targets. */
  public up(extra?: string): string {
    return `up{${this.with(extra)}}`;
  }

  /** A latency quantile (e.g. 0.99) in seconds over `window`. */
  public latencySeconds(quantile: number, window: string, extra?: string): string {
    return `histogram_quantile(${quantile}, sum by (le) (rate(${this.durationHistogram}_bucket{${this.with(extra)}}[${window}])))`;
  }

  /** One request-counter series with a status code, e.g. for `promtool test rules` input. */
  public requestSeries(code: string): string {
    return `${this.requestsMetric}{${this.matchers},${this.statusLabel}="${code}"}`;
  }

  /** CPU use as a ratio of the CPU limit, over `window`. Needs cAdvisor and kube-state-metrics. */
  public cpuRatio(window: string, container: string): string {
    const ns = `namespace="${this.namespace}"`;
    return `sum(rate(container_cpu_usage_seconds_total{${ns},container="${container}"}[${window}])) / sum(kube_pod_container_resource_limits{${ns},container="${container}",resource="cpu"})`;
  }

  /** Working-set memory as a ratio of the memory limit. Needs cAdvisor and kube-state-metrics. */
  public memoryRatio(container: string): string {
    const ns = `namespace="${this.namespace}"`;
    return `sum(container_memory_working_set_bytes{${ns},container="${container}"}) / sum(kube_pod_container_resource_limits{${ns},container="${container}",resource="memory"})`;
  }

  /** Smallest `up` value among the workload's targets (1 when all are up), narrowed by `extra`. */
  public minUp(extra?: string): string {
    return `min(${this.up(extra)})`;
  }

  private with(extra?: string): string {
    return extra ? `${this.matchers},${extra}` : this.matchers;
  }
}
