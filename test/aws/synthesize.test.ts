import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { addDeploymentStacks, renderStackRunbook, synthesizeAws } from '../../constructs/aws/synthesize';
import { defineService, RolloutStrategy } from '../../lib/model';

const definition = defineService({
  service: 'orders',
  owners: { team: 'commerce', primary: '@ana', backup: '@ben', channel: '#orders' },
  receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
  workload: { container: { image: 'public.ecr.aws/acme/orders:2.0.0', port: 8080, healthCheckPath: '/healthz' } },
  environments: [
    { name: 'dev', region: 'eu-west-1', rollout: { strategy: RolloutStrategy.ROLLING } },
    // The standard five-stage canary: ECS runs one canary step, so synthesis warns.
    {
      name: 'prod',
      region: 'eu-west-1',
      tls: { certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc' },
      rollout: { strategy: RolloutStrategy.CANARY },
    },
  ],
});

describe('synthesizeAws', () => {
  // A private temp dir, so other runs sharing the system one cannot confuse the clean-up check.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-test-'));
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  let artifacts: ReturnType<typeof synthesizeAws>;
  try {
    artifacts = synthesizeAws(definition);
  } finally {
    if (previousTmp === undefined) {
      delete process.env.TMPDIR;
    } else {
      process.env.TMPDIR = previousTmp;
    }
  }
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('returns one template and one runbook per environment, by file name', () => {
    expect(Object.keys(artifacts.templates)).toEqual(['orders-dev.template.json', 'orders-prod.template.json']);
    expect(Object.keys(artifacts.runbooks).sort()).toEqual(['orders-dev.md', 'orders-prod.md']);
    expect(JSON.parse(artifacts.templates['orders-prod.template.json']).Resources).toBeDefined();
    expect(artifacts.templates['orders-prod.template.json'].endsWith('\n')).toBe(true);
  });

  test('collects the warnings without the acknowledgement suffix', () => {
    // The detection check's findings (the definition declares no traffic) come in their own order.
    const detection = [
      /^orders-prod: traffic is not declared; the detection check assumes 50 requests a second at peak and 5 at the quietest \(the production default\); declare environments\[\d+\]\.traffic$/,
      /^orders-prod: step "canary" \(.*\) catches .* before it ends with .* probability at the quietest declared traffic of 5/,
      /^orders-prod: step "full" \(.*\) catches .* before it ends with .* probability at the quietest declared traffic of 5/,
      // The default 2-of-2 alarm: a 30-second burst across a minute's end breaches both periods.
      /^orders-prod: a healthy release is rolled back with \d+% probability when every request fails for 30 seconds once during the release \(the limit is 1%\)/,
    ];
    for (const pattern of detection) expect(artifacts.warnings).toContainEqual(expect.stringMatching(pattern));
    expect(artifacts.warnings.filter((w) => !detection.some((p) => p.test(w)))).toEqual([
      // No smoke tests: nothing fails a canary whose tasks crash before taking traffic.
      'orders-prod: ECS has no circuit breaker for canary deployments, so a new revision whose tasks crash before taking traffic trips no alarm and the deployment waits; add smokeTests so the test-listener hook fails it before production traffic shifts',
      expect.stringMatching(
        /^orders-prod: ECS canary deployments shift one canary step and then all traffic, so stages .* will not run; use Kubernetes \(Argo Rollouts\) for a multi-step canary$/,
      ),
      // HTTPS with an imported certificate and no domain: no probe can check the name.
      "orders-prod: the dead-man's switch watches CPU samples, which prove that tasks run, not that users reach the service; set tls.domainName so a probe can call it by the certificate's name",
      expect.stringMatching(
        /^orders-prod: rollback level 2 \(redeploy the previous version\) takes up to 12m20s with this configuration, over its 5m budget \(.*\); shorten the bake times before 100% traffic or raise the budget/,
      ),
      expect.stringMatching(
        /^orders-prod: rollback level 3 \(revert the code and deploy it through the rollout\) takes up to 15m20s with this configuration, over its 15m budget \(.*\); shorten/,
      ),
    ]);
  });

  test('synthesizes only the environments asked for', () => {
    expect(Object.keys(synthesizeAws(definition, ['dev']).templates)).toEqual(['orders-dev.template.json']);
  });

  test('leaves no cloud assembly behind', () => {
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('addDeploymentStacks and renderStackRunbook', () => {
  test('stack ids are the stack names; the runbook names the service and environment', () => {
    const stacks = addDeploymentStacks(new App(), definition, ['prod']);
    expect(stacks.map((s) => [s.node.id, s.stackName])).toEqual([['orders-prod', 'orders-prod']]);
    expect(renderStackRunbook(stacks[0])).toContain('\n# Runbook: orders in prod (AWS)\n');
  });
});
