import { Duration } from '../../../lib/model/duration';
import type { ArgoRolloutPlan } from '../../../lib/plan/rollout/argo-schedule';
import { FAILED_ROLLOUT_PHASES, rolloutStatusRules, type RolloutStatusSettings } from '../../../lib/plan/kubernetes/rollout-status-rules';

/*
 * What the Rollout phase alerts tell on-call: the text and the runbook link of each (the firing
 * behaviour runs through promtool in test/k8s/rollout-status-alerts.test.ts). Phases from
 * argoproj/argo-rollouts controller/metrics/rollouts.go (calculatePhase).
 */

function settings(overrides: Partial<RolloutStatusSettings> = {}, canary = true): RolloutStatusSettings {
  // The fields the rules read: the planned bake, and whether the Rollout is a canary.
  const plan = {
    schedule: { totalBake: Duration.minutes(15) },
    ...(canary ? { canary: {} } : { blueGreen: {} }),
  } as unknown as ArgoRolloutPlan;
  return {
    rolloutName: 'shop',
    namespace: 'shop-prod',
    service: 'shop',
    environment: 'prod',
    plan,
    progressDeadlineSeconds: 600,
    ...overrides,
  };
}

describe('rolloutStatusRules', () => {
  test('failed phases are those of the controller: Abort, Timeout, Error, InvalidSpec', () => {
    expect([...FAILED_ROLLOUT_PHASES]).toEqual(['Abort', 'Timeout', 'Error', 'InvalidSpec']);
    const { rules } = rolloutStatusRules(settings());
    expect(rules[1].expr).toBe(
      'max(rollout_info{name="shop",namespace="shop-prod",phase=~"Abort|Timeout|Error|InvalidSpec"} or rollout_info{name="shop",exported_namespace="shop-prod",phase=~"Abort|Timeout|Error|InvalidSpec"}) == 1',
    );
    expect(rules[0].expr).toBe(
      'max(rollout_info{name="shop",namespace="shop-prod",phase="Paused"} or rollout_info{name="shop",exported_namespace="shop-prod",phase="Paused"}) == 1',
    );
  });

  test('paused longer than the planned bake plus the progress deadline: 15m + 10m', () => {
    const r = rolloutStatusRules(settings());
    expect(r.name).toBe('shop-rollout-status');
    expect(r.pausedFor.toSeconds()).toBe(1500);
    expect(r.rules[0]).toMatchObject({ alert: 'RolloutPausedTooLong', for: '25m' });
    expect(r.rules[1]).toMatchObject({ alert: 'RolloutFailed', for: '1m' });
  });

  test('labels: a paused canary pages, a paused blue-green preview and a failed rollout warn', () => {
    const canary = rolloutStatusRules(settings()).rules;
    expect(canary[0].labels).toEqual({ severity: 'critical', service: 'shop', environment: 'prod', namespace: 'shop-prod' });
    expect(canary[1].labels).toEqual({ severity: 'warning', service: 'shop', environment: 'prod', namespace: 'shop-prod' });
    expect(rolloutStatusRules(settings({}, false)).rules[0].labels.severity).toBe('warning');
  });

  test('the annotations say what happened and where the runbook section is', () => {
    const r = rolloutStatusRules(settings({ runbookBaseUrl: 'https://runbooks.example/shop/' }));
    expect(r.anchors).toEqual(['shop-prod-rollout-paused', 'shop-prod-rollout-failed']);
    expect(r.rules[0].annotations).toEqual({
      summary: 'shop (prod): Rollout shop paused for more than 25m',
      description:
        'Argo Rollouts reports Rollout shop-prod/shop Paused for longer than its whole planned bake plus the progress deadline: an inconclusive analysis (too little traffic, or a hung or crashing new version that reports nothing) or a promotion nobody gave. The new version may still receive traffic.',
      runbook_url: 'https://runbooks.example/shop/shop-prod.k8s.md#shop-prod-rollout-paused',
    });
    expect(r.rules[1].annotations).toEqual({
      summary: 'shop (prod): Rollout shop aborted or failed',
      description:
        'Argo Rollouts reports Rollout shop-prod/shop in phase Abort, Timeout, Error or InvalidSpec: the release stopped and the stable version serves all traffic.',
      runbook_url: 'https://runbooks.example/shop/shop-prod.k8s.md#shop-prod-rollout-failed',
    });
  });

  test('without a base URL the runbook link is relative', () => {
    const r = rolloutStatusRules(settings());
    expect(r.rules.map((x) => x.annotations.runbook_url)).toEqual([
      'runbooks/shop-prod.k8s.md#shop-prod-rollout-paused',
      'runbooks/shop-prod.k8s.md#shop-prod-rollout-failed',
    ]);
  });
});
