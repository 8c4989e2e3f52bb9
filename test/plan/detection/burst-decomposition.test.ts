import { alarmFires, cloudWatchBurstRollback, type CloudWatchGate } from '../../../lib/plan/detection/cloudwatch-detection';
import { ReleaseTimeline } from '../../../lib/plan/detection/release-timeline';

/*
 * `cloudWatchBurstRollback` joins a forward and a backward pass of the M-of-N programme through the
 * one or two periods a burst touches, instead of running the programme once per burst start. It must
 * give what it is defined as: the average over the starts of a whole run of `alarmFires` with the
 * burst (whose M-of-N rule the closed forms in timeline-closed-forms.test.ts check). Gates with
 * 1 to 5 evaluation periods, periods shorter and longer than the burst, with and without the
 * ingestion delay, and steps that do and do not divide the period.
 */
test('the burst average equals a whole alarm run per start, to rounding', () => {
  const timeline = (rate: number) =>
    new ReleaseTimeline(
      [
        { name: 'canary', weight: 0.1, seconds: 600 },
        { name: 'full', weight: 1, seconds: 300 },
      ],
      rate,
    );
  let worst = 0;
  let compared = 0;
  for (const [m, n, periodSeconds] of [
    [1, 1, 60],
    [2, 3, 60],
    [3, 5, 60],
    [2, 2, 120],
    [3, 3, 30],
    [4, 5, 10],
  ] as const) {
    for (const rate of [0.5, 5, 150]) {
      for (const delaySeconds of [undefined, 0]) {
        const t = timeline(rate);
        const gate: CloudWatchGate = {
          periodSeconds,
          evaluationPeriods: n,
          datapointsToAlarm: m,
          minimumRequests: 10,
          thresholdPercent: 2,
          oldVersionJudged: true,
          delaySeconds,
        };
        for (const step of [5, 7, 30]) {
          let sum = 0;
          let starts = 0;
          for (let k = 0; k * step + 30 <= t.end; k++) {
            sum += alarmFires(t, gate, { baseline: 0.01, burst: { fromSeconds: k * step, seconds: 30 } }, 0, t.end);
            starts++;
          }
          worst = Math.max(worst, Math.abs(sum / starts - cloudWatchBurstRollback(t, gate, 0.01, 30, step)));
          compared++;
        }
      }
    }
  }
  expect(compared).toBe(108);
  expect(worst).toBeLessThan(1e-12);
});
