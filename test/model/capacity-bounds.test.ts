import { problemsOf } from './support-definition';

/** A container service with one environment whose capacity is `capacity`. */
function definition(capacity: unknown, desiredCount?: number): unknown {
  return {
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: {
      container: {
        image: 'public.ecr.aws/acme/checkout:1.0.0',
        port: 8080,
        healthCheckPath: '/healthz',
        ...(desiredCount ? { desiredCount } : {}),
      },
    },
    environments: [{ name: 'prod', rollout: { strategy: 'canary' }, capacity }],
  };
}

describe('autoscaling bounds: both given, ordered, and holding the desired count', () => {
  test('only maxCount names the missing minCount', () => {
    expect(problemsOf(definition({ maxCount: 4 }))).toEqual([
      'environments[0].capacity.minCount is missing; autoscaling needs both minCount and maxCount',
    ]);
  });

  test('equal bounds, and a desired count on either bound, are accepted', () => {
    expect(problemsOf(definition({ minCount: 3, maxCount: 3 }, 3))).toEqual([]);
    expect(problemsOf(definition({ minCount: 2, maxCount: 6, desiredCount: 2 }))).toEqual([]);
    expect(problemsOf(definition({ minCount: 2, maxCount: 6, desiredCount: 6 }))).toEqual([]);
  });

  test("the environment's desired count outside its bounds, below or above", () => {
    const message = (n: number) => `environments[0].capacity.desiredCount is ${n}; it must be between minCount (2) and maxCount (6)`;
    expect(problemsOf(definition({ minCount: 2, maxCount: 6, desiredCount: 1 }))).toEqual([message(1)]);
    expect(problemsOf(definition({ minCount: 2, maxCount: 6, desiredCount: 7 }))).toEqual([message(7)]);
  });

  test("the workload's desired count above the environment's maxCount, or on its bounds", () => {
    expect(problemsOf(definition({ minCount: 1, maxCount: 3 }, 4))).toEqual([
      'workload.container.desiredCount is 4; it is outside environments[0].capacity minCount (1) to maxCount (3); set environments[0].capacity.desiredCount between them',
    ]);
    expect(problemsOf(definition({ minCount: 1, maxCount: 4 }, 4))).toEqual([]);
    expect(problemsOf(definition({ minCount: 4, maxCount: 5 }, 4))).toEqual([]);
  });

  test('inverted bounds are reported once, without judging the desired count against them', () => {
    expect(problemsOf(definition({ minCount: 5, maxCount: 2, desiredCount: 9 }))).toEqual([
      'environments[0].capacity.minCount is 5; it must not exceed maxCount (2)',
    ]);
  });
});
