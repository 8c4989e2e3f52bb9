import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { explainEnd, scaled } from '../support/budget';

/** The README's quick start, as a new user runs it: `npx cdk synth`, offline, no credentials. */
describe('quick start: npx cdk synth', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-quick-start-'));
  let result: ReturnType<typeof spawnSync>;
  const limit = scaled(180_000);
  beforeAll(() => {
    const env: NodeJS.ProcessEnv = { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' };
    result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir], { encoding: 'utf8', env, timeout: limit });
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('succeeds without warnings or notices about unconfigured feature flags', () => {
    expect({ status: result.status, stderr: result.stderr, stopped: explainEnd(result, 180_000, limit) }).toMatchObject({ status: 0 });
    expect(result.stderr).not.toMatch(/feature flags? (are|is) not configured/i);
    expect(result.stderr).not.toMatch(/WARNING/);
    expect(result.stderr).not.toMatch(/NOTICES/);
  });

  test('prints what it wrote where, in a few lines, and nothing else (no notes twice, no library source lines)', () => {
    const lines = String(result.stderr).trimEnd().split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'glidepath: 6 stacks (cdk-nag and deployment-safety checks passed)',
      `  runbooks           ${outdir}/runbooks/ (12)`,
      `  Kubernetes         ${outdir}/k8s/ (6 manifests)`,
      `  GitHub workflows   ${outdir}/workflows/ (1)`,
      `  smoke-test configs ${outdir}/smoke-tests/`,
    ]);
    // Then only cdk's own "Successfully synthesized to …" (and, without --quiet, how to show a template).
    expect(lines.length).toBeLessThanOrEqual(7);
    expect(result.stderr).not.toMatch(/Acknowledge with|constructs\/aws\/|INFO/);
  });

  test('writes every stack template, runbook, workflow and Kubernetes manifest', () => {
    const templates = fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
    expect(templates.sort()).toEqual([
      'checkout-dev.template.json',
      'checkout-pipeline.template.json',
      'checkout-prod.template.json',
      'checkout-staging.template.json',
      'payments-api-prod.template.json',
      'payments-api-staging.template.json',
    ]);
    expect(fs.readdirSync(path.join(outdir, 'runbooks')).sort()).toEqual([
      'checkout-dev.k8s.md',
      'checkout-dev.md',
      'checkout-pipeline.md',
      'checkout-prod.k8s.md',
      'checkout-prod.md',
      'checkout-staging.k8s.md',
      'checkout-staging.md',
      'payments-api-prod.md',
      'payments-api-staging.md',
      'storefront-web-dev.k8s.md',
      'storefront-web-prod.k8s.md',
      'storefront-web-staging.k8s.md',
    ]);
    expect(fs.readdirSync(path.join(outdir, 'workflows'))).toEqual(['checkout.yml']);
    expect(fs.readdirSync(path.join(outdir, 'k8s')).sort()).toEqual([
      'checkout-dev.k8s.yaml',
      'checkout-prod.k8s.yaml',
      'checkout-staging.k8s.yaml',
      'storefront-web-dev.k8s.yaml',
      'storefront-web-prod.k8s.yaml',
      'storefront-web-staging.k8s.yaml',
    ]);
  });
});
