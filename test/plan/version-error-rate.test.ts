import {
  functionVersionErrorRateExpression,
  MINIMUM_REQUESTS,
  TARGET_GROUP_ERROR_METRICS,
  targetGroupErrorRateExpression,
  versionErrorRateWording,
} from '../../lib/plan/version-error-rate';
import { alarmSeries, type Datapoint } from '../aws/support/cloudwatch-alarm-simulator';

/**
 * The per-version error-rate expressions evaluated by the CloudWatch metric-math model
 * (test/aws/support/cloudwatch-alarm-simulator.ts: FILL, IF, MAX of an array, missing datapoints
 * as documented at https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
 * Each metric id gets one series; an id left out has no data at all.
 */
function evaluate(expression: string, data: Record<string, Datapoint[]>, length = 1): Datapoint[] {
  const ids = [...expression.matchAll(/\b(tg\d+[A-Za-z]+|requests|errors|elbErrors|newInvocations|newErrors|invocations)\b/g)].map(
    (m) => m[1],
  );
  const metricIds = [...new Set(ids)];
  return alarmSeries(
    {
      name: 'rate',
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0,
      comparison: 'GreaterThanThreshold',
      treatMissingData: 'breaching',
      queries: [
        ...metricIds.map((id) => ({
          id,
          metric: { namespace: 'Test', metricName: id, dimensions: {}, stat: 'Sum' },
          returnData: false,
        })),
        { id: 'rate', expression, returnData: true },
      ],
    },
    (metric, i) => data[metric.metricName]?.[i],
    length,
  );
}

describe('the per-target-group error rate of an ECS service behind an ALB', () => {
  // Built inside each test, not once per describe: code run while jest collects tests is outside any test.
  const twoGroups = () => targetGroupErrorRateExpression(2, 10);

  test("the new target group's own 5xx and failed connections count against its own requests, not the load balancer's", () => {
    // 100 requests to the new group, 5 target 5xx and 5 failed connections: 10%; the old group is clean.
    const rate = evaluate(twoGroups(), {
      tg0Requests: [100],
      tg0Errors: [5],
      tg0ConnectionErrors: [5],
      tg1Requests: [900],
      tg1Errors: [0],
      tg1ConnectionErrors: [0],
      requests: [1000],
      errors: [5],
      elbErrors: [5],
    });
    expect(rate).toEqual([10]);
  });

  test('the worst target group decides, whichever index it has', () => {
    const rate = evaluate(twoGroups(), {
      tg0Requests: [900],
      tg0Errors: [9],
      tg1Requests: [100],
      tg1Errors: [25],
      requests: [1000],
      errors: [34],
    });
    expect(rate).toEqual([25]);
  });

  test("the load balancer's own 503s (no healthy target) count in the overall rate", () => {
    const rate = evaluate(twoGroups(), { tg0Requests: [50], tg1Requests: [50], requests: [100], elbErrors: [40] });
    expect(rate).toEqual([40]);
  });

  test('below the minimum requests a period a group is not judged; at the minimum it is', () => {
    expect(evaluate(twoGroups(), { tg0Requests: [9], tg0Errors: [9], requests: [9], errors: [9] })).toEqual([0]);
    expect(evaluate(twoGroups(), { tg0Requests: [10], tg0Errors: [1], requests: [10], errors: [1] })).toEqual([10]);
    expect(evaluate(twoGroups(), { tg1Requests: [10], tg1ConnectionErrors: [2], requests: [10] })).toEqual([20]);
  });

  test('periods without any data give 0 %, not a missing datapoint (the alarm judges every period)', () => {
    expect(evaluate(twoGroups(), {}, 3)).toEqual([0, 0, 0]);
    // errors and connection errors without data are zero, not a gap that hides the requests
    expect(evaluate(twoGroups(), { tg0Requests: [20], tg0ConnectionErrors: [4], requests: [20] })).toEqual([20]);
  });

  test('one target group per index, plus the overall rate', () => {
    const three = targetGroupErrorRateExpression(3, 5);
    expect(evaluate(three, { tg2Requests: [5], tg2Errors: [5], requests: [100] })).toEqual([100]);
    expect(three).not.toContain('tg3');
    const none = targetGroupErrorRateExpression(0, 5);
    expect(evaluate(none, { requests: [5], errors: [1] })).toEqual([20]);
  });

  test('the array of rates is written as metric math requires: items separated by commas', () => {
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html (MAX([m1, m2]))
    expect(targetGroupErrorRateExpression(1, 10)).toMatch(/^MAX\(\[IF\(.*, 0\), IF\(.*, 0\)\]\)$/);
    expect(targetGroupErrorRateExpression(1, 10).split('), IF(')).toHaveLength(2);
  });

  test('reads the ALB metrics AWS documents per target group', () => {
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
    expect(TARGET_GROUP_ERROR_METRICS).toEqual({
      Errors: 'HTTPCode_Target_5XX_Count',
      ConnectionErrors: 'TargetConnectionErrorCount',
      Requests: 'RequestCount',
    });
  });
});

describe("the new Lambda version's error rate during a CodeDeploy shift", () => {
  const expression = () => functionVersionErrorRateExpression(10);

  test("a 10 % canary's errors are judged on its own invocations, not diluted by the alias", () => {
    // 20 invocations of the new version, 10 errors: 50 %; the alias sees 10 of 200 (5 %).
    expect(evaluate(expression(), { newInvocations: [20], newErrors: [10], invocations: [200], errors: [10] })).toEqual([50]);
  });

  test("the alias's overall rate still counts (it covers the previous version)", () => {
    expect(evaluate(expression(), { newInvocations: [20], invocations: [200], errors: [60] })).toEqual([30]);
  });

  test('below the minimum invocations a period nothing is judged; at the minimum it is', () => {
    expect(evaluate(expression(), { newInvocations: [9], newErrors: [9], invocations: [9], errors: [9] })).toEqual([0]);
    expect(evaluate(expression(), { newInvocations: [10], newErrors: [3], invocations: [10], errors: [3] })).toEqual([30]);
    expect(evaluate(expression(), {}, 2)).toEqual([0, 0]);
  });
});

describe('wording and the default minimum', () => {
  test('alarm descriptions name the per-version rate and its minimum', () => {
    expect(versionErrorRateWording()).toBe(' of each version on its own requests');
    expect(versionErrorRateWording(10)).toBe(' of each version on its own requests (from 10 a period)');
    expect(versionErrorRateWording(0)).toBe(' of each version on its own requests (from 0 a period)');
  });

  test('a period needs 10 requests before its rate is judged (one error is then at most 10 %)', () => {
    expect(MINIMUM_REQUESTS).toBe(10);
  });
});
