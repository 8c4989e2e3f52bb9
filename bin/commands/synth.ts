import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { loadDefinitionFile } from '../../lib/model/load';
import { Target } from '../../lib/targets/target';
import { assertSupported, CLI_TARGETS, isTargetInstalled, synthesizeTargets, targetsFor } from '../targets';
import { selectEnvironments, writeAll, type CommandContext } from './context';
import { OutputError } from './output-writer';

/** `glidepath synth <definition>`: templates, manifests and runbooks into a directory. */
export function registerSynth(program: Command, { io }: CommandContext): void {
  program
    .command('synth')
    .description('Synthesize CloudFormation templates, Kubernetes manifests and runbooks for a definition')
    .argument('<definition>', 'definition file (.yaml, .yml, .json or .ts)')
    .option('-e, --env <name...>', 'only these environments (default: all)')
    .addOption(
      new Option('-t, --target <target...>', 'only these targets (default: every target the workload runs on)').choices([...CLI_TARGETS]),
    )
    .option('-o, --out <dir>', 'output directory, replaced as a whole', 'glidepath-out')
    .action((file: string, opts: { env?: string[]; target?: Target[]; out: string }) => {
      if (opts.out.trim() === '') {
        throw new OutputError('--out is empty; name the output directory, e.g. --out glidepath-out');
      }
      const definition = loadDefinitionFile(file);
      const environments = selectEnvironments(definition, opts.env) ?? definition.environments.map((e) => e.name);
      const targets = opts.target ?? defaultTargets(targetsFor(definition), io.err);
      assertSupported(file, definition, targets);
      // What the previous synth wrote (read before the directory is replaced): the Kubernetes
      // target carries the migration Job names of earlier releases forward from it.
      const previous = (file: string): string | undefined => {
        const at = path.join(opts.out, file);
        return fs.existsSync(at) ? fs.readFileSync(at, 'utf8') : undefined;
      };
      const { files, warnings } = synthesizeTargets(definition, targets, environments, previous);
      writeAll(opts.out, files, io);
      for (const warning of warnings) io.err(`warning: ${warning}\n`);
      io.out(
        Object.keys(files)
          .map((f) => `wrote ${path.join(opts.out, f)}\n`)
          .join(''),
      );
      if (targets.includes(Target.AWS)) {
        // The templates name Lambda code assets that only `cdk deploy` builds and uploads.
        io.out(
          `note: ${path.join(opts.out, 'aws')}/*.template.json are for review and "glidepath check"; deploy AWS from a CDK app (new DeploymentStack(app, '<service>-<environment>', …); cdk deploy), which builds and uploads their assets\n`,
        );
      }
    });
}

/** Every target the workload runs on whose peers are installed (all of them when none is: the error names what to install). */
function defaultTargets(possible: Target[], note: (text: string) => void): Target[] {
  const installed = possible.filter(isTargetInstalled);
  for (const target of possible.filter((t) => !installed.includes(t))) {
    note(`note: skipping target ${target}: its peer dependencies are not installed (pass --target ${target} to see which)\n`);
  }
  return installed.length > 0 ? installed : possible;
}
