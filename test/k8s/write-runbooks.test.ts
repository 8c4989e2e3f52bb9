import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { DeploymentChart, writeRunbooks } from '../../constructs/k8s';
import { kubernetesTarget } from '../../constructs/k8s/target';
import { loadDefinitionFile } from '../../lib/model';
import { anchorOf } from '../../lib/runbook/anchors';
import type { Manifest } from './helpers';

/*
 * A DeploymentChart in a user's own cdk8s app (as the README's Kubernetes section writes it):
 * `writeRunbooks(app)` after `app.synth()` puts each runbook where the chart's alerts link.
 */
const STOREFRONT = path.join(__dirname, '..', '..', 'examples', 'storefront-web', 'definition.yaml');

let outdir: string;
beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-write-runbooks-'));
});
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('writeRunbooks', () => {
  test('every runbook_url of every chart resolves, from the output directory, to a heading of a written runbook', () => {
    // No runbookBaseUrl: the links are relative, as a user starting out has them.
    const definition = { ...loadDefinitionFile(STOREFRONT), runbookBaseUrl: undefined };
    const app = new App({ outdir });
    for (const env of definition.environments) {
      new DeploymentChart(app, `${definition.service}-${env.name}`, { definition, environment: env.name });
    }
    app.synth();
    const written = writeRunbooks(app).map((f) => path.relative(outdir, f));
    expect(written).toEqual([
      'runbooks/storefront-web-dev.k8s.md',
      'runbooks/storefront-web-staging.k8s.md',
      'runbooks/storefront-web-prod.k8s.md',
    ]);

    const links = fs
      .readdirSync(outdir)
      .filter((f) => f.endsWith('.k8s.yaml'))
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJS() as Manifest))
      .filter((m) => m.kind === 'PrometheusRule')
      .flatMap((m) => m.spec.groups.flatMap((g: { rules: { annotations?: Record<string, string> }[] }) => g.rules))
      .map((r: { annotations?: Record<string, string> }) => r.annotations?.runbook_url)
      .filter((u: string | undefined): u is string => u !== undefined);
    expect(links.length).toBeGreaterThan(20);
    for (const link of links) {
      const [file, anchor] = link.split('#');
      const target = path.join(outdir, file);
      expect(fs.existsSync(target)).toBe(true);
      const headings = [...fs.readFileSync(target, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map(([, text]) => anchorOf(text));
      expect(headings).toContain(anchor);
    }
  });

  test('the runbook is the one glidepath synth --target k8s writes', () => {
    const definition = loadDefinitionFile(STOREFRONT);
    const dir = fs.mkdtempSync(path.join(outdir, 'same-'));
    const app = new App({ outdir: dir });
    new DeploymentChart(app, 'storefront-web-prod', { definition, environment: 'prod' });
    app.synth();
    const [file] = writeRunbooks(app);
    const cli = kubernetesTarget.synthesize(definition, ['prod']).files['runbooks/storefront-web-prod.k8s.md'];
    expect(fs.readFileSync(file, 'utf8')).toBe(cli);
  });

  test('an app without a DeploymentChart writes nothing', () => {
    const dir = fs.mkdtempSync(path.join(outdir, 'empty-'));
    const app = new App({ outdir: dir });
    app.synth();
    expect(writeRunbooks(app)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'runbooks'))).toBe(false);
  });
});
