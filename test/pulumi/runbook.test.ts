import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { runbookFileName } from '../../lib/runbook/anchors';
import { CommandKind, type RunbookFacts } from '../../lib/runbook/facts';
import { Target } from '../../lib/targets/target';
import { renderRunbook } from '../../lib/runbook/render';
import { checkout, installMocks, network, settle } from './helpers';

/* The Pulumi runbooks hold the same bar as the others: markdownlint-clean, every command parses. */
installMocks('prod');
const definition = checkout();
let runbooks: { platform: DeploymentPlatform; facts: RunbookFacts[]; markdown: string }[];

beforeAll(async () => {
  runbooks = [DeploymentPlatform.AWS, DeploymentPlatform.KUBERNETES].map((platform) => {
    const component = new DeploymentComponent(`checkout-prod-${platform}`, { definition, environment: 'prod', platform, network });
    const facts = component.runbookFacts();
    return { platform, facts, markdown: renderRunbook(facts) };
  });
  await settle();
});

test('the runbook file of the Pulumi target is <service>-<env>.pulumi.md, the alarms link to it', () => {
  expect(runbookFileName('checkout', 'prod', Target.PULUMI)).toBe('checkout-prod.pulumi.md');
});

test('every command passes bash -n', () => {
  const commands = runbooks.flatMap(({ facts }) =>
    facts.flatMap((f) => [
      ...(f.preDeploy ?? []),
      ...(f.deploy ?? []),
      ...(f.smoke ?? []),
      ...(f.rollback ?? []).flatMap((l) => [...l.commands, ...l.verify]),
      ...(f.alarms ?? []).flatMap((a) => a.diagnosis),
    ]),
  );
  expect(commands.length).toBeGreaterThan(20);
  const script = commands.map((c) => c.command).join('\n');
  const result = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
});

test('level 3 is `pulumi up` of the previous version, within the code budget as computed for the stack', () => {
  for (const { facts } of runbooks) {
    const level3 = facts.flatMap((f) => f.rollback ?? []).filter((l) => l.level === 3);
    expect(level3).toHaveLength(1);
    const commands = level3[0].commands.map((c) => c.command);
    // The commit of the last *update* (a refresh records none), refused when it is missing.
    expect(commands[0]).toBe(
      [
        `RELEASE_COMMIT=$(pulumi stack history --stack prod --page-size 10 --json | jq -r '[.[] | select(.kind == "update")][0].environment["git.head"] // empty')`,
        'echo "deployed from ${RELEASE_COMMIT:?the last update records no git.head: find the release commit in git log}"',
      ].join('\n'),
    );
    // Reverted on a fresh branch from origin/main, pushed (or a pull request), as on the CloudFormation target.
    expect(commands[1]).toContain('git switch --create "$BRANCH" origin/main');
    expect(commands[2]).toMatch(/^if git push origin HEAD:main; then PUSHED=main;/);
    expect(commands[3]).toBe('pulumi up --stack prod --yes');
    expect(commands).toHaveLength(4);
    expect(level3[0].bound).toBeDefined();
  }
});

test('the runbooks pass markdownlint with the committed configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-pulumi-mdlint-'));
  try {
    for (const { platform, markdown } of runbooks) fs.writeFileSync(path.join(dir, `checkout-prod-${platform}.pulumi.md`), markdown);
    fs.copyFileSync(path.join(__dirname, '..', '..', '.markdownlint-cli2.jsonc'), path.join(dir, '.markdownlint-cli2.jsonc'));
    const cli = path.resolve(__dirname, '..', '..', 'node_modules/markdownlint-cli2/markdownlint-cli2-bin.mjs');
    const result = spawnSync(process.execPath, [cli, '*.md'], { cwd: dir, encoding: 'utf8' });
    expect({ status: result.status, output: result.stderr }).toEqual({ status: 0, output: '' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('Pulumi renders its own tool commands: no cdk, CloudFormation or kubectl diff/apply command, tagged by kind', () => {
  for (const { facts } of runbooks) {
    const commands = facts.flatMap((f) => [
      ...(f.preDeploy ?? []),
      ...(f.deploy ?? []),
      ...(f.smoke ?? []),
      ...(f.rollback ?? []).flatMap((l) => [...l.commands, ...l.verify]),
    ]);
    expect(commands.filter((c) => /npx cdk|aws cloudformation|kubectl diff|kubectl apply/.test(c.command))).toEqual([]);
    expect(commands.filter((c) => c.kind === CommandKind.PREVIEW).map((c) => c.command)).toEqual(['pulumi preview --stack prod --diff']);
    expect(commands.filter((c) => c.kind === CommandKind.DEPLOY).map((c) => c.command)).toEqual([
      'pulumi up --stack prod --yes',
      'pulumi up --stack prod --yes',
    ]);
  }
});

test('level 3 on AWS is `pulumi up` plus the same redeploy as level 2, within the code budget', () => {
  const rollback = runbooks[0].facts.flatMap((f) => f.rollback ?? []);
  const level2 = rollback.find((l) => l.level === 2 && l.bound)!.bound!;
  const level3 = rollback.find((l) => l.level === 3)!.bound!;
  expect(level3.parts.map((p) => p.what)).toEqual(['`pulumi up` (allowance)', ...level2.parts.map((p) => p.what)]);
  expect(level3.total.toSeconds()).toBe(180 + level2.total.toSeconds());
  expect(level3.budget.toString()).toBe(definition.rollbackBudgets.code.toString());
});

test('expand migrations say that `pulumi up` runs them; nothing in the AWS runbook mentions cdk', () => {
  const aws = runbooks.find((r) => r.platform === DeploymentPlatform.AWS)!;
  const migrations = aws.facts.flatMap((f) => f.migrations ?? []).filter((m) => m.phase === 'expand');
  expect(migrations.length).toBeGreaterThan(0);
  for (const m of migrations)
    expect(m.summary).toMatch(/^Automatic: `pulumi up` runs `.+` as ECS task `checkout-prod-migrate-[\w-]+` before the service update/);
  expect(aws.markdown).not.toMatch(/\bcdk\b/);
});

test('glidepath runbook -t pulumi prints the runbook of the AWS component in the stack named after the environment', async () => {
  const { main } = require('../../bin/cli') as typeof import('../../bin/cli');
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['runbook', 'examples/checkout/definition.yaml', '--env', 'prod', '-t', 'pulumi'], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  expect(err.join('')).toBe('');
  expect(code).toBe(0);
  // The program of examples/pulumi-checkout runs in `pulumi stack init prod`: the mocks' stack.
  const aws = runbooks.find((r) => r.platform === DeploymentPlatform.AWS)!;
  expect(out.join('')).toBe(renderRunbook(aws.facts, { budgets: definition.rollbackBudgets }));
});
