import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AlarmSet } from '../../constructs/aws/alarm-set';
import { DeadMansSwitch } from '../../constructs/aws/dead-mans-switch';
import { kubernetesArtifacts } from '../../bin/artifacts';
import { synthesizeAws } from '../../constructs/aws/synthesize';
import { resolveAlarmPolicy } from '../../lib/model/alarm-policy';
import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { loadDefinitionFile } from '../../lib/model/load';
import { validateDefinition } from '../../lib/model/validate';
import { collectRunbookFacts } from '../../lib/runbook/facts';
import { mergeFacts } from '../../lib/runbook/merge';
import { GENERATED_MARKER, renderRunbook } from '../../lib/runbook/render';

function metric(name: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'Acme', metricName: name, dimensionsMap: { Service: 'orders' } });
}

describe('a runbook from a construct tree the user composed by hand', () => {
  const app = new App();
  const stack = new Stack(app, 'OrdersStack', { env: { region: 'eu-west-1' } });
  const critical = sns.Topic.fromTopicArn(stack, 'Critical', 'arn:aws:sns:eu-west-1:111122223333:orders-pager');
  const warning = sns.Topic.fromTopicArn(stack, 'Warning', 'arn:aws:sns:eu-west-1:111122223333:orders-chat');
  new AlarmSet(stack, 'Alarms', {
    namePrefix: 'orders',
    policy: resolveAlarmPolicy(),
    signals: {
      errorRatePercent: metric('ErrorRate'),
      latencyP99Ms: metric('LatencyP99'),
      latencyP95Ms: metric('LatencyP95'),
      requests: metric('Requests'),
      heartbeat: metric('Requests'),
      source: 'Acme metrics of orders',
    },
    criticalTopic: critical,
    warningTopic: warning,
  });
  new DeadMansSwitch(stack, 'Heartbeat', {
    alarmName: 'orders-heartbeat',
    heartbeat: metric('Heartbeat'),
    heartbeatDescription: 'Acme/Heartbeat',
    topic: critical,
  });
  const markdown = renderRunbook(collectRunbookFacts(stack), { title: 'Runbook: orders' });

  test('has the generated marker and the fallback title', () => {
    expect(markdown.startsWith(`${GENERATED_MARKER}\n\n# Runbook: orders\n`)).toBe(true);
  });

  test('lists every alarm with its route, and a section for each', () => {
    for (const name of ['orders-critical-error-rate', 'orders-warning-latency-p95', 'orders-heartbeat']) {
      expect(markdown).toContain(`[${name}](#${name})`);
      expect(markdown).toContain(`\n### ${name}\n`);
    }
    expect(markdown).toContain('| orders-pager |');
    expect(markdown).toContain('| orders-chat |');
    expect(markdown).toContain('breaching (this alarm exists to catch silence)');
  });

  test('is deterministic', () => {
    expect(renderRunbook(collectRunbookFacts(stack), { title: 'Runbook: orders' })).toBe(markdown);
  });

  test('claims only what is wired: no deployment alarm, so nothing rolls back by itself', () => {
    expect(markdown).toContain('No alarm is wired to roll a deployment back by itself: every rollback is by hand.');
    expect(markdown).toContain('(rollback trigger, not wired to any deployment here)');
    expect(markdown).not.toContain('rolls an in-flight deployment back by itself');
    expect(markdown).not.toContain('automatic rollback to the previous version');
    expect(markdown).not.toContain('see the automatic behaviour');
    // No schedule was described: the diagram does not invent one.
    expect(markdown).toContain('rollout (schedule not described)');
    expect(markdown).not.toContain('replace instances (no traffic split)');
  });

  test('starts with the triage section: dead-man first, one row per alarm, commands with the region', () => {
    const triage = markdown.slice(
      markdown.indexOf('## Paged? Start here'),
      markdown.indexOf('\n## ', markdown.indexOf('## Paged? Start here') + 5),
    );
    expect(markdown.indexOf('## Paged? Start here')).toBeLessThan(markdown.indexOf('## Phase 1'));
    expect(triage).toContain("start with the dead-man's switch [orders-heartbeat](#orders-heartbeat)");
    expect(triage).toContain('| [orders-critical-error-rate](#orders-critical-error-rate) |');
    expect(triage).toContain('--region eu-west-1`');
  });
});

describe('mergeFacts', () => {
  test('combines rollback levels contributed by several constructs', () => {
    const merged = mergeFacts([
      { rollback: [{ level: 2, title: 'Configuration', when: '', commands: [], verify: [] }] },
      {
        rollback: [
          {
            level: 2,
            title: 'Previous revision',
            when: 'No flag covers it.',
            commands: [{ description: 'Roll back', command: 'echo back' }],
            verify: [],
          },
          { level: 1, title: 'Flag', when: 'Behind a flag.', commands: [], verify: [] },
        ],
      },
    ]);
    expect(merged.rollback.map((l) => [l.level, l.title, l.when, l.commands.length])).toEqual([
      [1, 'Flag', 'Behind a flag.', 0],
      [2, 'Previous revision', 'No flag covers it.', 1],
    ]);
  });
});

describe('example runbooks', () => {
  const checkout = synthesizeAws(loadDefinitionFile('examples/checkout/definition.yaml'), ['prod', 'staging']);
  const payments = synthesizeAws(loadDefinitionFile('examples/payments-api/definition.ts'), ['prod']);

  test('checkout-prod: owners, approval, the blue/green schedule that will run, and the rollback ladder', () => {
    const md = checkout.runbooks['checkout-prod.md'];
    expect(md).toContain('| Rollback decision | @maria.silva (primary), @kenji.tanaka (backup) |');
    expect(md).toContain('| Human approval before deploy | required |');
    expect(md).toContain('| full | 100% | 30m |');
    expect(md).toContain('### Level 1: Turn the feature flag off (budget 2m)');
    expect(md).toContain('### Level 2: Configuration: the revision the bad release replaced (budget 18m)');
    expect(md).toContain('Time bound: **2m20s**');
    expect(md).toContain('aws ecs stop-service-deployment --service-deployment-arn "$DEPLOYMENT_ARN" --stop-type ROLLBACK');
    expect(md).toContain('| `checkout/prod/session-signing-key` | `SESSION_SIGNING_KEY` | every 30 days (generated) |');
  });

  test('checkout-staging with a 5-minute canary: the level-2 bound is over budget, in the runbook and as a warning', () => {
    const raw = parseYaml(fs.readFileSync('examples/checkout/definition.yaml', 'utf8'));
    raw.environments[1].rollout.stages[1].bake = '5m';
    // The example's budget (18m) covers its 15m canary; this one keeps the 5m a fast rollback needs.
    raw.rollbackBudgets.configuration = '5m';
    const slow = synthesizeAws(validateDefinition(raw), ['staging']);
    const md = slow.runbooks['checkout-staging.md'];
    expect(md).toContain('| canary | 10% | 5m |');
    expect(md).toContain('Time bound: **7m20s**');
    expect(md).toContain('**over the 5m budget**');
    expect(slow.warnings).toContain(
      "checkout-staging: rollback level 2 (redeploy the previous version) takes up to 7m20s with this configuration, over its 5m budget (start and health-check new tasks (allowance 1m + 2 × 10s) 1m20s + bake of the steps before 100% traffic 5m + shift traffic 1m); shorten the bake times before 100% traffic or raise the budget (the runbook's rollback ladder has the steps)",
    );
    expect(checkout.runbooks['checkout-staging.md']).toContain('Time bound: **17m20s**');
    expect(checkout.warnings).toEqual([]);
  });

  test('payments-api-prod: the CodeDeploy canary and the alias rollback', () => {
    const md = payments.runbooks['payments-api-prod.md'];
    expect(md).toContain('| canary | 20% | 30m |');
    expect(md).toContain('aws lambda update-alias --function-name payments-api-prod --name live');
    expect(md).toMatch(/Time bound: \*\*10s\*\*/);
  });

  test('golden runbooks (reviewed like code)', () => {
    expect(checkout.runbooks['checkout-prod.md']).toMatchSnapshot('checkout-prod.md');
    expect(payments.runbooks['payments-api-prod.md']).toMatchSnapshot('payments-api-prod.md');
    const storefront = loadDefinitionFile('examples/storefront-web/definition.yaml');
    expect(kubernetesArtifacts(storefront, ['prod']).files['runbooks/storefront-web-prod.k8s.md']).toMatchSnapshot(
      'storefront-web-prod.k8s.md',
    );
  });
});
