import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { DeploymentChart } from '../../constructs/k8s';
import { containerService, havePromtool, promtool, validateObject } from './helpers';

/*
 * The Rollout status alerts through the real Prometheus engine (promtool test rules), fed with
 * the Argo Rollouts controller's gauge as it exports it: `rollout_info{namespace, name, strategy,
 * traffic_router, phase} 1` (argoproj/argo-rollouts controller/metrics/rollout_test.go,
 * TestCollectRollouts), with phase from controller/metrics/rollouts.go calculatePhase.
 */

const canary = containerService([
  {
    name: 'prod',
    rollout: {
      strategy: 'canary',
      stages: [
        { name: 'canary', trafficPercent: 10, bake: '5m' },
        { name: 'full', trafficPercent: 100, bake: '5m' },
      ],
    },
  },
]);
const blueGreen = containerService([{ name: 'prod', rollout: { strategy: 'blue-green' } }]);

function chartOf(definition = canary) {
  const chart = new DeploymentChart(Testing.app(), 'Chart', { definition, environment: 'prod' });
  const manifests = Testing.synth(chart);
  return { chart, rule: manifests.find((m) => m.kind === 'PrometheusRule' && m.metadata.name === 'shop-rollout-status')! };
}

/** `promtool test rules` for the rule with one input series and alert expectations. */
function runPromtool(rule: Record<string, any>, series: string, values: string, expectations: [string, string, boolean][]) {
  havePromtool();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-rollout-status-'));
  fs.writeFileSync(path.join(dir, 'rules.yaml'), stringify(rule.spec));
  const tests = {
    rule_files: ['rules.yaml'],
    evaluation_interval: '30s',
    tests: [
      {
        interval: '1m',
        input_series: [{ series, values }],
        alert_rule_test: expectations.map(([at, alertname, fires]) => ({
          eval_time: at,
          alertname,
          exp_alerts: fires
            ? rule.spec.groups[0].rules
                .filter((r: { alert: string }) => r.alert === alertname)
                .map((r: { labels: object; annotations: object }) => ({ exp_labels: r.labels, exp_annotations: r.annotations }))
            : [],
        })),
      },
    ],
  };
  fs.writeFileSync(path.join(dir, 'tests.yaml'), stringify(tests));
  return promtool(dir, 'test', 'rules', 'tests.yaml');
}

describe('RolloutStatusAlerts', () => {
  test('is a valid PrometheusRule beside the workload, selected by the monitoring labels', () => {
    const { rule } = chartOf();
    expect(() => validateObject(rule)).not.toThrow();
    expect(rule.metadata).toEqual({ name: 'shop-rollout-status', namespace: 'shop-prod', labels: { release: 'kube-prometheus-stack' } });
    expect(rule.spec.groups[0].rules.map((r: { alert: string }) => r.alert)).toEqual(['RolloutPausedTooLong', 'RolloutFailed']);
  });

  test('a Deployment has none (no Argo Rollouts phase to watch)', () => {
    const { rule } = chartOf(containerService([{ name: 'prod', rollout: { strategy: 'rolling' } }]));
    expect(rule).toBeUndefined();
  });

  // Planned bake 5m + 5m, progress deadline 600s: a pause longer than 20m is not the plan.
  test('a canary paused past its planned bake plus the progress deadline pages (hung canary: analysis inconclusive → Paused)', () => {
    const { rule } = chartOf();
    const paused = rule.spec.groups[0].rules[0];
    expect(paused.for).toBe('20m');
    expect(paused.labels.severity).toBe('critical');
    const r = runPromtool(
      rule,
      'rollout_info{namespace="shop-prod",name="shop",strategy="canary",traffic_router="Nginx",phase="Paused"}',
      '1x60',
      [
        ['19m', 'RolloutPausedTooLong', false],
        ['21m', 'RolloutPausedTooLong', true],
        ['21m', 'RolloutFailed', false],
      ],
    );
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test('the planned pauses of a healthy release do not alert (Paused 10m, then Completed)', () => {
    const { rule } = chartOf();
    // rollout_info is one series per phase: Paused for the bakes, then the Completed series.
    const r = runPromtool(
      rule,
      'rollout_info{namespace="shop-prod",name="shop",strategy="canary",traffic_router="Nginx",phase="Paused"}',
      '1x10 _x50',
      [
        ['9m', 'RolloutPausedTooLong', false],
        ['40m', 'RolloutPausedTooLong', false],
      ],
    );
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test('an aborted rollout warns after a minute, also when the scrape renamed namespace to exported_namespace', () => {
    const { rule } = chartOf();
    const r = runPromtool(
      rule,
      'rollout_info{namespace="argo-rollouts",exported_namespace="shop-prod",name="shop",strategy="canary",traffic_router="Nginx",phase="Abort"}',
      '1x10',
      [
        ['0m', 'RolloutFailed', false],
        ['2m', 'RolloutFailed', true],
      ],
    );
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test('another rollout or namespace does not alert', () => {
    const { rule } = chartOf();
    const r = runPromtool(
      rule,
      'rollout_info{namespace="other-prod",name="shop",strategy="canary",traffic_router="Nginx",phase="Abort"}',
      '1x30',
      [['25m', 'RolloutFailed', false]],
    );
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test('a paused blue-green preview serves no users: warning, not a page', () => {
    const { rule } = chartOf(blueGreen);
    expect(rule.spec.groups[0].rules[0].labels.severity).toBe('warning');
  });

  test('the runbook documents both alerts with their anchors', () => {
    const { chart } = chartOf();
    const facts = chart.rolloutStatusAlerts!.runbookFacts();
    expect(facts.alarms!.map((a) => [a.name, a.anchor])).toEqual([
      ['RolloutPausedTooLong', 'shop-prod-rollout-paused'],
      ['RolloutFailed', 'shop-prod-rollout-failed'],
    ]);
  });
});
