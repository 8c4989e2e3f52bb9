import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DeploymentStack } from '../../constructs/aws/deployment-stack';
import { renderStackRunbook } from '../../constructs/aws/synthesize';
import { loadDefinitionFile } from '../../lib/model/load';
import { anchorOf } from '../../lib/runbook/anchors';

/*
 * A DeploymentStack in a user's own app writes its runbook (`runbooks/<stack>.md` in the cloud
 * assembly) on `app.synth()`, with no code of theirs; its alarms link to that file (relative, or its
 * published copy under `runbookBaseUrl`, which production requires for paging).
 */
const definition = loadDefinitionFile(path.join(__dirname, '..', '..', 'examples', 'checkout', 'definition.yaml'));
let outdir: string;
beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-runbook-file-'));
});
afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('app.synth() writes runbooks/<stack>.md, the file every alarm description links to', () => {
  const app = new App({ outdir });
  const stack = new DeploymentStack(app, 'checkout-prod', { definition, environment: 'prod' });
  app.synth();
  const file = path.join(outdir, 'runbooks', 'checkout-prod.md');
  const written = fs.readFileSync(file, 'utf8');
  expect(written).toBe(renderStackRunbook(stack));
  // Production pages, so the definition publishes its runbooks under runbookBaseUrl and the links
  // are absolute: they point at the published copy of this very file (same name), at anchors it has.
  expect(definition.runbookBaseUrl).toBeDefined();
  const base = definition.runbookBaseUrl!.replace(/\/+$/, '');
  const headings = new Set(
    written
      .split('\n')
      .filter((l) => /^#+ /.test(l))
      .map((l) => anchorOf(l.replace(/^#+ /, ''))),
  );
  const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
  const links = Object.values(alarms).map((a) => /Runbook: (\S+)#(\S+)/.exec(String(a.Properties.AlarmDescription)));
  expect(links.length).toBeGreaterThan(0);
  expect(new Set(links.map((l) => l?.[1]))).toEqual(new Set([`${base}/${path.basename(file)}`]));
  for (const l of links) expect(headings).toContain(l![2]);
});

test('inside a stage the runbook lands in that stage assembly, beside the template', () => {
  const app = new App({ outdir });
  const stage = new Stage(app, 'Prod');
  new DeploymentStack(stage, 'checkout-prod', { definition, environment: 'prod' });
  const assembly = app.synth().getNestedAssembly(`assembly-Prod`);
  expect(fs.existsSync(path.join(assembly.directory, 'runbooks', 'checkout-prod.md'))).toBe(true);
  expect(fs.existsSync(path.join(outdir, 'runbooks'))).toBe(false);
});
