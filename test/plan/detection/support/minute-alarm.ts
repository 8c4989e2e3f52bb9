/*
 * A CloudWatch M-of-N rollback alarm over a release that sends all its traffic to the new version in
 * whole periods (one minute unless said), written from AWS's documentation for the detection suites, never from
 * lib/plan/detection.
 *
 * CloudWatch (AWS docs, "Alarm evaluation",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html, and
 * PutMetricAlarm's `DatapointsToAlarm`, "the M" of an "M out of N" alarm,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html): one
 * datapoint per period; at each evaluation the N most recent datapoints (`EvaluationPeriods`) form the
 * range, and the alarm goes to ALARM when at least M of them (`DatapointsToAlarm`) breach. A datapoint
 * is evaluated `delay` seconds after its period ends (ingestion), periods start with the release, and
 * a period before it counts as not breaching.
 *
 * With every request on the new version, a period of P seconds is one series of Poisson(P λ) requests
 * judged on its own ratio (the old version serves none, and the overall ratio is the new version's). It breaches
 * when it holds at least `gate` requests and errors / requests reaches the threshold: `ownBreach`
 * (poisson-sums.ts), errors and successes being independent Poisson streams. Periods are disjoint, so
 * they breach independently. A 30-second burst starts at a uniformly random time (every second here);
 * it fails every request of the c seconds it covers of a period on top of the baseline: ratio
 * (c + (P − c) · baseline) / P, (1 + baseline) / 2 for a whole burst in one minute. A burst across a
 * period boundary fails part of two consecutive datapoints, which an M-of-N alarm with M ≥ 2 counts twice.
 */
import { ownBreach } from './poisson-sums';

/**
 * P(ALARM at an evaluation of a datapoint k with `counts(k)`), datapoint k breaching with q[k],
 * independently: the state is the outcomes of the last n − 1 datapoints, oldest first.
 */
export function alarmProbability(q: readonly number[], m: number, n: number, counts: (k: number) => boolean): number {
  let states = new Map<string, number>([['0'.repeat(n - 1), 1]]);
  let fired = 0;
  q.forEach((qk, k) => {
    const next = new Map<string, number>();
    for (const [state, p] of states) {
      for (const [outcome, po] of [
        ['1', qk],
        ['0', 1 - qk],
      ] as const) {
        const range = state + outcome;
        if (counts(k) && [...range].filter((c) => c === '1').length >= m) {
          fired += p * po;
          continue;
        }
        const kept = range.slice(1);
        next.set(kept, (next.get(kept) ?? 0) + p * po);
      }
    }
    states = next;
  });
  return fired;
}

const breaches = new Map<string, number>();
/** P(a period of Poisson(mean) requests failing with `ratio` breaches `threshold` from `gate` requests). */
export function periodBreach(mean: number, ratio: number, threshold: number, gate: number): number {
  const key = [mean, ratio, threshold, gate].join('|');
  if (!breaches.has(key)) breaches.set(key, ownBreach(mean, ratio, threshold, gate));
  return breaches.get(key)!;
}

/** A release at full weight, its steps whole periods long. */
export interface MinuteRelease {
  /** Seconds of each step, whole periods (0 for a step that does not wait). */
  readonly seconds: readonly number[];
  readonly baseline: number;
  /** The regression to catch, also the alarm's threshold (as the rollback trigger configures it). */
  readonly regression: number;
}

/** The alarm: M of N datapoints from `gate` requests, each evaluated `delay` seconds after its period. */
export interface MinuteAlarm {
  readonly m: number;
  readonly n: number;
  readonly gate: number;
  readonly delay: number;
  /** Seconds, at least 60. @default 60 */
  readonly period?: number;
}

/** How an alarm does on a release at one rate, by the model above. */
export function judgeAt(r: MinuteRelease, a: MinuteAlarm, rate: number) {
  const P = a.period ?? 60;
  const starts = r.seconds.map((_, i) => r.seconds.slice(0, i).reduce((t, s) => t + s, 0));
  const end = r.seconds.reduce((t, s) => t + s, 0);
  const periods = end / P;
  const evaluated = (k: number) => P * (k + 1) + a.delay;
  const at = (ratioOf: (period: number) => number) =>
    Array.from({ length: periods }, (_, k) => periodBreach(P * rate, ratioOf(k), r.regression, a.gate));
  const healthy = at(() => r.baseline);
  const within = (from: number, to: number) => (k: number) => evaluated(k) > from && evaluated(k) <= to;
  // A burst starts at a uniformly random time: every second while one fits before the end. One
  // starting at P · k + φ fails the min(30, P − φ) seconds it covers of period k and the rest of its
  // 30 in period k + 1 (P ≥ 60), each period's other seconds failing at the baseline.
  const covering = (seconds: number) => (seconds + (P - seconds) * r.baseline) / P;
  let burst = 0;
  let bursts = 0;
  // A start's outcome depends only on its period and the seconds it keeps there.
  const outcomes = new Map<string, number>();
  for (let i = 0; i + 30 <= end; i++) {
    const k = Math.floor(i / P);
    const inFirst = Math.min(30, P * (k + 1) - i);
    const key = `${k}|${inFirst}`;
    if (!outcomes.has(key)) {
      outcomes.set(
        key,
        alarmProbability(
          at((j) => (j === k ? covering(inFirst) : j === k + 1 && inFirst < 30 ? covering(30 - inFirst) : r.baseline)),
          a.m,
          a.n,
          within(0, end),
        ),
      );
    }
    burst += outcomes.get(key)!;
    bursts++;
  }
  return {
    /** Per step: a regression from its start caught at an evaluation within it; undefined for a step that does not wait. */
    detection: r.seconds.map((s, i) =>
      s > 0
        ? alarmProbability(
            at((k) => (P * k >= starts[i] ? r.regression : r.baseline)),
            a.m,
            a.n,
            within(starts[i], starts[i] + s),
          )
        : undefined,
    ),
    /** Per step: a healthy release rolled back at an evaluation within it. */
    falseDuring: r.seconds.map((s, i) => alarmProbability(healthy, a.m, a.n, within(starts[i], starts[i] + s))),
    falseRollback: alarmProbability(healthy, a.m, a.n, within(0, end)),
    burst: bursts === 0 ? 0 : burst / bursts,
  };
}
