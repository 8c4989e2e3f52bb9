import * as path from 'node:path';
import { loadDefinitionFile } from '../../../lib/model/load';
import { environmentOf } from '../../../lib/model/service-definition';
import { compileEcsRollout } from '../../../lib/plan/rollout/ecs-schedule';
import { backendFor, compileRollout, planRollout } from '../../../lib/plan/rollout/rollout-plan';
import { Backend } from '../../../lib/plan/rollout/schedule';
import { Target } from '../../../lib/targets/target';

const root = path.resolve(__dirname, '../../..');
// Loaded inside each test: validation compiles rollouts, and code run while jest collects tests
// makes every mutant it reaches "static" for mutation testing.
const examples = () => ({
  checkout: loadDefinitionFile(path.join(root, 'examples/checkout/definition.yaml')),
  payments: loadDefinitionFile(path.join(root, 'examples/payments-api/definition.ts')),
});

describe('compileRollout', () => {
  test('picks the backend from the target, the workload and the strategy', () => {
    const { checkout, payments } = examples();
    const prod = environmentOf(checkout, 'prod');
    expect(backendFor(checkout, Target.AWS, prod)).toBe(Backend.ECS);
    expect(backendFor(payments, Target.AWS, environmentOf(payments, 'prod'))).toBe(Backend.LAMBDA_CODEDEPLOY);
    for (const env of checkout.environments) {
      const expected = ['canary', 'linear', 'blue-green'].includes(env.rollout.strategy)
        ? Backend.ARGO_ROLLOUTS
        : Backend.KUBERNETES_DEPLOYMENT;
      expect(backendFor(checkout, Target.KUBERNETES, env)).toBe(expected);
    }
  });

  test('compiles once per backend to the same plan as the backend compiler, tagged with the backend', () => {
    const { checkout, payments } = examples();
    for (const env of checkout.environments) {
      const plan = compileRollout(env, Backend.ECS);
      expect(plan.backend).toBe(Backend.ECS);
      expect(plan).toEqual({ backend: Backend.ECS, ...compileEcsRollout(env) });
      expect(plan.schedule.backend).toBe(Backend.ECS);
    }
    for (const env of payments.environments) {
      const plan = compileRollout(env, Backend.LAMBDA_CODEDEPLOY);
      expect(plan.schedule.backend).toBe(Backend.LAMBDA_CODEDEPLOY);
    }
  });

  test('planRollout: the workload decides ECS or Lambda on AWS and Pulumi, the strategy Argo or a Deployment on Kubernetes', () => {
    const { checkout, payments } = examples();
    const prod = environmentOf(checkout, 'prod');
    expect(planRollout(checkout, Target.AWS, prod).backend).toBe(Backend.ECS);
    expect(planRollout(checkout, Target.PULUMI, prod).backend).toBe(Backend.ECS);
    expect(planRollout(checkout, Target.AWS, prod)).toEqual({ backend: Backend.ECS, ...compileEcsRollout(prod) });
    const paymentsProd = environmentOf(payments, 'prod');
    expect(planRollout(payments, Target.AWS, paymentsProd).backend).toBe(Backend.LAMBDA_CODEDEPLOY);
    expect(planRollout(payments, Target.PULUMI, paymentsProd).backend).toBe(Backend.LAMBDA_CODEDEPLOY);
    // checkout's prod runs blue/green (Argo Rollouts), its dev a rolling update (a plain Deployment).
    expect(planRollout(checkout, Target.KUBERNETES, prod).backend).toBe(Backend.ARGO_ROLLOUTS);
    expect(planRollout(checkout, Target.KUBERNETES, environmentOf(checkout, 'dev')).backend).toBe(Backend.KUBERNETES_DEPLOYMENT);
  });

  test('fails when the backend cannot run the strategy, naming the field', () => {
    const { checkout } = examples();
    const rolling = checkout.environments.find((e) => e.rollout.strategy === 'rolling');
    if (rolling) {
      expect(() => compileRollout(rolling, Backend.ARGO_ROLLOUTS)).toThrow(/rollout\.strategy is "rolling"/);
    } else {
      expect(() =>
        compileRollout(
          { ...checkout.environments[0], rollout: { ...checkout.environments[0].rollout, strategy: 'rolling' as never } },
          Backend.ARGO_ROLLOUTS,
        ),
      ).toThrow(/rollout\.strategy is "rolling"/);
    }
  });
});
