import { Duration } from '../../model/duration';
import { ARGO_ABORT_ESTIMATE } from '../argo-bounds';

/**
 * The time bounds the Kubernetes runbook states, computed in one place from the generated
 * windows and limits; the scenario tests (`test/k8s/scenarios.test.ts`) measure the same bounds
 * by running the generated rules and queries through promtool and Argo Rollouts' analysis rules.
 */

/** Rate windows span at least this many scrapes, so one missed scrape leaves enough samples. */
export const SCRAPES_PER_WINDOW = 4;

// Defined with the plan (lib/plan/argo-bounds) so the runbook reads the same estimate.
export { ARGO_ABORT_ESTIMATE };

/** The `increase()`/`rate()` window for an evaluation period: the period, but at least 4 scrapes. */
export function rateWindow(period: Duration, scrapeInterval: Duration): Duration {
  return Duration.seconds(Math.max(period.toSeconds(), scrapeInterval.toSeconds() * SCRAPES_PER_WINDOW));
}

/** What an analysis metric's timing is made of. */
export interface AnalysisTiming {
  readonly interval: Duration;
  readonly window: Duration;
  readonly failureLimit: number;
  readonly scrapeInterval: Duration;
}

/** Detect and abort bounds of a rollback analysis, with their parts for the runbook. */
export interface AnalysisBounds {
  /** From the first bad request until the analysis run is Failed. */
  readonly detect: Duration;
  /** From the first bad request until all traffic is back on the stable version. */
  readonly abort: Duration;
  readonly parts: readonly { readonly what: string; readonly duration: Duration }[];
}

/**
 * A fault at the rollback threshold shows from the next scrape, fills the window, and then needs
 * `failureLimit + 1` failed measurements, the first up to one interval after the window filled.
 */
export function analysisBounds(t: AnalysisTiming): AnalysisBounds {
  const failures = t.failureLimit + 1;
  const parts = [
    { what: `the next scrape records it (${t.scrapeInterval})`, duration: t.scrapeInterval },
    { what: `the ${t.window} query window fills`, duration: t.window },
    { what: `${failures} failed measurement${failures > 1 ? 's' : ''}, one every ${t.interval}`, duration: t.interval.times(failures) },
  ];
  const detect = parts.reduce((a, p) => a.plus(p.duration), Duration.seconds(0));
  return {
    detect,
    abort: detect.plus(ARGO_ABORT_ESTIMATE),
    parts: [...parts, { what: 'Argo Rollouts aborts: all traffic back on the stable version (estimate)', duration: ARGO_ABORT_ESTIMATE }],
  };
}

/** Bounds of a Prometheus alert on a windowed expression: from the condition's start to firing. */
export interface AlertBounds {
  /** It cannot fire sooner (a fault exactly at the threshold). */
  readonly earliest: Duration;
  /** It fires by then. */
  readonly latest: Duration;
}

/**
 * A condition exactly at the threshold holds once the window is full of it (up to one scrape
 * earlier when the window's closed start includes the last good sample), then pends for `for`;
 * rules are evaluated once per evaluation interval.
 */
export function alertBounds(window: Duration, holdFor: Duration, scrapeInterval: Duration, evaluationInterval: Duration): AlertBounds {
  return {
    earliest: window.plus(holdFor).plus(scrapeInterval.times(-1)),
    latest: window.plus(holdFor).plus(evaluationInterval),
  };
}

/** The dead-man's switch fires after `missingFor` without a good sample, within one evaluation. */
export function deadMansSwitchBounds(missingFor: Duration, evaluationInterval: Duration): AlertBounds {
  return { earliest: missingFor, latest: missingFor.plus(evaluationInterval) };
}
