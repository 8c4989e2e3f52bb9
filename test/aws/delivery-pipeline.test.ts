import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PipelineStack } from '../../constructs/aws/pipeline-stack';
import { loadDefinitionFile } from '../../lib/model/load';
import { validateDefinition } from '../../lib/model/validate';
import type { ServiceDefinition } from '../../lib/model/service-definition';

interface Action {
  readonly Name: string;
  readonly RunOrder?: number;
  readonly ActionTypeId: { readonly Category: string; readonly Provider: string };
  readonly Configuration?: Record<string, unknown>;
}
interface PipelineStage {
  readonly Name: string;
  readonly Actions: readonly Action[];
}
interface Violation {
  readonly ruleName: string;
  readonly violatingConstructs?: readonly { readonly constructPath: string }[];
}
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

/** Synthesizes a definition's pipeline stack with cdk-nag attached: template, the pipeline's own unacknowledged findings, runbook. */
function synthPipeline(definition: ServiceDefinition) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-pipeline-'));
  try {
    const app = new App({ outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    const stack = new PipelineStack(app, `${definition.service}-pipeline`, { definition, definitionPath: 'glidepath.yaml' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as { Resources: Resources };
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    // The deployment stacks inside the stages are the same as the top-level ones, checked by cdk-nag.test.ts.
    const stagePaths = [...stack.deliveryPipeline.stages.values()].map((stage) => `${stage.node.path}/`);
    const own = (v: Violation) => (v.violatingConstructs ?? []).some((c) => !stagePaths.some((p) => c.constructPath.startsWith(p)));
    const findings: string[] = (report.pluginReports ?? []).flatMap((r: { violations?: Violation[] }) =>
      (r.violations ?? []).filter(own).map((v) => v.ruleName),
    );
    const pipeline = Object.values(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline')!;
    const projects = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CodeBuild::Project');
    return {
      stack,
      template,
      findings,
      pipeline,
      stages: pipeline.Properties.Stages as PipelineStage[],
      projects,
      runbook: stack.renderRunbook(),
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const names = (stages: readonly PipelineStage[]) => stages.map((s) => s.Name);
const approvalsIn = (stages: readonly PipelineStage[]) =>
  stages.filter((s) => s.Actions.some((a) => a.ActionTypeId.Category === 'Approval')).map((s) => s.Name);
const action = (stage: PipelineStage, name: string) => stage.Actions.find((a) => a.Name === name || a.Name.endsWith(`.${name}`));
const buildSpecs = (projects: { Properties: Record<string, any> }[]) => projects.map((p) => String(p.Properties.Source.BuildSpec));

describe('DeliveryPipeline: the checkout example', () => {
  let synth: ReturnType<typeof synthPipeline>;
  beforeAll(() => {
    synth = synthPipeline(loadDefinitionFile('examples/checkout/definition.yaml'));
  });

  test('pipeline artifacts expire (a lifecycle rule on the artifact bucket)', () => {
    const buckets = Object.values(synth.template.Resources).filter(
      (r) => r.Type === 'AWS::S3::Bucket' && r.Properties.LifecycleConfiguration,
    );
    expect(buckets).toHaveLength(1);
    expect(buckets[0].Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        Status: 'Enabled',
        ExpirationInDays: 30,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }),
    ]);
  });

  test('a V2 pipeline with a deterministic name, fed by the CodeStar connection to the repository and branch', () => {
    expect(synth.pipeline.Properties).toMatchObject({ Name: 'checkout-pipeline', PipelineType: 'V2' });
    expect(synth.stack.stackName).toBe('checkout-pipeline');
    const source = synth.stages[0].Actions[0];
    expect(source.ActionTypeId).toMatchObject({ Category: 'Source', Provider: 'CodeStarSourceConnection' });
    expect(source.Configuration).toMatchObject({
      ConnectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/4f8b2c1e-7d3a-4e5f-9b6c-2a1d0e9f8c7b',
      FullRepositoryId: 'acme/checkout',
      BranchName: 'main',
    });
  });

  test('the synth step installs, lints, tests, builds and synthesizes, in that order', () => {
    const synthSpec = buildSpecs(synth.projects).find((s) => s.includes('npx cdk synth'))!;
    const order = ['npm ci', 'npm run lint', 'npm test', 'npm run build', 'npx cdk synth'].map((c) => synthSpec.indexOf(`"${c}"`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test("one stage per environment, in the definition's order, after the build", () => {
    expect(names(synth.stages)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'dev', 'staging', 'prod']);
  });

  test('a manual approval exactly where the definition asks for one (prod), with comment and review URL', () => {
    expect(approvalsIn(synth.stages)).toEqual(['prod']);
    const prod = synth.stages.find((s) => s.Name === 'prod')!;
    expect(action(prod, 'Approve')?.Configuration).toMatchObject({
      CustomData: expect.stringContaining('Release checkout to prod'),
      ExternalEntityLink: 'https://github.com/acme/checkout/releases',
    });
  });

  test('every environment: glidepath check, (approval,) deploy, then smoke tests against its ServiceUrl output', () => {
    for (const stage of synth.stages.slice(4)) {
      const run = (name: string) => action(stage, name)?.RunOrder ?? -1;
      const deploy = run(`checkout-${stage.Name}.Deploy`);
      expect(run('Check')).toBeGreaterThan(0);
      expect(run('Check')).toBeLessThan(deploy);
      if (stage.Name === 'prod') expect(run('Approve')).toBeGreaterThan(run('Check'));
      // The approver reviews the change set that will execute: prepared before, executed after.
      if (stage.Name === 'prod') expect(run('Approve')).toBeGreaterThan(run(`checkout-${stage.Name}.Prepare`));
      if (stage.Name === 'prod') expect(run('Approve')).toBeLessThan(deploy);
      expect(run('SmokeTest')).toBeGreaterThan(deploy);
      expect(JSON.stringify(action(stage, 'SmokeTest')?.Configuration)).toContain('ServiceUrl');
    }
    const specs = buildSpecs(synth.projects);
    expect(specs.filter((s) => s.includes('npx glidepath smoke-test --url \\"$URL\\" --definition glidepath.yaml'))).toHaveLength(3);
    for (const env of ['dev', 'staging', 'prod']) {
      expect(specs.some((s) => s.includes(`npx glidepath check glidepath.yaml --env ${env}`))).toBe(true);
    }
  });

  test('every CodeBuild project pins its image and the Node.js major (the image default moves otherwise)', () => {
    expect(synth.projects.length).toBeGreaterThan(3);
    for (const project of synth.projects) {
      expect(project.Properties.Environment.Image).toBe('aws/codebuild/standard:7.0');
      expect(JSON.parse(project.Properties.Source.BuildSpec).phases.install['runtime-versions']).toEqual({ nodejs: '20' });
    }
  });

  test("each stage deploys that environment's DeploymentStack, named as with cdk deploy", () => {
    expect([...synth.stack.deliveryPipeline.stages.values()].map((s) => s.deploymentStack.stackName)).toEqual([
      'checkout-dev',
      'checkout-staging',
      'checkout-prod',
    ]);
  });

  test('a failed execution notifies the warning topic through EventBridge; the topic is encrypted and EventBridge may use the key', () => {
    const rule = Object.values(synth.template.Resources).find((r) => r.Type === 'AWS::Events::Rule')!;
    expect(rule.Properties).toMatchObject({
      Name: 'checkout-pipeline-failed',
      EventPattern: {
        source: ['aws.codepipeline'],
        'detail-type': ['CodePipeline Pipeline Execution State Change'],
        detail: { pipeline: ['checkout-pipeline'], state: ['FAILED'] },
      },
    });
    const [topicId] = Object.entries(synth.template.Resources).find(
      ([, r]) => r.Type === 'AWS::SNS::Topic' && r.Properties.TopicName === 'checkout-pipeline-warning',
    )!;
    expect(rule.Properties.Targets[0].Arn).toEqual({ Ref: topicId });
    const keyPolicy = JSON.stringify(
      Object.values(synth.template.Resources)
        .filter((r) => r.Type === 'AWS::KMS::Key')
        .map((k) => k.Properties.KeyPolicy),
    );
    expect(keyPolicy).toContain('events.amazonaws.com');
  });

  test('cdk-nag AwsSolutions: zero unacknowledged findings', () => {
    expect(synth.findings).toEqual([]);
  });

  test('every acknowledgement is listed in the pipeline runbook with its reason', () => {
    const risks = synth.runbook.slice(synth.runbook.indexOf('## Accepted risks'));
    expect(risks).toContain('| AwsSolutions-S1 |');
    expect(risks).toContain('| AwsSolutions-IAM5[Resource::arn:*:iam::&lt;AWS::AccountId>:role/*] |');
    expect(risks).not.toContain('AwsSolutions-ECS2'); // the deployment stacks have their own runbooks
  });

  test("the runbook's commands name the pipeline, stages and actions of the template", () => {
    const blocks = [...synth.runbook.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1].trim());
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const text = blocks.join('\n');
    const used = (flag: string) => [...text.matchAll(new RegExp(`${flag} ([\\w.-]+)`, 'g'))].map((m) => m[1]);
    expect(new Set([...used('--pipeline-name'), ...used('--name')])).toEqual(new Set(['checkout-pipeline']));
    expect(used('--stage-name').every((s) => names(synth.stages).includes(s))).toBe(true);
    // The exact action name CodePipeline has (the approval runs between change set and execution);
    // the approve, reject and inspect commands all name it.
    expect(used('--action-name').length).toBeGreaterThan(0);
    expect(new Set(used('--action-name'))).toEqual(new Set(['checkout-prod.Approve']));
    const prod = synth.stages.find((s) => s.Name === 'prod')!;
    expect(prod.Actions.map((a) => a.Name)).toContain('checkout-prod.Approve');
    expect(text).toContain("stageName=='prod'");
    for (const verb of ['put-approval-result', 'retry-stage-execution', 'stop-pipeline-execution', 'start-pipeline-execution']) {
      expect(text).toContain(`aws codepipeline ${verb}`);
    }
  });

  test('the runbook passes markdownlint with the committed configuration', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-pipeline-mdlint-'));
    try {
      fs.writeFileSync(path.join(dir, 'checkout-pipeline.md'), synth.runbook);
      fs.copyFileSync('.markdownlint-cli2.jsonc', path.join(dir, '.markdownlint-cli2.jsonc'));
      const result = spawnSync(process.execPath, [path.resolve('node_modules/markdownlint-cli2/markdownlint-cli2-bin.mjs'), '*.md'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect({ status: result.status, output: result.stderr }).toEqual({ status: 0, output: '' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every bash block of the runbook parses (bash -n) and passes shellcheck where installed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-pipeline-runbook-'));
    const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
    try {
      [...synth.runbook.matchAll(/```bash\n([\s\S]*?)```/g)].forEach((m, i) => {
        const block = m[1].replace(/^ {3}/gm, '');
        const script = path.join(dir, `${i}.sh`);
        fs.writeFileSync(script, `#!/usr/bin/env bash\n${block}`);
        expect({ block, stderr: spawnSync('bash', ['-n', script], { encoding: 'utf8' }).stderr }).toEqual({ block, stderr: '' });
        if (hasShellcheck) {
          const check = spawnSync('shellcheck', ['-e', 'SC2034', '-S', 'warning', script], { encoding: 'utf8' });
          expect({ block, findings: check.stdout }).toEqual({ block, findings: '' });
        }
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A production wave across three regions; `smokeTests: false` leaves the smoke tests out. */
function waveDefinition({ smokeTests = true } = {}) {
  const prod = (name: string, region: string) => ({
    name,
    account: '222222222222',
    region,
    production: true,
    tls: { certificateArn: `arn:aws:acm:${region}:222222222222:certificate/prod` },
    rollout: { strategy: 'all-at-once' },
  });
  return validateDefinition({
    service: 'orders',
    ...(smokeTests ? { smokeTests: { checks: [{ name: 'health', path: '/healthz' }] } } : {}),
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#orders' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: { container: { image: 'public.ecr.aws/acme/orders:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    environments: [
      { name: 'staging', account: '111111111111', region: 'eu-west-1', rollout: { strategy: 'all-at-once' } },
      prod('prod-eu', 'eu-west-1'),
      prod('prod-us', 'us-east-1'),
      prod('prod-ap', 'ap-southeast-2'),
    ],
    delivery: {
      repository: 'acme/orders',
      connectionArn: 'arn:aws:codeconnections:eu-west-1:000000000000:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      account: '000000000000',
      region: 'eu-west-1',
      waves: [{ name: 'prod', environments: ['prod-eu', 'prod-us', 'prod-ap'], canary: 'prod-eu' }],
    },
  });
}

describe('DeliveryPipeline: a production wave across regions, canary region first', () => {
  let synth: ReturnType<typeof synthPipeline>;
  beforeAll(() => {
    synth = synthPipeline(waveDefinition());
  });

  test('the canary region deploys alone, then the rest of the wave in parallel', () => {
    expect(names(synth.stages).slice(4)).toEqual(['staging', 'prod-eu', 'prod']);
    const wave = synth.stages.find((s) => s.Name === 'prod')!;
    const deploys = wave.Actions.filter((a) => a.Name.endsWith('.Deploy'));
    expect(deploys.map((a) => a.Name).sort()).toEqual(['prod-ap.orders-prod-ap.Deploy', 'prod-us.orders-prod-us.Deploy']);
    expect(new Set(deploys.map((a) => a.RunOrder)).size).toBe(1);
    expect(wave.Actions.filter((a) => a.Name.endsWith('SmokeTest'))).toHaveLength(2);
  });

  test('the canary stage approves its prepared change set before executing it', () => {
    const canary = synth.stages.find((s) => s.Name === 'prod-eu')!;
    const run = (name: string) => canary.Actions.find((a) => a.Name === name)?.RunOrder ?? -1;
    expect(run('orders-prod-eu.Approve')).toBeGreaterThan(run('orders-prod-eu.Prepare'));
    expect(run('orders-prod-eu.Approve')).toBeLessThan(run('orders-prod-eu.Deploy'));
  });

  test('one approval gates the wave, before its canary', () => {
    expect(approvalsIn(synth.stages)).toEqual(['prod-eu']);
    expect(buildSpecs(synth.projects).some((s) => s.includes('npx glidepath check glidepath.yaml --env prod-eu prod-us prod-ap'))).toBe(
      true,
    );
  });

  test('cdk-nag AwsSolutions: zero unacknowledged findings', () => {
    expect(synth.findings).toEqual([]);
  });
});

test('fails without a connection ARN, naming the field', () => {
  const definition = loadDefinitionFile('examples/payments-api/definition.ts');
  expect(() => new PipelineStack(new App(), 'p', { definition, definitionPath: 'd.ts' })).toThrow(
    'payments-api: the AWS pipeline needs "delivery.connectionArn" (a CodeStar connection to the repository); add a "delivery" section with it',
  );
});

describe('DeliveryPipeline: a function', () => {
  let synth: ReturnType<typeof synthPipeline>;
  beforeAll(() => {
    const definition = loadDefinitionFile('examples/payments-api/definition.ts');
    const delivery = validateDefinition({
      service: 'x',
      owners: definition.owners,
      workload: { container: { image: 'public.ecr.aws/acme/x:1', port: 8080, healthCheckPath: '/' } },
      environments: [{ name: 'staging', rollout: { strategy: 'all-at-once' } }],
      delivery: {
        repository: 'acme/payments-api',
        connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      },
    }).delivery;
    synth = synthPipeline({ ...definition, delivery });
  });

  test('has no URL to smoke-test: the stages check and deploy, and the runbook says so', () => {
    expect(names(synth.stages).slice(-2)).toEqual(['staging', 'prod']);
    expect(synth.stages.flatMap((s) => s.Actions.map((a) => a.Name)).filter((n) => n.includes('SmokeTest'))).toEqual([]);
    expect(approvalsIn(synth.stages)).toEqual(['prod']);
    expect(synth.runbook).toContain('| 2 | `prod` | prod | `glidepath check`, then human approval (action `Approve`) | - |');
    expect(synth.findings).toEqual([]);
  });
});
