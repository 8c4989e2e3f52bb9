import { validateDefinition } from '../../lib/model';
import { physicalNames, type PhysicalName } from '../../lib/plan/deploy-limits';

/**
 * Every physical name the AWS targets give a rich container service in prod, with AWS's documented
 * limit for that kind of resource (each page named in lib/plan/limits.ts) and whether it must be
 * unique in the account and region.
 */
function rich(workload: unknown): any {
  return {
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    runbookBaseUrl: 'https://runbooks.example.com/checkout',
    receivers: {
      critical: { pagerDuty: { integrationKeySecret: 'checkout/{env}/pagerduty' } },
      warning: { slack: { workspaceId: 'T0123', channelId: 'C0123' } },
    },
    workload,
    environments: [{ name: 'prod', rollout: { strategy: 'canary' } }],
    migrations: [{ name: 'add-col', phase: 'expand', command: ['migrate'] }],
    smokeTests: { checks: [{ name: 'health', path: '/healthz' }] },
    featureFlags: [{ name: 'one', description: 'x', enabled: true }],
    secrets: [
      { name: 'db', envVar: 'DB', generate: { rotation: '30d' } },
      { name: 'api', envVar: 'API', existing: { secretName: 'shared/api' } },
    ],
  };
}

const row = (n: PhysicalName) => `${n.what} | ${n.name} | ${n.limit} | ${n.unique === false ? 'shared' : 'unique'} | ${n.field.join('.')}`;
const rowsOf = (workload: unknown, migrations = true) => {
  const d = rich(workload);
  if (!migrations) delete d.migrations;
  return physicalNames(validateDefinition(d)).map(row).sort();
};

test('a container service: stack, logs, alarms, topics, dashboard, pager, chat, ECS, migration, smoke tests, probe, AppConfig, secrets', () => {
  expect(rowsOf({ container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } })).toEqual(
    [
      'CloudFormation stack | checkout-prod | 128 | unique | environments.0.name',
      'log group | /glidepath/checkout/prod | 512 | unique | environments.0.name',
      'CloudWatch alarm | checkout-prod-rollback-error-rate | 255 | unique | environments.0.name',
      'CloudWatch alarm | checkout-prod-critical-error-rate | 255 | unique | environments.0.name',
      'CloudWatch alarm | checkout-prod-critical-latency-p99 | 255 | unique | environments.0.name',
      'CloudWatch alarm | checkout-prod-warning-error-rate | 255 | unique | environments.0.name',
      'CloudWatch alarm | checkout-prod-warning-latency-p95 | 255 | unique | environments.0.name',
      'CloudWatch alarm | checkout-prod-warning-cpu | 255 | unique | environments.0.name',
      'CloudWatch alarm | checkout-prod-warning-memory | 255 | unique | environments.0.name',
      'CloudWatch alarm | checkout-prod-dead-mans-switch | 255 | unique | environments.0.name',
      'SNS topic | checkout-prod-critical | 256 | unique | environments.0.name',
      'SNS topic | checkout-prod-warning | 256 | unique | environments.0.name',
      'CloudWatch dashboard | checkout-prod | 255 | unique | environments.0.name',
      'Lambda function forwarding pages | checkout-prod-pager | 64 | unique | environments.0.name',
      'log group | /aws/lambda/checkout-prod-pager | 512 | unique | environments.0.name',
      'AWS Chatbot configuration of the alert channel | checkout-prod-alerts | 128 | unique | environments.0.name',
      'IAM role of the alert channel | checkout-prod-chat | 64 | unique | environments.0.name',
      'IAM policy guarding the alert channel | checkout-prod-chat-guardrail | 128 | unique | environments.0.name',
      'ECS cluster, service and task family | checkout-prod | 255 | unique | environments.0.name',
      'log group | /ecs/checkout-prod | 512 | unique | environments.0.name',
      'ECS task family of a migration | checkout-prod-migrate-add-col | 255 | unique | migrations.0.name',
      'log group | /ecs/checkout-prod-migrate-add-col | 512 | unique | migrations.0.name',
      'Lambda function running a migration | checkout-prod-migrate-add-col-run | 64 | unique | migrations.0.name',
      'log group | /aws/lambda/checkout-prod-migrate-add-col-run | 512 | unique | migrations.0.name',
      'Lambda function running the smoke tests | checkout-prod-smoke-tests | 64 | unique | environments.0.name',
      'log group | /aws/lambda/checkout-prod-smoke-tests | 512 | unique | environments.0.name',
      "Lambda function probing for the dead-man's switch | checkout-prod-health-probe | 64 | unique | environments.0.name",
      'log group | /aws/lambda/checkout-prod-health-probe | 512 | unique | environments.0.name',
      'AppConfig application | checkout-prod | 64 | unique | environments.0.name',
      'AppConfig environment | prod | 64 | shared | environments.0.name',
      'AppConfig deployment strategy | checkout-prod-release | 64 | unique | environments.0.name',
      'AppConfig deployment strategy | checkout-prod-kill-switch | 64 | unique | environments.0.name',
      'log group | /ecs/checkout-prod/appconfig-agent | 512 | unique | environments.0.name',
      'Secrets Manager secret | checkout/prod/db | 512 | unique | environments.0.name',
      'Secrets Manager secret | shared/api | 512 | shared | secrets.1.existing.secretName',
    ].sort(),
  );
});

test('a function: its own name for the function, CodeDeploy application and the longest deployment config name', () => {
  const rows = rowsOf({ function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' } }, false).filter((r) =>
    /^(Lambda function|CodeDeploy|ECS|log group \| \/ecs|log group \| \/aws\/lambda\/checkout-prod \|)/.test(r),
  );
  expect(rows).toEqual(
    [
      'Lambda function | checkout-prod | 64 | unique | environments.0.name',
      'log group | /aws/lambda/checkout-prod | 512 | unique | environments.0.name',
      'CodeDeploy application and deployment group | checkout-prod | 100 | unique | environments.0.name',
      'CodeDeploy deployment config | checkout-prod-linear-100pct-every-1440m | 100 | unique | environments.0.name',
      'Lambda function forwarding pages | checkout-prod-pager | 64 | unique | environments.0.name',
      'Lambda function running the smoke tests | checkout-prod-smoke-tests | 64 | unique | environments.0.name',
      "Lambda function probing for the dead-man's switch | checkout-prod-health-probe | 64 | unique | environments.0.name",
    ].sort(),
  );
});
