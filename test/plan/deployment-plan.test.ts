import * as path from 'node:path';
import { loadDefinitionFile } from '../../lib/model/load';
import { AlarmKind } from '../../lib/plan/alarm-catalogue';
import { planDeployment } from '../../lib/plan/deployment-plan';
import { Backend } from '../../lib/plan/rollout/schedule';
import { Target } from '../../lib/targets/target';

const root = path.resolve(__dirname, '../..');
const checkout = loadDefinitionFile(path.join(root, 'examples/checkout/definition.yaml'));
const payments = loadDefinitionFile(path.join(root, 'examples/payments-api/definition.ts'));

describe('planDeployment', () => {
  test('a container on AWS (and Pulumi) runs on ECS and receives secret values under their own names', () => {
    for (const target of [Target.AWS, Target.PULUMI]) {
      const plan = planDeployment(checkout, 'prod', target);
      expect(plan.backend).toBe(Backend.ECS);
      expect(plan.isFunction).toBe(false);
      expect(plan.rollout.backend).toBe(Backend.ECS);
      expect(plan.names.stack).toBe('checkout-prod');
      expect(plan.secrets.map((s) => s.variable)).toEqual(['DB_PASSWORD', 'SESSION_SIGNING_KEY']);
      expect(plan.secrets[0].secret.secretName).toBe('checkout/prod/db-password');
    }
  });

  test('a canary on Kubernetes runs on Argo Rollouts, a rolling update on a plain Deployment', () => {
    expect(planDeployment(checkout, 'staging', Target.KUBERNETES).backend).toBe(Backend.ARGO_ROLLOUTS);
    expect(planDeployment(checkout, 'dev', Target.KUBERNETES).backend).toBe(Backend.KUBERNETES_DEPLOYMENT);
  });

  test('a function runs on Lambda + CodeDeploy and receives each secret as <envVar>_SECRET_ARN', () => {
    const plan = planDeployment(payments, 'prod', Target.AWS);
    expect(plan.backend).toBe(Backend.LAMBDA_CODEDEPLOY);
    expect(plan.isFunction).toBe(true);
    expect(plan.secrets.map((s) => s.variable)).toContain('CARD_PROCESSOR_API_KEY_SECRET_ARN');
  });

  test('the alarm catalogue watches saturation for containers only, and adds the Watchdog on Kubernetes', () => {
    const kinds = (p: ReturnType<typeof planDeployment>) => p.alarms.map((a) => a.kind);
    expect(kinds(planDeployment(checkout, 'prod', Target.AWS))).toContain(AlarmKind.WARNING_CPU);
    expect(kinds(planDeployment(payments, 'prod', Target.AWS))).not.toContain(AlarmKind.WARNING_CPU);
    expect(kinds(planDeployment(checkout, 'prod', Target.KUBERNETES))).toContain(AlarmKind.WATCHDOG);
    expect(kinds(planDeployment(checkout, 'prod', Target.AWS))).not.toContain(AlarmKind.WATCHDOG);
  });

  test('fails naming the environment when it does not exist', () => {
    expect(() => planDeployment(checkout, 'qa', Target.AWS)).toThrow(/qa/);
  });
});
