import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Peer } from '../../lib/private/peers';

/*
 * A Pulumi program needs only its own peers (README "Pulumi"): on AWS `@pulumi/pulumi` and
 * `@pulumi/aws`; on Kubernetes `@pulumi/kubernetes` and cdk8s (which renders the objects). Each case
 * runs the checkout program in a child process whose module resolver refuses the packages a user
 * did not install (support/only-peers.js), under Pulumi mocks. Resolving is refused rather than the
 * packages removed: the packed-tarball trial (test/examples) proves the same with real installs,
 * at minutes per install on this machine; this runs in seconds and fails on the first static import
 * of a foreign peer.
 */
const script = path.join(__dirname, 'support', 'only-peers.js');
const PEERS: string[] = Object.values(Peer);

async function runWithout(blocked: readonly string[], platform: 'aws' | 'kubernetes') {
  const { stdout } = await promisify(execFile)(process.execPath, [script, platform], {
    env: { ...process.env, GLIDEPATH_BLOCKED: JSON.stringify(blocked) },
  });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as { alarms?: number; error?: string; loaded: string[] };
  return { ...result, peers: result.loaded.filter((p) => PEERS.includes(p)) };
}

test('on AWS the program deploys with only @pulumi/pulumi and @pulumi/aws installed', async () => {
  const result = await runWithout([Peer.AWS_CDK_LIB, Peer.CONSTRUCTS, Peer.CDK8S, Peer.CDK8S_PLUS, Peer.PULUMI_KUBERNETES], 'aws');
  expect(result.error).toBeUndefined();
  // The component got as far as creating its CloudWatch alarms under the mock engine.
  expect(result.alarms).toBeGreaterThan(0);
  expect(result.peers).toEqual(['@pulumi/aws', '@pulumi/pulumi']);
});

test('on Kubernetes a missing cdk8s is named with its install command, not "Cannot find module"', async () => {
  const result = await runWithout([Peer.CDK8S, Peer.CDK8S_PLUS, Peer.PULUMI_AWS, Peer.AWS_CDK_LIB], 'kubernetes');
  expect(result.error).toBe(
    'DeploymentComponent (platform kubernetes) needs the peer dependencies "cdk8s", "cdk8s-plus-28", which are not installed: run npm install cdk8s cdk8s-plus-28',
  );
  expect(result.peers).not.toContain(Peer.PULUMI_AWS);
});

test('without @pulumi/aws the AWS platform names it', async () => {
  const result = await runWithout([Peer.PULUMI_AWS], 'aws');
  expect(result.error).toBe(
    'DeploymentComponent (platform aws) needs the peer dependency "@pulumi/aws", which is not installed: run npm install @pulumi/aws',
  );
});

test('without @pulumi/pulumi the entry point names it', async () => {
  const result = await runWithout([Peer.PULUMI], 'aws');
  expect(result.error).toBe(
    'glidepath/pulumi needs the peer dependency "@pulumi/pulumi", which is not installed: run npm install @pulumi/pulumi',
  );
  expect(result.peers).toEqual([]);
});

/** Runs the CLI of the repository with `blocked` unresolvable; its exit code, stdout and stderr. */
function cliWithout(blocked: readonly string[], args: readonly string[]) {
  const root = path.join(__dirname, '..', '..');
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--require', path.join(__dirname, 'support', 'block-packages.js'), path.join(root, 'bin', 'glidepath-bin.js'), ...args],
      { cwd: root, env: { ...process.env, GLIDEPATH_BLOCKED: JSON.stringify(blocked) } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

test('glidepath runbook -t pulumi needs no peer at all: no @pulumi/*, no aws-cdk-lib, no cdk8s (the runbook comes from the plan)', async () => {
  const args = ['runbook', 'examples/checkout/definition.yaml', '--env', 'prod', '--target', 'pulumi'];
  const rendered = await cliWithout(PEERS, args);
  expect(rendered.stderr).toBe('');
  expect(rendered.code).toBe(0);
  expect(rendered.stdout).toContain('| Target | Pulumi stack `prod` |');
  expect(rendered.stdout).toContain('pulumi up --stack prod --yes');
});
