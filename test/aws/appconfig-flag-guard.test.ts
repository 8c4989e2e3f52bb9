import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AppConfigFeatureFlags } from '../../constructs/aws/app-config-feature-flags';
import { appConfigFlagGuard } from '../../lib/runbook/platforms/appconfig-flag-guard';
import { awsCli } from '../../lib/runbook/aws-cli';
import { AppConfigEnvironment } from './support/release-model/appconfig';

/**
 * The pre-deployment guard against undoing a kill switch, run as written by bash against a fake
 * `aws` whose answers come from the AppConfig model (test/aws/support/release-model/appconfig.ts)
 * and are filtered with JMESPath like the CLI's `--query`.
 */

const RELEASE = { DeploymentDurationInMinutes: 10, FinalBakeTimeInMinutes: 10 };
const KILL_SWITCH = { DeploymentDurationInMinutes: 0, FinalBakeTimeInMinutes: 0 };
const GUARD = appConfigFlagGuard({
  aws: awsCli('eu-west-1'),
  stackName: 'checkout-prod',
  applicationName: 'checkout-prod',
  environmentName: 'prod',
  profileName: 'feature-flags',
});

/** A fake `aws`: answers from `state.json` next to it, `--query` applied with jmespath, text output. */
const FAKE_AWS = `const jmespath = require(${JSON.stringify(require.resolve('jmespath'))});
const state = JSON.parse(require('fs').readFileSync(__dirname + '/state.json', 'utf8'));
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
const op = args[0] + ' ' + args[1];
let answer;
if (op === 'appconfig list-applications') answer = { Items: [{ Id: 'app1', Name: 'checkout-prod' }] };
else if (op === 'appconfig list-environments') answer = { Items: [{ Id: 'env1', Name: 'prod' }] };
else if (op === 'appconfig list-deployments') answer = { Items: state.deployments };
else if (op === 'cloudformation describe-stacks') answer = { Stacks: [{ Outputs: [{ OutputKey: 'FeatureFlagsVersion', OutputValue: state.stackVersion }] }] };
else { console.error('unexpected call: ' + args.join(' ')); process.exit(2); }
const out = opt('--query') ? jmespath.search(answer, opt('--query')) : answer;
// --output text: a list of scalars prints tab-separated, null prints None.
console.log(out === null ? 'None' : Array.isArray(out) ? out.join('\\t') : typeof out === 'object' ? JSON.stringify(out) : String(out));
`;

/** Runs the guard against the model's environment at `t` with the stack's version; returns status and stderr. */
function runGuard(env: AppConfigEnvironment, t: number, stackVersion: string): { status: number; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-guard-'));
  try {
    fs.writeFileSync(path.join(dir, 'aws.js'), FAKE_AWS);
    env.served(t); // settles the states at t
    const deployments = [...env.deployments].reverse().map((d) => ({
      DeploymentNumber: d.number,
      ConfigurationName: 'feature-flags',
      ConfigurationVersion: d.version,
      State: d.state,
    }));
    fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ deployments, stackVersion }));
    // A shell function, not a file on PATH: it shadows any real aws CLI and needs no exec permission on the temp dir.
    const fake = `aws() { ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(dir, 'aws.js'))} "$@"; }`;
    const script = ['set -e', fake, ...GUARD.map((c) => c.command)].join('\n');
    const run = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    return { status: run.status ?? -1, stderr: run.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('pre-deployment guard: kill switch, then the next release', () => {
  test('the stack is the last to have deployed the flags: the release may go', () => {
    const env = new AppConfigEnvironment();
    env.start('1', RELEASE, 0, 'stack');
    expect(runGuard(env, 3600, '1')).toEqual({ status: 0, stderr: '' });
  });

  test('a kill switch is live: the release stops and says what to do (without the guard it would turn the flag back on)', () => {
    const env = new AppConfigEnvironment();
    env.start('1', RELEASE, 0, 'stack');
    env.start('2', KILL_SWITCH, 3600, 'kill-switch');
    const refused = runGuard(env, 3700, '1');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('the flags live in prod (version 2) are not the stack');
    expect(refused.stderr).toContain('a kill switch or a change by hand would be undone');
    // What the guard prevents: the stack deploys the definition's flags (version 3, the flag on again).
    env.start('3', RELEASE, 3800, 'stack');
    expect(env.served(3800 + 20 * 60)).toBe('3');
  });

  test('a deployment still runs in the environment: the release waits (one deployment per environment)', () => {
    const env = new AppConfigEnvironment();
    env.start('1', RELEASE, 0, 'stack');
    env.start('2', RELEASE, 3600, 'by hand');
    const refused = runGuard(env, 3700, '1');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('an AppConfig deployment is running in prod; wait for it, then deploy');
  });

  test('once the kill switch is in the definition and deployed, the next release goes', () => {
    const env = new AppConfigEnvironment();
    env.start('1', RELEASE, 0, 'stack');
    env.start('2', KILL_SWITCH, 3600, 'kill-switch');
    env.start('3', RELEASE, 7200, 'stack');
    expect(runGuard(env, 7200 + 20 * 60, '3').status).toBe(0);
  });
});

describe('AppConfigFeatureFlags: the stack states the version it deploys, and the runbook guards the release', () => {
  const stack = new Stack(new App(), 'checkout-prod', { env: { region: 'eu-west-1', account: '111111111111' } });
  const flags = new AppConfigFeatureFlags(stack, 'Flags', {
    applicationName: 'checkout-prod',
    environmentName: 'prod',
    flags: [{ name: 'one-click', description: 'One click', enabled: true, killSwitch: true } as never],
  });

  test('output FeatureFlagsVersion is the hosted configuration version of the template', () => {
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    expect(outputs.FeatureFlagsVersion.Value).toEqual({ Ref: stack.getLogicalId(flags.version) });
  });

  test('the guard is part of the pre-deployment steps', () => {
    const commands = (flags.runbookFacts().preDeploy ?? []).map((c) => c.command);
    expect(commands).toEqual(GUARD.map((c) => c.command).map((c) => c.replace(/checkout-prod/g, 'checkout-prod')));
  });
});
