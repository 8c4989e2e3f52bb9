import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addDeploymentStacks, renderStackRunbook } from '../../constructs/aws/synthesize';
import { loadDefinitionFile } from '../../lib/model/load';

interface Violation {
  readonly ruleName: string;
  readonly violatingResources: readonly { readonly resourceLogicalId: string; readonly templatePath: string }[];
}

/** Synthesizes an app with cdk-nag's AwsSolutions pack and returns the findings that were not acknowledged. */
function nagFindings(build: (app: App) => void): Violation[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-nag-'));
  try {
    const app = new App({ outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    build(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    return (report.pluginReports ?? []).flatMap((r: { violations?: Violation[] }) => r.violations ?? []);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('cdk-nag AwsSolutions over the example apps', () => {
  test.each(['examples/checkout/definition.yaml', 'examples/payments-api/definition.ts'])(
    '%s has zero unacknowledged findings',
    (example) => {
      const findings = nagFindings((app) => addDeploymentStacks(app, loadDefinitionFile(example)));
      expect(findings.map((f) => `${f.ruleName} ${f.violatingResources.map((r) => r.resourceLogicalId).join(',')}`)).toEqual([]);
    },
  );

  test('the check can fail: a topic that allows publishing without TLS is reported', () => {
    const findings = nagFindings((app) => new sns.Topic(new Stack(app, 'Plain'), 'Topic'));
    expect(findings.map((f) => f.ruleName)).toContain('AwsSolutions-SNS3');
  });

  test('every acknowledgement carries a reason and is listed in the runbook under accepted risks', () => {
    const app = new App();
    const [prod] = addDeploymentStacks(app, loadDefinitionFile('examples/checkout/definition.yaml'), ['prod']);
    const markdown = renderStackRunbook(prod);
    const section = markdown.slice(markdown.indexOf('## Accepted risks'));
    for (const rule of ['AwsSolutions-ECS2', 'AwsSolutions-EC23', 'AwsSolutions-S1', 'AwsSolutions-IAM5[Resource::*]']) {
      expect(section).toContain(`| ${rule} |`);
    }
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Rule') && !l.startsWith('| ---'));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const row of rows) {
      const reason = row.split(' | ')[2] ?? '';
      expect(reason.replace(/\|/g, '').trim().length).toBeGreaterThan(20);
    }
  });
});
