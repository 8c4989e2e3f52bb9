import type { PrometheusSignals } from '../../../constructs/k8s/prometheus-signals';
import type { InputSeries } from './promql';

/** What one version (pod template hash) of the workload does over time. */
export interface VersionBehaviour {
  /** `rollouts_pod_template_hash` of its pods. */
  readonly hash: string;
  /** First scrape of its pods (seconds). @default 0 */
  readonly from?: number;
  /** Last scrape; after it the targets are gone (stale). @default - to the end */
  readonly to?: number;
  /** Requests served in the scrape interval ending at `t`. */
  readonly requests: (t: number) => number;
  /** Share of those answered with a 5xx. @default 0 */
  readonly errorRatio?: (t: number) => number;
  /** Whether requests in the interval ending at `t` are slower than `slowSeconds`. @default never */
  readonly slow?: (t: number) => boolean;
  /** `up` at `t` (0 while targets exist but scrapes fail). @default 1 */
  readonly up?: (t: number) => 0 | 1;
  /** Scrapes that are missed (no sample at all). @default none */
  readonly missed?: readonly number[];
}

/**
 * promtool input series for versions of a workload: the request counter per status code (a 5xx
 * series only from the first scrape with an error, as a real client library exports it), the
 * duration histogram with buckets around `latencyThreshold`, and `up`, all with the labels the
 * PodMonitor gives them. Samples every `scrape` seconds up to `end`.
 */
export function trafficSeries(
  signals: PrometheusSignals,
  versions: readonly VersionBehaviour[],
  scrape: number,
  end: number,
  latencyThreshold: number,
): InputSeries[] {
  const out: InputSeries[] = [];
  // Healthy requests take a tenth of the threshold (under any warning threshold too), slow ones 1.5 ×.
  const buckets = [latencyThreshold / 10, latencyThreshold / 2, latencyThreshold, latencyThreshold * 2];
  for (const v of versions) {
    const labels = `${signals.matchers},rollouts_pod_template_hash="${v.hash}",pod="pod-${v.hash}"`;
    const from = v.from ?? 0;
    const to = v.to ?? end;
    const times: number[] = [];
    for (let t = 0; t <= end; t += scrape) times.push(t);
    let ok = 0;
    let errors = 0;
    let errorSeen = false;
    const counts = new Array(buckets.length + 1).fill(0);
    const up: string[] = [];
    const okValues: string[] = [];
    const errValues: string[] = [];
    const bucketValues: string[][] = counts.map(() => []);
    for (const t of times) {
      if (t < from || t > to + scrape) {
        for (const list of [up, okValues, errValues, ...bucketValues]) list.push('_');
        continue;
      }
      if (t > to) {
        // The targets went away: Prometheus writes a staleness marker.
        for (const list of [up, okValues, ...bucketValues]) list.push('stale');
        errValues.push(errorSeen ? 'stale' : '_');
        continue;
      }
      const serving = (v.up?.(t) ?? 1) === 1;
      const n = t > from && serving ? v.requests(t) : 0;
      const e = Math.round(n * (v.errorRatio?.(t) ?? 0));
      ok += n - e;
      errors += e;
      const slow = v.slow?.(t) ?? false;
      buckets.forEach((le, i) => {
        const observed = slow ? latencyThreshold * 1.5 : latencyThreshold / 10;
        if (observed <= le) counts[i] += n;
      });
      counts[buckets.length] += n;
      const missed = v.missed?.includes(t);
      up.push(missed ? '_' : String(v.up?.(t) ?? 1));
      const scraped = !missed && serving;
      okValues.push(scraped ? String(ok) : '_');
      if (e > 0) errorSeen = true;
      errValues.push(scraped && errorSeen ? String(errors) : '_');
      counts.forEach((c, i) => bucketValues[i].push(scraped ? String(c) : '_'));
    }
    out.push({ series: `up{${labels}}`, values: up.join(' ') });
    out.push({ series: `${signals.requestsMetric}{${labels},${signals.statusLabel}="200"}`, values: okValues.join(' ') });
    if (errValues.some((x) => x !== '_' && x !== 'stale')) {
      out.push({ series: `${signals.requestsMetric}{${labels},${signals.statusLabel}="500"}`, values: errValues.join(' ') });
    }
    [...buckets.map(String), '+Inf'].forEach((le, i) =>
      out.push({ series: `${signals.durationHistogram}_bucket{${labels},le="${le}"}`, values: bucketValues[i].join(' ') }),
    );
  }
  return out;
}
