import { baseDefinition, problemsOf } from './support-definition';

const stage = (trafficPercent: number, bake = '5m', name = `s${trafficPercent}`) => ({ name, trafficPercent, bake });
const withRollout = (rollout: unknown, workload?: unknown) => {
  const d = baseDefinition();
  if (workload) d.workload = workload;
  d.environments[0].rollout = rollout;
  return problemsOf(d);
};

describe('stages each strategy can run', () => {
  test('linear: 10 % then 100 % is shorthand for ten equal steps', () => {
    expect(withRollout({ strategy: 'linear', stages: [stage(10), stage(100)] })).toEqual([]);
    expect(withRollout({ strategy: 'linear', stages: [stage(25), stage(50), stage(75), stage(100)] })).toEqual([]);
  });

  test('linear: a 0 % test stage before the steps does not count as a step', () => {
    expect(withRollout({ strategy: 'linear', stages: [stage(0), stage(20), stage(40), stage(100)] })).toEqual([]);
  });

  test('linear: an uneven step before the last is refused with the step it should be', () => {
    expect(withRollout({ strategy: 'linear', stages: [stage(0), stage(20), stage(50), stage(100)] })).toEqual([
      'environments[0].rollout.stages[2].trafficPercent is 50; linear rollouts move in equal steps of 20%, so this stage must be 40%; use "canary" for uneven stages',
    ]);
  });

  test('blue-green: a 0 % test route then 100 % is accepted', () => {
    expect(withRollout({ strategy: 'blue-green', stages: [stage(0), stage(100)] })).toEqual([]);
  });

  test('a one-second bake is accepted', () => {
    expect(withRollout({ strategy: 'canary', stages: [stage(10, '1s'), stage(100, '1s')] })).toEqual([]);
  });

  test('all-at-once does not split traffic: stages are refused', () => {
    expect(withRollout({ strategy: 'all-at-once', stages: [stage(100)] })).toEqual([
      'environments[0].rollout.stages is [{"name":"s100","trafficPercent":100,"bake":"5m"}]; "all-at-once" does not split traffic between versions; remove "stages" or use "canary"',
    ]);
    expect(withRollout({ strategy: 'all-at-once' })).toEqual([]);
  });

  test('containers may roll instances', () => {
    expect(withRollout({ strategy: 'rolling' })).toEqual([]);
  });

  test('functions may shift blue-green or linear, not roll', () => {
    const fn = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' } };
    expect(withRollout({ strategy: 'linear', stages: [stage(10), stage(100)] }, fn)).toEqual([]);
    expect(withRollout({ strategy: 'blue-green' }, fn)).toEqual([]);
  });
});
