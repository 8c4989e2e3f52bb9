/**
 * When Alertmanager notifies a receiver about an alert, as a small stateful model written from the
 * Prometheus and Alertmanager sources (not from glidepath's output):
 *
 * Prometheus (`rules/alerting.go` `sendAlerts`, `rules/manager.go`, `cmd/prometheus/main.go`):
 * - a firing alert is sent at a rule evaluation when it was never sent or was last sent at least
 *   `--rules.alert.resend-delay` (default 1m) ago (`needsSending`);
 * - each send sets `ValidUntil = ts + 4 × max(evaluation interval, resend delay)`, which the notifier
 *   sends as the alert's `EndsAt`: with nobody refreshing it, Alertmanager resolves the alert then.
 *
 * Alertmanager (`dispatch/dispatch.go` aggregation groups, `notify/notify.go` `DedupStage`):
 * - a new group waits `group_wait`, then flushes; later flushes come every `group_interval`;
 * - a flush notifies when the group's firing alerts changed, or when the last notification's log
 *   entry is older than `repeat_interval` (`needsUpdate`: `entry.Timestamp.Before(now - repeat)`).
 *   The entry is written after the send, a moment after the flush began, so with
 *   `repeat_interval` equal to `group_interval` the next flush finds it too young and the
 *   notification repeats only every second flush;
 * - an alert whose `EndsAt` has passed is resolved; with `send_resolved: false` a group of only
 *   resolved alerts notifies nobody.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#route
 * @see https://github.com/prometheus/prometheus/blob/main/rules/alerting.go
 * @see https://github.com/prometheus/alertmanager/blob/main/dispatch/dispatch.go
 */

/** Route timing, in seconds. */
export interface RouteTiming {
  readonly groupWait: number;
  readonly groupInterval: number;
  readonly repeatInterval: number;
}

/** Prometheus timing, in seconds. */
export interface PrometheusTiming {
  /** Rule evaluation interval. */
  readonly evaluationInterval: number;
  /** `--rules.alert.resend-delay`. @default 60 */
  readonly resendDelay?: number;
}

/** The seconds at which Prometheus sends a firing alert to Alertmanager, and the `EndsAt` of each. */
export function prometheusSends(firingFrom: number, stopsAt: number, p: PrometheusTiming): { at: number; endsAt: number }[] {
  const resend = p.resendDelay ?? 60;
  const out: { at: number; endsAt: number }[] = [];
  // Evaluations happen on the evaluation interval's grid.
  let ts = Math.ceil(firingFrom / p.evaluationInterval) * p.evaluationInterval;
  let last: number | undefined;
  for (; ts <= stopsAt; ts += p.evaluationInterval) {
    if (last === undefined || ts - last >= resend) {
      last = ts;
      out.push({ at: ts, endsAt: ts + 4 * Math.max(p.evaluationInterval, resend) });
    }
  }
  return out;
}

/**
 * The seconds at which Alertmanager notifies the receiver of a route about one alert that Prometheus
 * sends (`sends`), up to `until`. The group is created by the first send.
 */
export function notifications(
  sends: readonly { at: number; endsAt: number }[],
  route: RouteTiming,
  until: number,
  /** Seconds from a flush until its notification log entry is written (the send's latency). */
  sendLatency = 1,
): number[] {
  if (sends.length === 0) return [];
  const out: number[] = [];
  const firingAt = (t: number) => sends.some((s) => s.at <= t && t < s.endsAt);
  let lastNotified: number | undefined;
  for (let flush = sends[0].at + route.groupWait; flush <= until; flush += route.groupInterval) {
    if (!firingAt(flush)) continue; // resolved: send_resolved is false for the heartbeat, nothing to repeat
    if (lastNotified === undefined || lastNotified + sendLatency < flush - route.repeatInterval) {
      out.push(flush);
      lastNotified = flush;
    }
  }
  return out;
}
