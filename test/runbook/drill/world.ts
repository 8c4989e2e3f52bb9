import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsWorld, type DeployedStack, type StubResult } from './aws-world';
import { GitWorld } from './git-world';
import type { KubeObject } from './k8s-cluster';
import { KubernetesWorld } from './k8s-world';

/**
 * Everything one runbook's commands can reach: AWS stacks, a cluster, a git history, a Pulumi
 * stack, and the stubs' answers for the tools that are not cloud APIs (npx, git, curl, pulumi,
 * sleep advancing the simulated clock).
 */
export class DrillWorld {
  public readonly aws: AwsWorld;
  public readonly k8s?: KubernetesWorld;
  public readonly git: GitWorld;
  private readonly other: string[] = [];

  constructor(
    stacks: readonly DeployedStack[],
    private readonly opts: {
      releaseCommit: string;
      firing?: readonly string[];
      manifest?: string;
      /** What the cluster runs beside the manifest. @default - clusterAddOns(): every controller the chart requires */
      cluster?: KubeObject[];
      pulumiStack?: string;
      /** The release was a merge commit; main refuses direct pushes. */
      git?: { merge?: boolean; protectedMain?: boolean };
    },
  ) {
    let git: GitWorld | undefined;
    this.aws = new AwsWorld(stacks, opts.releaseCommit, opts.firing ?? [], () => git!.remoteHead());
    this.git = git = new GitWorld(opts.releaseCommit, {
      ...opts.git,
      onPushToMain: (sha) => {
        if (this.aws.pipeline.name) this.aws.pipeline.start(sha);
      },
    });
    this.k8s = opts.manifest ? new KubernetesWorld(opts.manifest, opts.cluster) : undefined;
  }

  public get problems(): string[] {
    return [...this.aws.problems, ...(this.k8s?.problems ?? []), ...this.git.problems, ...this.other];
  }

  /** Simulated seconds since the section started. */
  public set clock(seconds: number) {
    this.aws.clock = seconds;
    if (this.k8s) this.k8s.clock = seconds;
  }

  private fail(problem: string): StubResult {
    this.other.push(problem);
    return { stdout: problem, status: 1 };
  }

  /** An HTTP request to 127.0.0.1:`port` (amtool): what a port-forward of the section reaches, if any. */
  public http(port: number, method: string, urlPath: string, body: string): { status: number; body: string } | undefined {
    return this.k8s?.http(port, method, urlPath, body);
  }

  public handle(tool: string, cwd: string, argv: string[]): StubResult {
    const stdinFile = argv.find((a) => a.startsWith('--drill-stdin-file='))?.slice('--drill-stdin-file='.length);
    const args = argv.filter((a) => !a.startsWith('--drill-stdin-file='));
    if (this.k8s) this.k8s.stdin = stdinFile ? fs.readFileSync(stdinFile, 'utf8') : undefined;
    switch (tool) {
      case 'aws':
        return this.aws.aws(args, cwd);
      case 'kubectl': {
        if (!this.k8s) return this.fail('kubectl called in a runbook without a cluster');
        const file = args[args.indexOf('-f') + 1];
        if (args.includes('-f') && file !== '-' && !fs.existsSync(path.resolve(cwd, file)))
          return this.fail(`kubectl: -f ${file} does not exist in the working directory`);
        // `apply|diff -f FILE` reads the file as `apply -f -` reads stdin.
        if (args.includes('-f') && file !== '-' && (args.includes('apply') || args.includes('diff')))
          this.k8s.stdin = fs.readFileSync(path.resolve(cwd, file), 'utf8');
        return this.k8s.kubectl(args);
      }
      case 'git':
        return this.git.git(args);
      case 'gh':
        return this.git.gh(args);
      case 'curl': {
        const url = args.find((a) => /^https?:\/\//.test(a));
        return url ? { stdout: 'ok', status: 0 } : this.fail(`curl without an http(s) URL: ${args.join(' ')}`);
      }
      case 'npx': {
        if (args[0] === 'cdk' && args[1] === 'synth') return { stdout: '', status: 0 };
        if (args[0] === 'cdk' && ['diff', 'deploy'].includes(args[1])) {
          return this.aws.stacks.some((s) => s.name === args[2])
            ? { stdout: '', status: 0 }
            : this.fail(`npx cdk ${args[1]}: no stack ${args[2]}`);
        }
        if (args[0] === 'glidepath' && args[1] === 'smoke-test') {
          const config = args[args.indexOf('--config') + 1];
          const url = args[args.indexOf('--url') + 1];
          if (!/^https?:\/\//.test(url ?? '')) return this.fail(`glidepath smoke-test: --url "${url}" is not a URL`);
          return fs.existsSync(path.resolve(cwd, config))
            ? { stdout: 'all smoke tests passed', status: 0 }
            : this.fail(`glidepath smoke-test: --config ${config} does not exist in the working directory`);
        }
        return this.fail(`npx ${args.slice(0, 2).join(' ')}: not expected in a runbook`);
      }
      case 'pulumi': {
        const stack = args[args.indexOf('--stack') + 1];
        if (!args.includes('--stack') || stack !== this.opts.pulumiStack)
          return this.fail(`pulumi ${args[0]}: --stack ${stack} is not the runbook's stack ${this.opts.pulumiStack}`);
        if (args[0] === 'stack' && args[1] === 'history')
          // `pulumi stack history` lists newest first; a refresh is an update of kind "refresh" without a commit
          // (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_history/).
          return {
            stdout: JSON.stringify([
              { kind: 'refresh', result: 'succeeded', environment: {} },
              { kind: 'update', result: 'succeeded', environment: { 'git.head': this.opts.releaseCommit } },
            ]),
            status: 0,
          };
        if (args[0] === 'stack' && args[1] === 'output') return { stdout: 'http://lb.example.com', status: 0 };
        if (args[0] === 'stack' && args[1] === 'export')
          return {
            stdout: JSON.stringify({ version: 3, deployment: { resources: this.aws.appconfig.pulumiStateResources() } }),
            status: 0,
          };
        // `pulumi up --refresh` first reads every object back: one deleted out of band (a Failed Job) is created
        // anew; a plain `pulumi up` trusts its state and leaves it absent
        // (https://www.pulumi.com/docs/iac/cli/commands/pulumi_up/, `--refresh`).
        if (args[0] === 'up' && args.includes('--refresh') && this.k8s && this.opts.manifest) {
          this.k8s.stdin = this.opts.manifest;
          const applied = this.k8s.kubectl(['apply', '--server-side', '-f', '-']);
          if (applied.status !== 0) return applied;
          return { stdout: '', status: 0 };
        }
        return ['preview', 'up'].includes(args[0]) ? { stdout: '', status: 0 } : this.fail(`pulumi ${args[0]}: not expected`);
      }
      default:
        return this.fail(`unexpected tool ${tool}`);
    }
  }
}
