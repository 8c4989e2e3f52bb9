import type { Command } from 'commander';
import { loadDefinitionFile } from '../../lib/model/load';
import { detectionReport } from '../../lib/plan/detection/detection-plan';
import { formatDetectionTable } from '../../lib/plan/detection/detection-table';
import { planRollout } from '../../lib/plan/rollout/rollout-plan';
import { checkDefinitionPolicy, checkTemplatePolicy, PolicySeverity, type PolicyFinding } from '../../lib/policy';
import { synthesizeArtifacts, Target, targetsFor } from '../artifacts';
import { awsRenderer, isTargetInstalled } from '../targets';
import { selectEnvironments, type CommandContext } from './context';

/** The rule name of a warning `glidepath synth` (and `cdk synth`) prints. */
export const SYNTH_WARNING_RULE = 'synth';

/**
 * `glidepath check <definition>`: the deployment-safety policy over the definition and the
 * CloudFormation it synthesizes, plus every warning `glidepath synth` prints for the same
 * environments (once per environment and target). Exit 1 on errors; warnings are printed.
 */
export function registerCheck(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command('check')
    .description('Check a definition against the deployment-safety policy and report every synth warning (exit 1 on errors)')
    .argument('<definition>', 'definition file (.yaml, .yml, .json or .ts)')
    .option('-e, --env <name...>', 'only these environments (default: all)')
    .action((file: string, opts: { env?: string[] }) => {
      const definition = loadDefinitionFile(file);
      const environments = selectEnvironments(definition, opts.env);
      awsRenderer('check'); // names the missing peer before anything renders
      // AWS always (the template policy reads CloudFormation); Kubernetes too where synth would render it.
      const targets = [Target.AWS, ...targetsFor(definition).filter((t) => t === Target.KUBERNETES && isTargetInstalled(t))];
      const { files, warnings } = synthesizeArtifacts(definition, { environments, targets });
      const templates = Object.entries(files).filter(([name]) => name.startsWith('aws/') && name.endsWith('.template.json'));
      const findings: PolicyFinding[] = [
        ...checkDefinitionPolicy(definition),
        ...templates.flatMap(([name, text]) =>
          checkTemplatePolicy(name.replace(/^aws\//, '').replace('.template.json', ''), JSON.parse(text)),
        ),
        ...[...new Set(warnings)].map((warning) => synthWarning(warning)),
      ];
      const errors = findings.filter((f) => f.severity === PolicySeverity.ERROR);
      for (const f of findings) {
        (f.severity === PolicySeverity.ERROR ? io.err : io.out)(`${f.severity} ${f.rule} ${f.subject}: ${f.message}\n`);
      }
      // Detection power per step, from the plan alone (no synthesis needed).
      for (const target of targets) {
        for (const env of definition.environments.filter((e) => environments === undefined || environments.includes(e.name))) {
          const plan = planRollout(definition, target, env);
          const report = detectionReport(env, {
            label: `${definition.service}-${env.name}`,
            environmentIndex: env.order,
            schedule: plan.schedule,
            scrapeInterval: env.kubernetes.scrapeInterval,
            minimumRequests: env.kubernetes.declaredMinimumRequests,
          });
          if (report) io.out(`${formatDetectionTable(report)}\n`);
        }
      }
      io.out(`${file}: ${errors.length} error(s), ${findings.length - errors.length} warning(s)\n`);
      if (errors.length > 0) setExitCode(1);
    });
}

/** `checkout-prod: rollback level 2 …` → subject `checkout-prod`, the rest as the message. */
function synthWarning(warning: string): PolicyFinding {
  const match = /^([^:]+): (.*)$/s.exec(warning);
  return {
    rule: SYNTH_WARNING_RULE,
    severity: PolicySeverity.WARNING,
    subject: match ? match[1] : 'synth',
    message: match ? match[2] : warning,
  };
}
