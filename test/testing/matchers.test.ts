import { App, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ApiObject, App as K8sApp, Chart } from 'cdk8s';
import { synthesizeKubernetes } from '../../constructs/k8s';
import { registerGlidepathMatchers, snapshotOf, toShiftTraffic } from '../../constructs/testing';
import { defineService, loadDefinitionFile, RolloutStrategy } from '../../lib/model';
import { SETTINGS, shopStack } from './fixtures';

registerGlidepathMatchers();

const storefront = loadDefinitionFile(`${__dirname}/../../examples/storefront-web/definition.yaml`);
/** The standard five canary stages: 0% → 5% → 25% → 50% → 100%. */
const canary = defineService({
  service: 'shop',
  owners: { team: 'web', primary: '@ana', backup: '@ben', channel: '#shop-releases' },
  receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
  workload: { container: { image: 'ghcr.io/acme/shop:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
  environments: [
    {
      name: 'prod',
      region: 'eu-west-1',
      tls: { certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc' },
      rollout: { strategy: RolloutStrategy.CANARY },
    },
  ],
});

/** The failure message jest prints for `assertion`. */
function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the assertion passed');
}

/** A stack that does everything the matchers look for wrong. */
function carelessStack(): Stack {
  const stack = new Stack(new App(), 'Careless');
  const topic = new sns.Topic(stack, 'Topic', { topicName: 'careless' });
  const alarm = new cloudwatch.Alarm(stack, 'Errors', {
    alarmName: 'careless-errors',
    metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Errors' }),
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction({ bind: () => ({ alarmActionArn: topic.topicArn }) });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => 1;'),
    environment: { API_TOKEN: 'tok-123-do-not-print', LOG_LEVEL: 'info' },
  });
  new codedeploy.LambdaDeploymentGroup(stack, 'Deploy', {
    alias: new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion }),
    deploymentConfig: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  });
  new secretsmanager.Secret(stack, 'Pasted', { secretStringValue: cdkUnsafe('hunter2-do-not-print') });
  return stack;
}

function cdkUnsafe(value: string) {
  return (require('aws-cdk-lib') as typeof import('aws-cdk-lib')).SecretValue.unsafePlainText(value);
}

/** A chart written by hand: a plain Deployment, an Argo canary without analysis, a Secret with data. */
function carelessChart(): Chart {
  const chart = new Chart(new K8sApp(), 'careless');
  new ApiObject(chart, 'rollout', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web' },
    spec: {
      strategy: { canary: { steps: [{ setWeight: 20 }, { pause: { duration: '1m' } }] } },
      template: { spec: { containers: [{ name: 'app', env: [{ name: 'DB_PASSWORD', value: 'pw-do-not-print' }] }] } },
    },
  });
  new ApiObject(chart, 'secret', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db' },
    stringData: { password: 'pw-do-not-print' },
  });
  new ApiObject(chart, 'rule', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'web' },
    spec: { groups: [{ name: 'web', rules: [{ alert: 'HighErrors', expr: 'rate(errors[5m]) > 1' }] }] },
  });
  return chart;
}

describe('glidepath matchers', () => {
  let shop: Stack;
  let careless: Stack;
  let storefrontProd: Chart;
  beforeAll(() => {
    shop = shopStack();
    careless = carelessStack();
    storefrontProd = synthesizeKubernetes(storefront, 'prod').chart;
  });

  describe('toRollBackOnAlarm', () => {
    test('passes for an ECS service with deployment alarms and an Argo Rollout with analysis', () => {
      expect(shop).toRollBackOnAlarm();
      expect(storefrontProd).toRollBackOnAlarm();
    });

    test('fails naming each deployment that would not roll back, and why', () => {
      expect(failureOf(() => expect(careless).toRollBackOnAlarm())).toBe(
        [
          'expect(stack "Careless").toRollBackOnAlarm()',
          '',
          'Expected it to roll every deployment back on alarm, but:',
          '  - CodeDeploy deployment group Deploy7B206E61 watches no alarms (AlarmConfiguration is not enabled with at least one alarm)',
        ].join('\n'),
      );
      expect(failureOf(() => expect(carelessChart()).toRollBackOnAlarm())).toContain(
        '  - Rollout "web" runs no analysis, so nothing aborts a bad rollout: add an AnalysisTemplate (RollbackAnalysis)',
      );
      const rolling = shopStack({ deployment: SETTINGS.rolling });
      expect(rolling).toRollBackOnAlarm();
    });

    test('.not lists what does roll back', () => {
      expect(failureOf(() => expect(shop).not.toRollBackOnAlarm())).toMatch(
        /^expect\(stack "Shop"\)\.not\.toRollBackOnAlarm\(\)\n\nExpected it not to roll every deployment back on alarm, but:\n {2}- ECS service "shop-web" rolls back on Ref AlarmsrollbackerrorrateA5101527, Ref AlarmscriticalerrorrateE1F423FE, Ref Alarmscriticallatencyp99EB3C8567$/,
      );
    });

    test('fails on something that is not a stack, chart or snapshot', () => {
      expect(failureOf(() => expect(new Map()).toRollBackOnAlarm())).toBe(
        'toRollBackOnAlarm(): expected an aws-cdk-lib Stack, a cdk8s Chart or a snapshotOf() result; got an object of class Map',
      );
      const topicOnly = new Stack(new App(), 'TopicOnly');
      new sns.Topic(topicOnly, 'Topic');
      expect(failureOf(() => expect(topicOnly).toRollBackOnAlarm())).toContain(
        '  - there is no deployment to check: no AWS::ECS::Service, AWS::CodeDeploy::DeploymentGroup or Argo Rollout',
      );
    });
  });

  describe('toHaveDeadMansSwitch', () => {
    test('passes for a CloudWatch alarm that treats missing data as breaching, and for a Prometheus absent() alert', () => {
      expect(shop).toHaveDeadMansSwitch();
      expect(storefrontProd).toHaveDeadMansSwitch();
    });

    test('fails listing every alarm and alert with why it does not catch silence', () => {
      expect(failureOf(() => expect(careless).toHaveDeadMansSwitch())).toBe(
        [
          'expect(stack "Careless").toHaveDeadMansSwitch()',
          '',
          "Expected it to have a dead-man's switch (an alarm that fires when data stops), but:",
          '  - none of the 1 alarms and alerts fires on silence:',
          '    alarm "careless-errors": TreatMissingData notBreaching, 1 alarm action(s)',
        ].join('\n'),
      );
      expect(failureOf(() => expect(carelessChart()).toHaveDeadMansSwitch())).toContain(
        '    alert HighErrors in PrometheusRule "web" does not use absent() or absent_over_time()',
      );
    });

    test('.not names the switch it found', () => {
      expect(failureOf(() => expect(shop).not.toHaveDeadMansSwitch())).toContain(
        '  - alarm "shop-web-dead-mans-switch" treats missing data as breaching and notifies Ref AlertsCritical',
      );
    });
  });

  describe('toShiftTraffic', () => {
    test('passes with the weights the platform really runs', () => {
      expect(shop).toShiftTraffic([5, 100]);
      expect(shopStack({ deployment: SETTINGS.linear25 })).toShiftTraffic([25, 50, 75, 100]);
      expect(storefrontProd).toShiftTraffic([5, 20, 50, 100]);
      expect(synthesizeKubernetes(canary, 'prod').chart).toShiftTraffic([5, 25, 50, 100]);
      expect(careless).toShiftTraffic([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    });

    test('fails showing the schedule that will run', () => {
      expect(failureOf(() => expect(shop).toShiftTraffic([5, 25, 50, 100]))).toBe(
        [
          'expect(stack "Shop").toShiftTraffic()',
          '',
          'Expected it to shift traffic 5% → 25% → 50% → 100%, but:',
          '  - ECS service "shop-web" shifts 5% → 100% (CANARY)',
        ].join('\n'),
      );
      expect(failureOf(() => expect(shopStack({ deployment: SETTINGS.rolling })).toShiftTraffic([100]))).toContain(
        '  - ECS service "shop-web" does not shift traffic (ROLLING (replaces tasks; no traffic shifting))',
      );
      expect(failureOf(() => expect(carelessChart()).toShiftTraffic([5, 100]))).toContain(
        '  - Rollout "web" shifts 20% → 100% (Argo Rollouts canary)',
      );
    });

    test('fails for every deployment that runs another schedule: ECS runs one canary step of the standard stages', () => {
      expect(failureOf(() => expect(snapshotOf(canary)).toShiftTraffic([5, 25, 50, 100]))).toBe(
        [
          'expect(the snapshot).toShiftTraffic()',
          '',
          'Expected it to shift traffic 5% → 25% → 50% → 100%, but:',
          '  - ECS service "shop-prod" shifts 5% → 100% (CANARY)',
          '',
          'These are fine:',
          '  - Rollout "shop" shifts 5% → 25% → 50% → 100% (Argo Rollouts canary)',
        ].join('\n'),
      );
    });

    test('called directly, returns pass and a lazy message', () => {
      const result = toShiftTraffic.call({}, careless, [50, 100]);
      expect(result.pass).toBe(false);
      expect(result.message()).toContain('CodeDeployDefault.LambdaLinear10PercentEvery1Minute');
    });
  });

  describe('toKeepSecretsOutOfPlainText', () => {
    test('passes when secrets are generated or referenced', () => {
      expect(shop).toKeepSecretsOutOfPlainText();
      expect(storefrontProd).toKeepSecretsOutOfPlainText();
      expect(snapshotOf(storefront, { environments: ['prod'] })).toKeepSecretsOutOfPlainText();
    });

    test('fails naming where each secret leaks, never the value', () => {
      const message = failureOf(() => expect(careless).toKeepSecretsOutOfPlainText());
      expect(message).toBe(
        [
          'expect(stack "Careless").toKeepSecretsOutOfPlainText()',
          '',
          'Expected it to keep secrets out of plain text, but:',
          '  - Fn9270CBC0 (AWS::Lambda::Function) Properties.Environment.Variables.API_TOKEN holds a literal value; read it from Secrets Manager at runtime',
          '  - Pasted0CB62735 (AWS::SecretsManager::Secret) Properties.SecretString holds a literal value; generate it or use a {{resolve:secretsmanager:…}} reference',
        ].join('\n'),
      );
      const chartMessage = failureOf(() => expect(carelessChart()).toKeepSecretsOutOfPlainText());
      expect(chartMessage).toContain(
        '  - Rollout "web" spec.template.spec.containers[0]: environment variable DB_PASSWORD holds a literal value; use valueFrom.secretKeyRef',
      );
      expect(chartMessage).toContain('  - Secret "db" carries its values in the manifest; use an ExternalSecret (ExternalSecrets) instead');
      expect(message + chartMessage).not.toMatch(/do-not-print/);
    });

    test("an ECS container's literal credential points at the construct's own secrets prop", () => {
      const template = {
        Resources: {
          Task: {
            Type: 'AWS::ECS::TaskDefinition',
            Properties: { ContainerDefinitions: [{ Name: 'web', Environment: [{ Name: 'DB_PASSWORD', Value: 'do-not-print' }] }] },
          },
        },
      };
      const message = failureOf(() => expect({ templates: { shop: template } }).toKeepSecretsOutOfPlainText());
      expect(message).toContain(
        `Task (AWS::ECS::TaskDefinition) Properties.ContainerDefinitions[0].Environment[0]: environment variable DB_PASSWORD holds a literal value; pass it in the construct's "secrets" prop`,
      );
      expect(message).not.toMatch(/do-not-print/);
    });
  });
});
