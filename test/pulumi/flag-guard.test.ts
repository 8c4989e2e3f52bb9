import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { awsCli } from '../../lib/runbook/aws-cli';
import type { RunbookCommand } from '../../lib/runbook/facts';
import { appConfigFlagGuard, FlagsVersionSource } from '../../lib/runbook/platforms/appconfig-flag-guard';
import { AppConfigEnvironment } from '../aws/support/release-model/appconfig';
import { checkout, installMocks, network, settle } from './helpers';

/**
 * The Pulumi runbook's pre-deployment flag guard, run as written by bash: `aws` answers from the
 * AppConfig model (test/aws/support/release-model/appconfig.ts), `pulumi stack export` prints a
 * state whose hosted configuration version is the one the last `pulumi up` deployed. Like the
 * CloudFormation guard (test/aws/appconfig-flag-guard.test.ts), a kill switch live in the
 * environment stops the next `pulumi up`, which would otherwise deploy the definition's flags
 * over it.
 */

installMocks('prod');
const RELEASE = { DeploymentDurationInMinutes: 10, FinalBakeTimeInMinutes: 10 };
const KILL_SWITCH = { DeploymentDurationInMinutes: 0, FinalBakeTimeInMinutes: 0 };
let guard: RunbookCommand[];

beforeAll(async () => {
  const component = new DeploymentComponent('checkout-prod', {
    definition: checkout(),
    environment: 'prod',
    platform: DeploymentPlatform.AWS,
    network,
  });
  await settle();
  const preDeploy = component.runbookFacts().flatMap((f) => f.preDeploy ?? []);
  guard = preDeploy.filter((c) => /appconfig list-(applications|deployments)|STACK_VERSION/.test(c.command));
});

const FAKE_AWS = `const jmespath = require(${JSON.stringify(require.resolve('jmespath'))});
const state = JSON.parse(require('fs').readFileSync(__dirname + '/state.json', 'utf8'));
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
const op = args[0] + ' ' + args[1];
let answer;
if (op === 'appconfig list-applications') answer = { Items: [{ Id: 'app1', Name: 'checkout-prod' }] };
else if (op === 'appconfig list-environments') answer = { Items: [{ Id: 'env1', Name: 'prod' }] };
else if (op === 'appconfig list-deployments') answer = { Items: state.deployments };
else { console.error('unexpected call: ' + args.join(' ')); process.exit(2); }
const out = opt('--query') ? jmespath.search(answer, opt('--query')) : answer;
console.log(out === null ? 'None' : Array.isArray(out) ? out.join('\\t') : typeof out === 'object' ? JSON.stringify(out) : String(out));
`;

/** The state `pulumi stack export` prints: the checkout flags at `version`, another application's at 9. */
const exported = (version: number) => ({
  version: 3,
  deployment: {
    resources: [
      {
        type: 'aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion',
        outputs: { applicationId: 'other', versionNumber: 9 },
      },
      {
        type: 'aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion',
        outputs: { applicationId: 'app1', versionNumber: version },
      },
    ],
  },
});

/** Runs the guard at `t`; `pulumiVersion` undefined: no Pulumi stack yet (`pulumi stack export` fails). */
function runGuard(env: AppConfigEnvironment, t: number, pulumiVersion?: number): { status: number; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-pulumi-guard-'));
  try {
    fs.writeFileSync(path.join(dir, 'aws.js'), FAKE_AWS);
    env.served(t);
    const deployments = [...env.deployments].reverse().map((d) => ({
      DeploymentNumber: d.number,
      ConfigurationName: 'feature-flags',
      ConfigurationVersion: d.version,
      State: d.state,
    }));
    fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ deployments }));
    fs.writeFileSync(path.join(dir, 'export.json'), JSON.stringify(pulumiVersion === undefined ? {} : exported(pulumiVersion)));
    const fakeAws = `aws() { ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(dir, 'aws.js'))} "$@"; }`;
    const fakePulumi =
      pulumiVersion === undefined
        ? `pulumi() { echo "error: no stack named 'prod' found" >&2; return 255; }`
        : `pulumi() { [ "$1 $2 $3 $4" = "stack export --stack prod" ] && cat ${JSON.stringify(path.join(dir, 'export.json'))}; }`;
    const script = ['set -e', fakeAws, fakePulumi, ...guard.map((c) => c.command)].join('\n');
    const run = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    return { status: run.status ?? -1, stderr: run.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('Pulumi pre-deployment flag guard: kill switch, then the next pulumi up', () => {
  test('the runbook compares with the version in the Pulumi state, not a CloudFormation output', () => {
    const text = guard.map((c) => c.command).join('\n');
    expect(text).toContain('pulumi stack export --stack prod');
    expect(text).not.toContain('cloudformation');
    expect(guard).toHaveLength(3);
    // The same steps as the guard built for a Pulumi stack directly.
    const direct = appConfigFlagGuard({
      aws: awsCli('eu-west-1'),
      stackName: 'prod',
      applicationName: 'checkout-prod',
      environmentName: 'prod',
      profileName: 'feature-flags',
      deployedVersion: FlagsVersionSource.PULUMI_STATE,
    });
    expect(guard.map((c) => c.command)).toEqual(direct.map((c) => c.command));
  });

  test('the last pulumi up deployed the flags live: the release may go', () => {
    const env = new AppConfigEnvironment();
    env.start('1', RELEASE, 0, 'pulumi up');
    expect(runGuard(env, 3600, 1)).toEqual({ status: 0, stderr: '' });
  });

  test('a kill switch is live: the release stops and says what to do', () => {
    const env = new AppConfigEnvironment();
    env.start('1', RELEASE, 0, 'pulumi up');
    env.start('2', KILL_SWITCH, 3600, 'kill-switch');
    const refused = runGuard(env, 3700, 1);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('the flags live in prod (version 2) are not the stack');
  });

  test('once the kill switch is in the definition and deployed by pulumi up, the next release goes', () => {
    const env = new AppConfigEnvironment();
    env.start('1', RELEASE, 0, 'pulumi up');
    env.start('2', KILL_SWITCH, 3600, 'kill-switch');
    env.start('3', RELEASE, 7200, 'pulumi up');
    expect(runGuard(env, 7200 + 20 * 60, 3).status).toBe(0);
  });

  test('before the first pulumi up (no stack state) the guard lets the release go', () => {
    expect(runGuard(new AppConfigEnvironment(), 0).status).toBe(0);
  });
});
