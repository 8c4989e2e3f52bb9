import { Option, type Command } from 'commander';
import { loadDefinitionFile } from '../../lib/model/load';
import { environmentOf } from '../../lib/model/service-definition';
import { synthesizeArtifacts, Target } from '../artifacts';
import { runbookFileName } from '../../lib/runbook/anchors';
import { RunbookTarget } from '../../lib/runbook/facts';
import { writeOutput, type CommandContext } from './context';

/** `glidepath runbook <definition> --env NAME --target aws|k8s`: one runbook, to stdout or a file. */
export function registerRunbook(program: Command, { io }: CommandContext): void {
  program
    .command('runbook')
    .description('Render the runbook of one environment and target (stdout by default)')
    .argument('<definition>', 'definition file (.yaml, .yml, .json or .ts)')
    .requiredOption('-e, --env <name>', 'environment')
    .addOption(new Option('-t, --target <target>', 'target').choices(Object.values(Target)).default(Target.AWS))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action((file: string, opts: { env: string; target: Target; output?: string }) => {
      const definition = loadDefinitionFile(file);
      const env = environmentOf(definition, opts.env).name;
      if (opts.target === Target.KUBERNETES && !definition.workload.container) {
        throw new Error(`${file}: "${definition.service}" is a function; the k8s target runs containers, use --target aws`);
      }
      const { files, warnings } = synthesizeArtifacts(definition, { environments: [env], targets: [opts.target] });
      const runbookTarget = opts.target === Target.KUBERNETES ? RunbookTarget.KUBERNETES : RunbookTarget.AWS;
      for (const warning of warnings) io.err(`warning: ${warning}\n`);
      writeOutput(io, files[`runbooks/${runbookFileName(definition.service, env, runbookTarget)}`], opts.output);
    });
}
