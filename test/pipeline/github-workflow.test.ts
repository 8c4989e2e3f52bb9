import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { main, type CliIo } from '../../bin/cli';
import { loadDefinitionFile } from '../../lib/model/load';
import { validateDefinition } from '../../lib/model/validate';
import { githubWorkflow, PINNED_ACTIONS, WORKFLOW_MARKER } from '../../lib/pipeline/github-workflow';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string>;
}
interface Job {
  readonly needs?: string[];
  readonly environment?: { name: string; url?: string };
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly permissions?: Record<string, string>;
  readonly steps: Step[];
}

const EXAMPLE = 'examples/checkout/definition.yaml';
const ROLE = 'arn:aws:iam::111111111111:role/orders-deploy';

/** A definition with a production wave across three regions, the EU region as its canary. */
function waveDefinition() {
  const prod = (name: string, region: string) => ({ name, region, production: true, rollout: { strategy: 'all-at-once' } });
  return validateDefinition({
    service: 'orders',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#orders' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: { container: { image: 'public.ecr.aws/acme/orders:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    environments: [
      { name: 'staging', region: 'eu-west-1', rollout: { strategy: 'all-at-once' } },
      prod('prod-eu', 'eu-west-1'),
      prod('prod-us', 'us-east-1'),
      prod('prod-ap', 'ap-southeast-2'),
    ],
    delivery: {
      repository: 'acme/orders',
      branch: 'release',
      github: { deployRole: ROLE },
      waves: [{ name: 'prod', environments: ['prod-eu', 'prod-us', 'prod-ap'], canary: 'prod-eu' }],
    },
  });
}

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('githubWorkflow: the checkout example', () => {
  const text = githubWorkflow(loadDefinitionFile(EXAMPLE), { definitionPath: EXAMPLE });
  const workflow = parse(text) as { on: unknown; permissions: unknown; jobs: Record<string, Job> };

  test('validates against the GitHub workflow schema', () => {
    expect(validateWorkflow(text).errors).toEqual([]);
  });

  test('matches the reviewed snapshot', () => {
    expect(text).toMatchSnapshot();
  });

  test('starts with the generated-file marker and names the environments that need reviewers', () => {
    expect(text.startsWith(`#${WORKFLOW_MARKER}\n`)).toBe(true);
    expect(text).toContain('give the GitHub environments prod required reviewers');
  });

  test('build, then one job per environment in order, each waiting for the one before', () => {
    expect(Object.keys(workflow.jobs)).toEqual(['build', 'deploy-dev', 'deploy-staging', 'deploy-prod']);
    expect(workflow.jobs['deploy-dev'].needs).toEqual(['build']);
    expect(workflow.jobs['deploy-staging'].needs).toEqual(['deploy-dev']);
    expect(workflow.jobs['deploy-prod'].needs).toEqual(['deploy-staging']);
    expect(workflow.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: {} });
  });

  test("build runs the definition's lint, test and build commands", () => {
    expect(workflow.jobs.build.steps.map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci',
      'npm run lint',
      'npm test',
      'npm run build',
      `npx glidepath check ${EXAMPLE}`,
      'npx cdk synth',
    ]);
  });

  test('deploy jobs: GitHub environment, one release at a time per environment, OIDC role, check, deploy, smoke test', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const job = workflow.jobs[`deploy-${env}`];
      expect(job.environment).toEqual({ name: env, url: '${{ steps.deploy.outputs.url }}' });
      expect(job.concurrency).toEqual({ group: `deploy-checkout-${env}`, 'cancel-in-progress': false });
      expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
      const credentials = job.steps.find((s) => s.uses === PINNED_ACTIONS.awsCredentials);
      expect(credentials?.with).toEqual({
        'role-to-assume': `arn:aws:iam::111111111111:role/checkout-deploy-${env}`,
        'aws-region': 'eu-west-1',
        'role-session-name': `glidepath-checkout-${env}`,
      });
      const runs = job.steps.map((s) => s.run ?? '');
      const at = (prefix: string) => runs.findIndex((r) => r.startsWith(prefix));
      expect(at(`npx glidepath check ${EXAMPLE} --env ${env}`)).toBeGreaterThan(job.steps.indexOf(credentials!));
      expect(at(`npx cdk deploy checkout-${env} --require-approval never`)).toBeGreaterThan(at('npx glidepath check'));
      expect(at('npx glidepath smoke-test --url "$URL"')).toBeGreaterThan(at('npx cdk deploy'));
    }
  });

  test('no long-lived keys, and every action pinned to a release', () => {
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
    const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.uses).filter((u): u is string => u !== undefined));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+@v\d+\.\d+\.\d+$/);
  });
});

describe('githubWorkflow: a production wave', () => {
  const text = githubWorkflow(waveDefinition(), { definitionPath: 'glidepath.yaml', nodeVersion: '22' });
  const jobs = (parse(text) as { jobs: Record<string, Job> }).jobs;

  test('validates against the GitHub workflow schema', () => {
    expect(validateWorkflow(text).errors).toEqual([]);
  });

  test('the canary region deploys first, the rest of the wave in parallel after it', () => {
    expect(jobs['deploy-prod-eu'].needs).toEqual(['deploy-staging']);
    expect(jobs['deploy-prod-us'].needs).toEqual(['deploy-prod-eu']);
    expect(jobs['deploy-prod-ap'].needs).toEqual(['deploy-prod-eu']);
    expect(jobs['deploy-prod-ap'].steps.find((s) => s.uses === PINNED_ACTIONS.awsCredentials)?.with?.['aws-region']).toBe('ap-southeast-2');
    expect(text).toContain('give the GitHub environments prod-eu, prod-us, prod-ap required reviewers');
    expect(text).toContain('branches:\n      - release');
  });
});

test('a function has no URL to smoke-test: its deploy job deploys only', () => {
  const definition = loadDefinitionFile('examples/payments-api/definition.ts');
  const text = githubWorkflow(
    { ...definition, delivery: { ...waveDefinition().delivery!, waves: [], githubDeployRoles: { staging: ROLE, prod: ROLE } } },
    { definitionPath: 'd.ts' },
  );
  expect(validateWorkflow(text).errors).toEqual([]);
  const job = (parse(text) as { jobs: Record<string, Job> }).jobs['deploy-prod'];
  expect(job.environment).toEqual({ name: 'prod' });
  expect(job.steps.map((s) => s.run ?? '').filter((r) => r.includes('smoke-test'))).toEqual([]);
});

test('fails without delivery.github, printing the YAML to add', () => {
  expect(() => githubWorkflow(loadDefinitionFile('examples/payments-api/definition.ts'), { definitionPath: 'd.ts' })).toThrow(
    [
      'payments-api: a GitHub workflow needs a "delivery" section: the repository, and the IAM role each deploy job assumes through GitHub OIDC. Add to the definition:',
      '',
      'delivery:',
      '  repository: my-org/payments-api        # GitHub "owner/name"',
      '  github:',
      '    deployRole: arn:aws:iam::123456789012:role/payments-api-deploy   # or deployRoles: { <environment>: <role ARN> } per account',
    ].join('\n'),
  );
});

test('a container without smoke tests gets no smoke-test step (it would have nothing to run)', () => {
  const definition = waveDefinition();
  expect(definition.smokeTests).toBeUndefined();
  const jobs = (parse(githubWorkflow(definition, { definitionPath: 'glidepath.yaml' })) as { jobs: Record<string, Job> }).jobs;
  for (const job of Object.values(jobs)) {
    expect(job.steps.map((s) => s.run ?? '').filter((r) => r.includes('smoke-test'))).toEqual([]);
  }
});

test('the header names the stack ids the deploy jobs deploy', () => {
  expect(githubWorkflow(waveDefinition(), { definitionPath: 'glidepath.yaml' })).toContain(
    "#   new DeploymentStack(app, 'orders-staging', { definition, environment: 'staging' })",
  );
});

describe('glidepath pipeline github', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-pipeline-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('prints the workflow, or writes it with --output', async () => {
    const io = capture();
    expect(await main(['pipeline', 'github', EXAMPLE], io)).toBe(0);
    expect(io.stdout.join('')).toBe(githubWorkflow(loadDefinitionFile(EXAMPLE), { definitionPath: EXAMPLE }));
    const output = path.join(dir, '.github', 'workflows', 'deploy.yml');
    expect(await main(['pipeline', 'github', EXAMPLE, '--output', output], capture())).toBe(0);
    expect(fs.readFileSync(output, 'utf8')).toBe(io.stdout.join(''));
  });

  test('exits 1 with the reason when the definition has no GitHub settings', async () => {
    const io = capture();
    expect(await main(['pipeline', 'github', 'examples/payments-api/definition.ts'], io)).toBe(1);
    expect(io.stderr.join('')).toContain('needs a "delivery" section');
  });
});
