import { Duration } from '../../../lib/model/duration';
import { plain, promDuration } from '../../../lib/plan/kubernetes/units';

/*
 * Durations as Prometheus and Argo Rollouts read them (Go's time.ParseDuration units h, m, s;
 * https://prometheus.io/docs/prometheus/latest/querying/basics/#time-durations), and numbers
 * without floating-point noise.
 */
describe('units', () => {
  test('whole seconds in h, m and s, largest unit first, zero parts left out', () => {
    expect(promDuration(Duration.seconds(0))).toBe('0s');
    expect(promDuration(Duration.seconds(1))).toBe('1s');
    expect(promDuration(Duration.seconds(59))).toBe('59s');
    expect(promDuration(Duration.seconds(60))).toBe('1m');
    expect(promDuration(Duration.seconds(90))).toBe('1m30s');
    expect(promDuration(Duration.minutes(60))).toBe('1h');
    expect(promDuration(Duration.seconds(3661))).toBe('1h1m1s');
    expect(promDuration(Duration.seconds(7200 + 5))).toBe('2h5s');
    expect(promDuration(Duration.hours(25))).toBe('25h');
  });

  test('a fraction of a second rounds up, so a window is never shorter than asked', () => {
    expect(promDuration(Duration.seconds(0.2))).toBe('1s');
    expect(promDuration(Duration.seconds(59.5))).toBe('1m');
  });

  test('numbers print as written, without binary noise', () => {
    expect(plain(0.1 + 0.2)).toBe('0.3');
    expect(plain(0.015)).toBe('0.015');
    expect(plain(1.5 / 100)).toBe('0.015');
    expect(plain(2.807033768343811)).toBe('2.80703376834');
    expect(plain(5)).toBe('5');
    expect(plain(1e-6)).toBe('0.000001');
  });
});
