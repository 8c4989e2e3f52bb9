import { compileCondition, ConditionRuntimeError } from './argo-condition';

/**
 * A small simulator of Argo Rollouts' documented analysis semantics, step by step in time, fed
 * with query results the real Prometheus engine computed (see `promql.ts`). It follows
 * argoproj/argo-rollouts at 9f8d111 (2026-08-17):
 *
 * - measurement phase from the result: `utils/evaluate/evaluate.go` `EvaluateResult` (success
 *   only → not-success is Failed; failure only → not-failure is Successful; both → neither is
 *   Inconclusive; a condition that cannot be evaluated, e.g. `result[0]` of an empty vector, is
 *   Error). A Prometheus vector becomes a `[]float64` of its sample values
 *   (`metricproviders/prometheus/prometheus.go` `processResponse`).
 * - counters: `analysis/analysis.go` `runMeasurements` (lines ~386-404): Successful, Failed and
 *   Inconclusive add to Count and reset ConsecutiveError; Error adds to Error and ConsecutiveError
 *   only.
 * - scheduling: `generateMetricTasks` (lines ~176-250): the first measurement after
 *   `initialDelay` from the run's start; the next one `interval` after the last finished, or
 *   `DefaultErrorRetryInterval` (10 s) after an Error; none once `count` is reached.
 * - metric phase: `assessMetricStatus` / `assessMetricFailureInconclusiveOrError` (lines
 *   ~579-690): Failed when failed > failureLimit (default 0), Inconclusive when inconclusive >
 *   inconclusiveLimit (default 0), Error when consecutiveErrors > consecutiveErrorLimit (default
 *   4; later checks win); Successful at `count`; running metrics are Successful when the run
 *   terminates.
 * - run phase: `assessRunStatus` (lines ~436-577) with `utils/analysis/helpers.go` `IsTerminating`:
 *   once any metric is Failed, Error or Inconclusive the run terminates and takes the worst phase
 *   (order Successful < Running < Pending < Inconclusive < Error < Failed).
 */

export enum Phase {
  SUCCESSFUL = 'Successful',
  RUNNING = 'Running',
  PENDING = 'Pending',
  INCONCLUSIVE = 'Inconclusive',
  ERROR = 'Error',
  FAILED = 'Failed',
}

const ORDER = [Phase.SUCCESSFUL, Phase.RUNNING, Phase.PENDING, Phase.INCONCLUSIVE, Phase.ERROR, Phase.FAILED];
export const DEFAULT_ERROR_RETRY_SECONDS = 10;
const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

/** The fields of an AnalysisTemplate metric the simulator reads (as glidepath writes them). */
export interface SimulatedMetric {
  readonly name: string;
  readonly interval?: string;
  readonly initialDelay?: string;
  readonly count?: number;
  readonly failureLimit?: number;
  readonly inconclusiveLimit?: number;
  readonly consecutiveErrorLimit?: number;
  readonly successCondition?: string;
  readonly failureCondition?: string;
}

/** One measurement taken. */
export interface Measurement {
  readonly metric: string;
  readonly atSeconds: number;
  readonly result: readonly number[];
  readonly phase: Phase;
}

/** How a run ended. */
export interface AnalysisOutcome {
  readonly phase: Phase;
  /** When the run reached `phase`, seconds after the start. */
  readonly atSeconds: number;
  readonly measurements: readonly Measurement[];
}

/** Go duration notation (`1m30s`, `2m`) to seconds. */
export function goDurationSeconds(text: string): number {
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) {
    total += Number(n) * { h: 3600, m: 60, s: 1, ms: 0.001 }[unit as 'h' | 'm' | 's' | 'ms'];
  }
  return total;
}

/** `EvaluateResult`: the phase of one measurement. */
export function measurementPhase(metric: SimulatedMetric, result: readonly number[]): Phase {
  let success = false;
  let failure = false;
  try {
    if (metric.successCondition) success = compileCondition(metric.successCondition)(result);
    if (metric.failureCondition) failure = compileCondition(metric.failureCondition)(result);
  } catch (err) {
    if (err instanceof ConditionRuntimeError) return Phase.ERROR;
    throw err;
  }
  if (!metric.successCondition && !metric.failureCondition) return Phase.SUCCESSFUL;
  if (metric.successCondition && !metric.failureCondition) failure = !success;
  if (!metric.successCondition && metric.failureCondition) success = !failure;
  if (failure) return Phase.FAILED;
  if (!success) return Phase.INCONCLUSIVE;
  return Phase.SUCCESSFUL;
}

interface Counters {
  count: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveError: number;
}

/** `assessMetricStatus` for a metric with at least one completed measurement. */
export function metricPhase(metric: SimulatedMetric, c: Counters, terminating: boolean): Phase {
  let phase: Phase | undefined;
  if ((metric.failureLimit ?? 0) >= 0 && c.failed > (metric.failureLimit ?? 0)) phase = Phase.FAILED;
  if (c.inconclusive > (metric.inconclusiveLimit ?? 0)) phase = Phase.INCONCLUSIVE;
  if (c.consecutiveError > (metric.consecutiveErrorLimit ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT)) phase = Phase.ERROR;
  if (phase) return phase;
  if (metric.count !== undefined && c.count >= metric.count) return Phase.SUCCESSFUL;
  return terminating ? Phase.SUCCESSFUL : Phase.RUNNING;
}

/**
 * Runs an analysis from time 0 until it completes or `endSeconds` (when the Rollout terminates a
 * background analysis: the rollout finished). `measure` returns the query result of a metric at
 * a time (seconds after the start).
 */
export function simulateAnalysis(
  metrics: readonly SimulatedMetric[],
  endSeconds: number,
  measure: (metric: SimulatedMetric, atSeconds: number) => readonly number[],
): AnalysisOutcome {
  const counters = new Map<string, Counters>(
    metrics.map((m) => [m.name, { count: 0, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0 }]),
  );
  const next = new Map<string, number | undefined>(metrics.map((m) => [m.name, goDurationSeconds(m.initialDelay ?? '0s')]));
  const phases = new Map<string, Phase>(metrics.map((m) => [m.name, Phase.PENDING]));
  const measurements: Measurement[] = [];
  const worst = (ps: Phase[]) => ps.reduce((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a), Phase.SUCCESSFUL);
  for (;;) {
    const pending = [...next.entries()].filter(([, t]) => t !== undefined) as [string, number][];
    const t = Math.min(...pending.map(([, at]) => at));
    if (pending.length === 0 || t > endSeconds) {
      // The rollout terminates the run: running metrics count as Successful.
      const final = metrics.map((m) =>
        measurements.some((x) => x.metric === m.name) ? metricPhase(m, counters.get(m.name)!, true) : Phase.SUCCESSFUL,
      );
      return {
        phase: worst(final),
        atSeconds: pending.length === 0 ? Math.max(0, ...measurements.map((x) => x.atSeconds)) : endSeconds,
        measurements,
      };
    }
    for (const m of metrics.filter((x) => next.get(x.name) === t)) {
      const result = measure(m, t);
      const phase = measurementPhase(m, result);
      measurements.push({ metric: m.name, atSeconds: t, result, phase });
      const c = counters.get(m.name)!;
      if (phase === Phase.ERROR) {
        c.error++;
        c.consecutiveError++;
      } else {
        c.count++;
        c.consecutiveError = 0;
        if (phase === Phase.FAILED) c.failed++;
        if (phase === Phase.INCONCLUSIVE) c.inconclusive++;
      }
      phases.set(m.name, metricPhase(m, c, false));
      const done = m.count !== undefined && c.count >= m.count;
      next.set(
        m.name,
        done ? undefined : t + (phase === Phase.ERROR ? DEFAULT_ERROR_RETRY_SECONDS : goDurationSeconds(m.interval ?? '0s')),
      );
    }
    const completedBad = [...phases.values()].filter((p) => p === Phase.FAILED || p === Phase.ERROR || p === Phase.INCONCLUSIVE);
    if (completedBad.length > 0) {
      return { phase: worst(completedBad), atSeconds: t, measurements };
    }
    if ([...phases.values()].every((p) => p === Phase.SUCCESSFUL)) {
      return { phase: Phase.SUCCESSFUL, atSeconds: t, measurements };
    }
  }
}
