import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DeploymentSafetyChecks } from '../../constructs/aws/deployment-safety-checks';
import { addDeploymentStacks, synthesizeAws } from '../../constructs/aws/synthesize';
import { loadDefinitionFile } from '../../lib/model/load';

function report(build: (app: App) => void): { success: boolean; rules: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-safety-'));
  try {
    const app = new App({ outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    build(app);
    Validations.of(app).addPlugins(new DeploymentSafetyChecks());
    app.synth();
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const plugin = (json.pluginReports ?? []).find((r: { pluginName: string }) => r.pluginName === 'glidepath-deployment-safety');
    // A plugin without violations may be left out of the report.
    return plugin
      ? { success: plugin.conclusion === 'success', rules: plugin.violations.map((v: { ruleName: string }) => v.ruleName) }
      : { success: true, rules: [] };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('DeploymentSafetyChecks (validation plugin)', () => {
  test.each(['examples/checkout/definition.yaml', 'examples/payments-api/definition.ts'])('the stacks of %s pass', (example) => {
    expect(report((app) => addDeploymentStacks(app, loadDefinitionFile(example)))).toEqual({ success: true, rules: [] });
  });

  test('validate() judges each example template directly: every rule runs and passes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-safety-direct-'));
    try {
      const { templates } = synthesizeAws(loadDefinitionFile('examples/checkout/definition.yaml'));
      const templatePaths = Object.entries(templates).map(([name, text]) => {
        fs.writeFileSync(path.join(dir, name), text);
        return path.join(dir, name);
      });
      const plugin = new DeploymentSafetyChecks();
      expect(plugin.ruleIds).toEqual(['GP-ALARM1', 'GP-DEPLOY1', 'GP-ALARM2', 'GP-SEC2']);
      expect(plugin.validate({ templatePaths, stackTemplates: [], appConstruct: new App() })).toEqual({ violations: [], success: true });
      // The same templates with the service's rollback removed fail GP-DEPLOY1.
      const prod = JSON.parse(templates['checkout-prod.template.json']);
      for (const r of Object.values(prod.Resources as Record<string, { Type: string; Properties: { DeploymentConfiguration?: object } }>)) {
        if (r.Type === 'AWS::ECS::Service') r.Properties.DeploymentConfiguration = {};
      }
      fs.writeFileSync(path.join(dir, 'broken.template.json'), JSON.stringify(prod));
      const broken = plugin.validate({
        templatePaths: [path.join(dir, 'broken.template.json')],
        stackTemplates: [],
        appConstruct: new App(),
      });
      expect(broken.success).toBe(false);
      expect(broken.violations.map((v) => v.ruleName)).toEqual(['GP-DEPLOY1']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("fails an alarm nobody hears in a user's own stack", () => {
    const result = report((app) => {
      const stack = new Stack(app, 'Theirs');
      new cloudwatch.Alarm(stack, 'Quiet', {
        metric: new cloudwatch.Metric({ namespace: 'Acme', metricName: 'Errors' }),
        threshold: 1,
        evaluationPeriods: 1,
      });
    });
    expect(result).toEqual({ success: false, rules: ['GP-ALARM1'] });
  });

  test('the suggested fix says what to do, not the problem again', () => {
    const stack = new Stack(new App(), 'Theirs');
    new cloudwatch.Alarm(stack, 'Quiet', {
      metric: new cloudwatch.Metric({ namespace: 'Acme', metricName: 'Errors' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-safety-fix-'));
    try {
      const file = path.join(dir, 'Theirs.template.json');
      fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
      const [violation] = new DeploymentSafetyChecks().validate({
        templatePaths: [file],
        stackTemplates: [],
        appConstruct: new App(),
      }).violations;
      expect(violation.ruleName).toBe('GP-ALARM1');
      expect(violation.fix).toBe('add a topic (critical pages, warnings notify)');
      expect(violation.description).toMatch(/has no AlarmActions: nobody hears it$/);
      expect(violation.description).not.toContain(violation.fix);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
