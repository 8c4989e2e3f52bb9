import { exampleAws } from '../support/example-outputs';

/**
 * One small golden summary per example stack: every resource (logical id → type) and the
 * properties that decide how a release behaves (ECS deployment, CodeDeploy group and config,
 * alarms). Full templates are too large to review; the behaviour is asserted field by field in
 * the other test files, and this snapshot shows at a glance what a change moved.
 */

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** Asset and version hashes change with unrelated edits (CDK version, handler code). */
function normalize<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value)
      .replace(/[0-9a-f]{32,}/g, '<hash>')
      .replace(/(Version)[0-9A-F]{8}<hash>/g, '$1<hash>'),
  );
}

function pick(properties: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => properties?.[k] !== undefined).map((k) => [k, properties![k]]));
}

function summarize(template: { Resources: Record<string, CfnResource> }) {
  const resources = Object.entries(template.Resources).sort(([a], [b]) => a.localeCompare(b));
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  return normalize({
    resources: Object.fromEntries(resources.map(([id, r]) => [id, r.Type])),
    ecsService: ofType('AWS::ECS::Service').map(([, r]) =>
      pick(r.Properties, ['ServiceName', 'DesiredCount', 'DeploymentConfiguration', 'LoadBalancers']),
    ),
    codeDeploy: [
      ...ofType('AWS::CodeDeploy::DeploymentConfig').map(([, r]) => pick(r.Properties, ['DeploymentConfigName', 'TrafficRoutingConfig'])),
      ...ofType('AWS::CodeDeploy::DeploymentGroup').map(([, r]) =>
        pick(r.Properties, ['DeploymentGroupName', 'AutoRollbackConfiguration', 'AlarmConfiguration']),
      ),
    ],
    alarms: ofType('AWS::CloudWatch::Alarm').map(([, r]) => {
      const p = r.Properties ?? {};
      const condition = `${p.ComparisonOperator} ${p.Threshold}, ${p.DatapointsToAlarm} of ${p.EvaluationPeriods}, missing data ${p.TreatMissingData}`;
      return `${p.AlarmName}: ${condition} → ${JSON.stringify(p.AlarmActions)}`;
    }),
  });
}

describe('example stacks (summary snapshots)', () => {
  const templates: Record<string, { Resources: Record<string, CfnResource> }> = {};
  beforeAll(() => {
    for (const example of ['checkout', 'payments-api'] as const) {
      for (const [name, text] of Object.entries(exampleAws(example).templates)) {
        templates[name.replace(/\.template\.json$/, '')] = JSON.parse(text);
      }
    }
  });

  test.each(['checkout-dev', 'checkout-staging', 'checkout-prod', 'payments-api-staging', 'payments-api-prod'])('%s', (stack) => {
    expect(summarize(templates[stack])).toMatchSnapshot();
  });
});
