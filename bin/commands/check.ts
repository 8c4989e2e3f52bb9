import type { Command } from 'commander';
import { loadDefinitionFile } from '../../lib/model/load';
import { checkDefinitionPolicy, checkTemplatePolicy, PolicySeverity, type PolicyFinding } from '../../lib/policy';
import { awsRenderer } from '../targets';
import { selectEnvironments, type CommandContext } from './context';

/**
 * `glidepath check <definition>`: the deployment-safety policy over the definition and the
 * CloudFormation it synthesizes. Exit 1 on errors; warnings are printed.
 */
export function registerCheck(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command('check')
    .description('Check a definition against the deployment-safety policy (exit 1 on errors)')
    .argument('<definition>', 'definition file (.yaml, .yml, .json or .ts)')
    .option('-e, --env <name...>', 'only these environments (default: all)')
    .action((file: string, opts: { env?: string[] }) => {
      const definition = loadDefinitionFile(file);
      const environments = selectEnvironments(definition, opts.env);
      const { templates } = awsRenderer('check').synthesizeAws(definition, environments);
      const findings: PolicyFinding[] = [
        ...checkDefinitionPolicy(definition),
        ...Object.entries(templates).flatMap(([name, text]) => checkTemplatePolicy(name.replace('.template.json', ''), JSON.parse(text))),
      ];
      const errors = findings.filter((f) => f.severity === PolicySeverity.ERROR);
      for (const f of findings) {
        (f.severity === PolicySeverity.ERROR ? io.err : io.out)(`${f.severity} ${f.rule} ${f.subject}: ${f.message}\n`);
      }
      io.out(`${file}: ${errors.length} error(s), ${findings.length - errors.length} warning(s)\n`);
      if (errors.length > 0) setExitCode(1);
    });
}
