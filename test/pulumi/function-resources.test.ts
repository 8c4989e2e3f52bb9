import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { ALIAS_DEPLOYER_SOURCE } from '../../constructs/pulumi/private/alias-deployer-code';
import { renderRunbook } from '../../lib/runbook/render';
import { installMocks, payments, settle, valueOf } from './helpers';

/* A function workload through Pulumi: no network needed, CodeDeploy shifts the alias during `pulumi up`. */
const registered = installMocks('prod', 'glidepath-test', 'us-east-1');
const definition = payments();
let component: DeploymentComponent;
const ignored: Record<string, string[] | undefined> = {};
beforeAll(async () => {
  component = new DeploymentComponent(
    'payments-api-prod',
    { definition, environment: 'prod', platform: DeploymentPlatform.AWS },
    { transformations: [(a) => void (ignored[a.type] = a.opts.ignoreChanges) as undefined] },
  );
  await settle();
});

test('a function needs no network and gets the function, alias, CodeDeploy, hook, shift and alarms', () => {
  const count = (type: string) => registered.filter((r) => r.type === type).length;
  expect({
    functions: count('aws:lambda/function:Function'),
    aliases: count('aws:lambda/alias:Alias'),
    applications: count('aws:codedeploy/application:Application'),
    configs: count('aws:codedeploy/deploymentConfig:DeploymentConfig'),
    groups: count('aws:codedeploy/deploymentGroup:DeploymentGroup'),
    shifts: count('aws:lambda/invocation:Invocation'),
    alarms: count('aws:cloudwatch/metricAlarm:MetricAlarm'),
    services: count('aws:ecs/service:Service'),
    // Functions: the workload, the smoke-test hook, the alias deployer, the dead-man's switch probe
    // and the pager forwarder. Shifts: the 30-minute canary of prod plus up to 15 minutes for the
    // pre-traffic hook outlast three deployer invocations (14 minutes of polling each, under Lambda's
    // 15), so a fourth waits for the same deployment.
  }).toEqual({ functions: 5, aliases: 1, applications: 1, configs: 1, groups: 1, shifts: 4, alarms: 6, services: 0 });
  expect(component.warnings.join('\n')).not.toMatch(/Function|SmokeTests/);
});

test("the alias is CodeDeploy's after creation: Pulumi ignores its version, so a release never moves all traffic at once", () => {
  const alias = registered.find((r) => r.type === 'aws:lambda/alias:Alias')!;
  expect(alias.inputs.functionVersion).toBe('7');
  expect(ignored['aws:lambda/alias:Alias']).toEqual(['functionVersion', 'routingConfig']);
  const fn = registered.find((r) => r.type === 'aws:lambda/function:Function' && r.inputs.name === 'payments-api-prod')!;
  expect(fn.inputs.publish).toBe(true);
});

test('stack outputs: alarm names, dashboard and topic ARNs; no service URL for a function', async () => {
  expect(await valueOf(component.alarmNames)).toContain('payments-api-prod-rollback-error-rate');
  expect(await valueOf(component.dashboardName)).toBe('payments-api-prod');
  expect(await valueOf(component.topicArns)).toEqual({
    critical: expect.stringMatching(/payments-api-prod-critical$/),
    warning: expect.stringMatching(/payments-api-prod-warning$/),
  });
  expect(await valueOf(component.serviceUrl)).toBeUndefined();
});

describe('the alias deployer (run against a fake AWS SDK)', () => {
  type Call = { command: string; input: Record<string, unknown> };
  /** Runs the handler source with fake clients; `statuses` are the deployment states GetDeployment returns in turn. */
  async function run(current: string, statuses: string[], remainingMs = 600000, waitFor?: string) {
    const calls: Call[] = [];
    const command = (name: string) =>
      class {
        constructor(public input: Record<string, unknown>) {
          calls.push({ command: name, input });
        }
      };
    const send = async () => {
      const name = calls[calls.length - 1].command;
      if (name === 'GetAlias') return { FunctionVersion: current };
      if (name === 'CreateDeployment') return { deploymentId: 'd-TEST' };
      const status = statuses.shift() ?? 'InProgress';
      return {
        deploymentInfo: {
          status,
          errorInformation: status === 'Failed' ? { message: 'alarm payments-api-prod-rollback-error-rate fired' } : undefined,
        },
      };
    };
    const sdk = {
      '@aws-sdk/client-codedeploy': {
        CodeDeployClient: class {
          send = send;
        },
        CreateDeploymentCommand: command('CreateDeployment'),
        GetDeploymentCommand: command('GetDeployment'),
      },
      '@aws-sdk/client-lambda': {
        LambdaClient: class {
          send = send;
        },
        GetAliasCommand: command('GetAlias'),
      },
    };
    const module = { exports: {} as { handler?: (e: unknown, c: unknown) => Promise<unknown> } };
    // Waits are instant here; the handler's loop still counts down the remaining time.
    let remaining = remainingMs;
    const context = { getRemainingTimeInMillis: () => remaining };
    const sandbox = {
      require: (id: keyof typeof sdk) => sdk[id],
      module,
      exports: module.exports,
      setTimeout: (f: () => void, ms: number) => {
        remaining -= ms;
        f();
      },
      JSON,
      Promise,
      Error,
    };
    vm.runInNewContext(`${ALIAS_DEPLOYER_SOURCE}\nmodule.exports = exports;`, sandbox);
    const event = {
      functionName: 'payments-api-prod',
      aliasName: 'live',
      targetVersion: '8',
      applicationName: 'payments-api-prod',
      deploymentGroupName: 'payments-api-prod',
      beforeAllowTraffic: 'payments-api-prod-smoke-tests',
      ...(waitFor ? { waitFor } : {}),
    };
    const result = module.exports.handler!(event, context).then(
      (value) => ({ value }),
      (error: Error) => ({ error: error.message }),
    );
    return { result: await result, calls };
  }

  test('nothing to do when the alias already serves the version (first creation, or a no-op update)', async () => {
    const { result, calls } = await run('8', []);
    expect(result).toEqual({ value: { status: 'Unchanged', version: '8' } });
    expect(calls.map((c) => c.command)).toEqual(['GetAlias']);
  });

  test('starts a CodeDeploy deployment from the served version to the new one, with the pre-traffic hook, and waits for success', async () => {
    const { result, calls } = await run('7', ['InProgress', 'InProgress', 'Succeeded']);
    expect(result).toEqual({ value: { status: 'Succeeded', deploymentId: 'd-TEST', version: '8' } });
    const create = calls.find((c) => c.command === 'CreateDeployment')!.input as {
      revision: { appSpecContent: { content: string } };
      deploymentGroupName: string;
    };
    expect(create.deploymentGroupName).toBe('payments-api-prod');
    expect(JSON.parse(create.revision.appSpecContent.content)).toEqual({
      version: 0,
      Resources: [
        {
          'payments-api-prod': {
            Type: 'AWS::Lambda::Function',
            Properties: { Name: 'payments-api-prod', Alias: 'live', CurrentVersion: '7', TargetVersion: '8' },
          },
        },
      ],
      Hooks: [{ BeforeAllowTraffic: 'payments-api-prod-smoke-tests' }],
    });
    expect(calls.filter((c) => c.command === 'GetDeployment')).toHaveLength(3);
  });

  test('fails the update when CodeDeploy fails or is stopped (it has moved the alias back)', async () => {
    expect((await run('7', ['InProgress', 'Failed'])).result).toEqual({
      error: 'CodeDeploy deployment d-TEST Failed (alarm payments-api-prod-rollback-error-rate fired); alias live is back on version 7',
    });
    expect((await run('7', ['Stopped'])).result).toEqual({ error: expect.stringMatching(/^CodeDeploy deployment d-TEST Stopped/) });
  });

  test("leaves a shift still running near Lambda's time limit to CodeDeploy and says so", async () => {
    const { result } = await run('7', [], 60000);
    expect(result).toEqual({ value: { status: 'InProgress', deploymentId: 'd-TEST', from: '7', version: '8' } });
  });

  test('the next invocation of the release waits for the same deployment instead of starting one', async () => {
    const previous = JSON.stringify({ status: 'InProgress', deploymentId: 'd-TEST', from: '7', version: '8' });
    const { result, calls } = await run('7', ['InProgress', 'Succeeded'], 600000, previous);
    expect(result).toEqual({ value: { status: 'Succeeded', deploymentId: 'd-TEST', version: '8' } });
    expect(calls.map((c) => c.command)).toEqual(['GetDeployment', 'GetDeployment']);
    // A stop while waiting names the version CodeDeploy went back to.
    expect((await run('7', ['Stopped'], 600000, previous)).result).toEqual({
      error: expect.stringMatching(/^CodeDeploy deployment d-TEST Stopped .*back on version 7$/),
    });
    // Once the shift is over, later invocations pass the answer on.
    const done = JSON.stringify({ status: 'Succeeded', deploymentId: 'd-TEST', version: '8' });
    expect((await run('7', [], 600000, done)).result).toEqual({ value: JSON.parse(done) });
  });
});

describe('the Pulumi runbook of a function', () => {
  test('pulumi commands where Pulumi owns the change, CodeDeploy and Lambda commands where they do; every command parses', () => {
    const facts = component.runbookFacts();
    const commands = facts.flatMap((f) => [
      ...(f.preDeploy ?? []),
      ...(f.deploy ?? []),
      ...(f.smoke ?? []),
      ...(f.rollback ?? []).flatMap((l) => [...l.commands, ...l.verify]),
      ...(f.alarms ?? []).flatMap((a) => a.diagnosis),
    ]);
    const text = commands.map((c) => c.command);
    expect(text).toContain('pulumi preview --stack prod --diff');
    expect(text).toContain('pulumi up --stack prod --yes');
    // Guarded: nothing to stop when no deployment is in flight.
    expect(text.some((c) => /^case "\$STATUS" in Created\|Queued\|InProgress\|Baking\|Ready\) aws deploy stop-deployment /.test(c))).toBe(
      true,
    );
    expect(text.some((c) => c.includes('aws lambda update-alias --function-name payments-api-prod --name live'))).toBe(true);
    expect(text.filter((c) => /npx cdk|aws cloudformation/.test(c))).toEqual([]);
    const result = spawnSync('bash', ['-n'], { input: text.join('\n'), encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const level3 = facts.flatMap((f) => f.rollback ?? []).filter((l) => l.level === 3);
    expect(level3).toHaveLength(1);
    expect(level3[0].bound!.parts[0].what).toBe('`pulumi up` (allowance)');
    const notes = facts.flatMap((f) => f.notes ?? []).join('\n');
    expect(notes).toContain('leaves the stack locked on Pulumi Cloud until `pulumi cancel` ends that update');
    expect(notes).not.toMatch(/cdk deploy|npx cdk/);
    expect(notes).not.toContain('does not deploy these parts');
  });

  test('the runbook passes markdownlint with the committed configuration', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-pulumi-fn-mdlint-'));
    try {
      fs.writeFileSync(path.join(dir, 'payments-api-prod.pulumi.md'), renderRunbook(component.runbookFacts()));
      fs.copyFileSync(path.join(__dirname, '..', '..', '.markdownlint-cli2.jsonc'), path.join(dir, '.markdownlint-cli2.jsonc'));
      const cli = path.resolve(__dirname, '..', '..', 'node_modules/markdownlint-cli2/markdownlint-cli2-bin.mjs');
      const result = spawnSync(process.execPath, [cli, '*.md'], { cwd: dir, encoding: 'utf8' });
      expect({ status: result.status, output: result.stderr }).toEqual({ status: 0, output: '' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('every resource the function runbook names exists among the registered resources', () => {
  const nameInput: Record<string, string> = {
    'aws:cloudwatch/dashboard:Dashboard': 'dashboardName',
    'aws:codedeploy/deploymentGroup:DeploymentGroup': 'deploymentGroupName',
    'aws:codedeploy/deploymentConfig:DeploymentConfig': 'deploymentConfigName',
  };
  const named = component
    .runbookFacts()
    .flatMap((f) => f.resources ?? [])
    .filter((r) => r.type.startsWith('aws:'));
  expect(named.length).toBeGreaterThan(8);
  for (const r of named) {
    expect([r.type, registered.filter((x) => x.type === r.type).map((x) => x.inputs[nameInput[r.type] ?? 'name'])]).toEqual([
      r.type,
      expect.arrayContaining([r.name]),
    ]);
  }
});
