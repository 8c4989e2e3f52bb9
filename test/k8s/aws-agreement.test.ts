import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { loadDefinitionFile } from '../../lib/model';
import { exampleAws } from '../support/example-outputs';
import { DeploymentChart } from '../../constructs/k8s';
import { objectOf, type Manifest } from './helpers';

/*
 * One definition, two targets: the numbers a reviewer approves in the definition must be the same
 * numbers in the CloudFormation template and in the Kubernetes manifests.
 */
const file = path.join(__dirname, '..', '..', 'examples', 'checkout', 'definition.yaml');
const run = fs.existsSync(file) ? describe : describe.skip;

run('AWS and Kubernetes agree on thresholds, weights and bakes (examples/checkout)', () => {
  const definition = loadDefinitionFile(file);
  const aws = exampleAws(file);

  describe.each(definition.environments.map((e) => [e.name]))('%s', (environment) => {
    const base = `${definition.service}-${environment}`;

    const resources: Record<string, any>[] = Object.values(JSON.parse(aws.templates[`${base}.template.json`]).Resources);
    const alarm = (kind: string) => {
      const found = resources.find((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.AlarmName === `${base}-${kind}`);
      if (!found) throw new Error(`no alarm ${base}-${kind}`);
      return found.Properties;
    };
    const ecs = resources.find((r) => r.Type === 'AWS::ECS::Service')!.Properties.DeploymentConfiguration;
    const manifests: Manifest[] = Testing.synth(new DeploymentChart(Testing.app(), 'C', { definition, environment }));
    const rules: { alert: string; expr: string; for?: string }[] = objectOf(manifests, 'PrometheusRule', definition.service).spec.groups[0]
      .rules;
    const threshold = (alert: string) => Number(/>= ([\d.]+)$/.exec(rules.find((r) => r.alert === alert)!.expr)![1]);

    test('critical and warning thresholds (CloudWatch in % and ms, PromQL as ratio and seconds)', () => {
      expect(threshold('CriticalErrorRate') * 100).toBeCloseTo(alarm('critical-error-rate').Threshold, 9);
      expect(threshold('WarningErrorRate') * 100).toBeCloseTo(alarm('warning-error-rate').Threshold, 9);
      expect(threshold('CriticalLatencyP99') * 1000).toBeCloseTo(alarm('critical-latency-p99').Threshold, 9);
      expect(threshold('WarningLatencyP95') * 1000).toBeCloseTo(alarm('warning-latency-p95').Threshold, 9);
      expect(threshold('WarningCpu') * 100).toBeCloseTo(alarm('warning-cpu').Threshold, 9);
      expect(threshold('WarningMemory') * 100).toBeCloseTo(alarm('warning-memory').Threshold, 9);
    });

    /*
     * The error-rate threshold is the same number on both targets. How many failed judgements roll
     * back is not: CloudWatch takes the definition's evaluation (M of the last N periods), while
     * Argo Rollouts counts failed measurements over the whole analysis run, and the detection model
     * (README, "What the model chooses") picks that count for the declared traffic. The literals
     * are the definition's evaluation and what `glidepath check examples/checkout/definition.yaml`
     * prints ("fails at N failed windows").
     */
    const evaluation: Record<string, { datapointsToAlarm: number; evaluationPeriods: number; argoFailures?: number }> = {
      // rolling: no analysis on Kubernetes; `alarms.evaluation` (3 of 5) is the other alarms', the
      // rollback trigger keeps its default of 2 of 2
      dev: { datapointsToAlarm: 2, evaluationPeriods: 2 },
      staging: { datapointsToAlarm: 3, evaluationPeriods: 5, argoFailures: 4 },
      prod: { datapointsToAlarm: 3, evaluationPeriods: 5, argoFailures: 3 },
    };

    test('the rollback trigger: the same error-rate threshold; datapoints from the definition on AWS, failures chosen for Argo', () => {
      const rollback = alarm('rollback-error-rate');
      expect(rollback.DatapointsToAlarm).toBe(evaluation[environment].datapointsToAlarm);
      expect(rollback.EvaluationPeriods).toBe(evaluation[environment].evaluationPeriods);
      const template = manifests.find((m) => m.kind === 'AnalysisTemplate' && m.metadata.name === `${definition.service}-rollback`);
      expect(template === undefined).toBe(evaluation[environment].argoFailures === undefined);
      if (!template) return;
      const metric = template.spec.metrics[0];
      expect(Number(/< ([\d.]+)$/.exec(metric.successCondition)![1]) * 100).toBeCloseTo(rollback.Threshold, 9);
      expect(metric.failureLimit + 1).toBe(evaluation[environment].argoFailures);
    });

    test('the dead-man switch window', () => {
      const deadMan = alarm('dead-mans-switch');
      const rule = rules.find((r) => r.alert === 'DeadMansSwitch')!;
      const seconds = (d: string) =>
        [...d.matchAll(/(\d+)([hms])/g)].reduce((s, [, n, u]) => s + Number(n) * { h: 3600, m: 60, s: 1 }[u as 'h' | 'm' | 's'], 0);
      const window = seconds(/absent_over_time\([^[]+\[([^\]]+)\]\)/.exec(rule.expr)![1]);
      expect(window + seconds(rule.for!)).toBe(deadMan.EvaluationPeriods * (deadMan.Period ?? 60));
    });

    test('stage weights and bake times', () => {
      const rollout = manifests.find((m) => m.kind === 'Rollout');
      const minutes = (d: string) =>
        d.endsWith('h') ? Number(d.slice(0, -1)) * 60 : d.endsWith('m') ? Number(d.slice(0, -1)) : Number(d.slice(0, -1)) / 60;
      if (!rollout) {
        const deployment = objectOf(manifests, 'Deployment').spec.strategy;
        expect(`${100 - ecs.MinimumHealthyPercent}%`).toBe(deployment.rollingUpdate?.maxUnavailable ?? '100%');
        expect(`${ecs.MaximumPercent - 100}%`).toBe(deployment.rollingUpdate?.maxSurge ?? '0%');
        return;
      }
      const { canary, blueGreen } = rollout.spec.strategy;
      if (blueGreen) {
        expect(ecs.Strategy).toBe('BLUE_GREEN');
        expect(blueGreen.scaleDownDelaySeconds / 60).toBe(ecs.BakeTimeInMinutes);
        return;
      }
      const steps: Record<string, any>[] = canary.steps;
      const pauseAfter = (weight: number) => minutes(steps[steps.findIndex((s) => s.setWeight === weight) + 1].pause.duration);
      expect(ecs.Strategy).toBe('CANARY');
      const first = steps.find((s) => s.setWeight !== undefined)!.setWeight;
      expect(first).toBe(ecs.CanaryConfiguration.CanaryPercent);
      expect(pauseAfter(first)).toBe(ecs.CanaryConfiguration.CanaryBakeTimeInMinutes);
      expect(pauseAfter(100)).toBe(ecs.BakeTimeInMinutes);
    });
  });
});
