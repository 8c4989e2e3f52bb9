import * as path from 'node:path';
import type { Command } from 'commander';
import { loadDefinitionFile } from '../../lib/model/load';
import { githubWorkflow } from '../../lib/pipeline/github-workflow';
import { writeOutput, type CommandContext } from './context';

/** `glidepath pipeline github <definition> [--output file]`: the GitHub Actions release workflow. */
export function registerPipeline(program: Command, { io }: CommandContext): void {
  const pipeline = program.command('pipeline').description('Generate the delivery pipeline of a definition');
  pipeline
    .command('github')
    .description('Generate a GitHub Actions workflow: lint, test, build, then each environment in order with its gates (stdout by default)')
    .argument('<definition>', 'definition file (.yaml, .yml, .json or .ts), relative to the repository root (the current directory)')
    .option('-o, --output <file>', 'write to this file, e.g. .github/workflows/deploy.yml')
    .option('--node-version <version>', 'Node.js version of the jobs', '20')
    .action((file: string, opts: { output?: string; nodeVersion: string }) => {
      const definitionPath = path.relative(process.cwd(), path.resolve(file)).split(path.sep).join('/');
      if (definitionPath.startsWith('../')) {
        throw new Error(`${file} is outside the current directory; run the command from the repository root`);
      }
      const definition = loadDefinitionFile(file);
      writeOutput(io, githubWorkflow(definition, { definitionPath, nodeVersion: opts.nodeVersion }), opts.output);
      if (opts.output) io.out(`wrote ${opts.output}\n`);
    });
}
