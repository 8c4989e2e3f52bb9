import { periodBreach } from './judged-window';
import { burstStartStep, type ErrorScenario, type ReleaseTimeline } from './release-timeline';

/** The rollback alarm's settings that decide detection on AWS. */
export interface CloudWatchGate {
  readonly periodSeconds: number;
  /** N: datapoints in the evaluation range. */
  readonly evaluationPeriods: number;
  /** M: breaching datapoints among them that put the alarm in ALARM. */
  readonly datapointsToAlarm: number;
  /** Requests a version needs in a period before its ratio counts (`MINIMUM_REQUESTS`). */
  readonly minimumRequests: number;
  /** Threshold in percent (`100 · errors / requests ≥ threshold`). */
  readonly thresholdPercent: number;
  /** Whether the old version has a ratio of its own (ECS: its target group; Lambda: no, only the alias's). */
  readonly oldVersionJudged: boolean;
  /** Seconds from a period's end until its datapoint is evaluated (ingestion). @default the period, at most 60 s */
  readonly delaySeconds?: number;
}

/**
 * P(the alarm goes to ALARM at an evaluation within (from, to]) — CloudWatch's M-of-N rule over
 * datapoints of consecutive periods (AWS docs, "Evaluating an alarm"): after each period ends and
 * its datapoint is ingested, ALARM when at least M of the last N datapoints breach. Periods are
 * disjoint, so their breaches are independent; the state of a dynamic programme is the outcome of
 * the last N − 1 periods (2^(N−1) states). Periods start with the release.
 */
export function alarmFires(timeline: ReleaseTimeline, gate: CloudWatchGate, scenario: ErrorScenario, from: number, to: number): number {
  const P = gate.periodSeconds;
  const delay = gate.delaySeconds ?? Math.min(P, 60);
  let states = initialStates(gate);
  let fired = 0;
  for (let k = 0; (k + 1) * P + delay <= to + 1e-9; k++) {
    const step = nextPeriod(states, periodBreachOf(timeline, gate, k, scenario), gate, (k + 1) * P + delay > from + 1e-9);
    states = step.next;
    fired += step.fired;
  }
  return Math.min(1, fired);
}

/** P(period k's datapoint breaches the rollback threshold). */
function periodBreachOf(timeline: ReleaseTimeline, gate: CloudWatchGate, k: number, scenario: ErrorScenario): number {
  const P = gate.periodSeconds;
  return periodBreach(
    timeline.span(k * P, (k + 1) * P, scenario),
    { threshold: gate.thresholdPercent, scale: 100, minimumRequests: gate.minimumRequests },
    gate.oldVersionJudged,
  );
}

/** The programme's states before the first period: the last N − 1 outcomes, none breaching. */
function initialStates(gate: CloudWatchGate): Float64Array {
  const states = new Float64Array(1 << Math.max(0, gate.evaluationPeriods - 1));
  states[0] = 1;
  return states;
}

/**
 * One period of the M-of-N programme: from the distribution over the last N − 1 outcomes, the
 * period breaching with `q`; when its evaluation `counts`, M breaches among the last N fire (and
 * leave the programme), else the window slides on.
 */
function nextPeriod(
  states: Float64Array,
  q: number,
  gate: CloudWatchGate,
  counts: boolean,
): { readonly next: Float64Array; readonly fired: number } {
  const window = (1 << gate.evaluationPeriods) - 1;
  const next = new Float64Array(states.length);
  let fired = 0;
  for (let s = 0; s < states.length; s++) {
    if (states[s] === 0) continue;
    for (const [bit, pb] of [
      [1, q],
      [0, 1 - q],
    ] as const) {
      if (pb === 0) continue;
      const w = ((s << 1) | bit) & window;
      if (counts && popcount(w) >= gate.datapointsToAlarm) fired += states[s] * pb;
      else next[w & (states.length - 1)] += states[s] * pb;
    }
  }
  return { next, fired };
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v; v &= v - 1) c++;
  return c;
}

/** P(the alarm fires during step `index`, the new version failing with `ratio` from the step's start). */
export function cloudWatchStepDetection(
  timeline: ReleaseTimeline,
  gate: CloudWatchGate,
  index: number,
  baseline: number,
  ratio: number,
): number {
  const start = timeline.starts[index];
  return alarmFires(timeline, gate, { baseline, regression: { fromSeconds: start, ratio } }, start, start + timeline.steps[index].seconds);
}

/** P(the alarm fires while a healthy release runs: from the first traffic shift to the end of the last bake). */
export function cloudWatchFalseRollback(timeline: ReleaseTimeline, gate: CloudWatchGate, baseline: number): number {
  return alarmFires(timeline, gate, { baseline }, 0, timeline.end);
}

/** P(the alarm fires during step `index` of a healthy release: at an evaluation within the step). */
export function cloudWatchFalseRollbackDuring(timeline: ReleaseTimeline, gate: CloudWatchGate, baseline: number, index: number): number {
  const start = timeline.starts[index];
  return alarmFires(timeline, gate, { baseline }, start, start + timeline.steps[index].seconds);
}

/**
 * The same with one burst of `burstSeconds` in which every request fails, at a uniformly random
 * time: the average over starts every `stepSeconds` (by default `burstStartStep` at 30 starts a
 * burst: 1 s, so that the share of starts falling across a period's end, and how much of the burst
 * each side keeps, are those of a random moment to within a second).
 *
 * A burst changes only the periods it touches, so the M-of-N programme of `alarmFires` runs once
 * forwards (the state distribution before each period, and what already fired) and once backwards
 * (from each state before a period, the probability of firing later), and each start joins them
 * through its one or two periods: a few operations a start instead of a whole run.
 */
export function cloudWatchBurstRollback(
  timeline: ReleaseTimeline,
  gate: CloudWatchGate,
  baseline: number,
  burstSeconds = 30,
  stepSeconds = burstStartStep(burstSeconds, gate.periodSeconds, 30),
): number {
  const P = gate.periodSeconds;
  const delay = gate.delaySeconds ?? Math.min(P, 60);
  const N = gate.evaluationPeriods;
  const M = gate.datapointsToAlarm;
  let starts = 0;
  while (starts * stepSeconds + burstSeconds <= timeline.end + 1e-9) starts++;
  if (starts === 0) return 0;
  // Periods whose datapoint is evaluated within the release (as `alarmFires` with (0, end]).
  let K = 0;
  while ((K + 1) * P + delay <= timeline.end + 1e-9) K++;
  const S = 1 << Math.max(0, N - 1);
  const window = (1 << N) - 1;
  const healthy = Array.from({ length: K }, (_, k) => periodBreachOf(timeline, gate, k, { baseline }));
  const before: Float64Array[] = [initialStates(gate)];
  const firedBefore = [0];
  for (let k = 0; k < K; k++) {
    const { next, fired } = nextPeriod(before[k], healthy[k], gate, true);
    before.push(next);
    firedBefore.push(firedBefore[k] + fired);
  }
  // later[k][s]: P(ALARM at an evaluation of period k or after | state s before period k).
  const later: Float64Array[] = new Array<Float64Array>(K + 1);
  later[K] = new Float64Array(S);
  for (let k = K - 1; k >= 0; k--) {
    later[k] = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      for (const [bit, pb] of [
        [1, healthy[k]],
        [0, 1 - healthy[k]],
      ] as const) {
        const w = ((s << 1) | bit) & window;
        later[k][s] += pb * (popcount(w) >= M ? 1 : later[k + 1][w & (S - 1)]);
      }
    }
  }
  let sum = 0;
  for (let i = 0; i < starts; i++) {
    const from = i * stepSeconds;
    const first = Math.floor(from / P);
    if (first >= K) {
      sum += firedBefore[K];
      continue;
    }
    const last = Math.min(K - 1, Math.floor((from + burstSeconds - 1e-9) / P));
    let dist = before[first];
    let fired = firedBefore[first];
    for (let k = first; k <= last; k++) {
      const step = nextPeriod(
        dist,
        periodBreachOf(timeline, gate, k, { baseline, burst: { fromSeconds: from, seconds: burstSeconds } }),
        gate,
        true,
      );
      dist = step.next;
      fired += step.fired;
    }
    for (let s = 0; s < S; s++) fired += dist[s] * later[last + 1][s];
    sum += fired;
  }
  return sum / starts;
}
