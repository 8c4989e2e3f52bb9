import type { Command } from 'commander';
import { loadDefinitionFile } from '../../lib/model/load';
import { detectionReport } from '../../lib/plan/detection/detection-plan';
import { formatDetectionTable } from '../../lib/plan/detection/detection-table';
import { planRollout } from '../../lib/plan/rollout/rollout-plan';
import { checkDefinitionPolicy, checkTemplatePolicy, PolicySeverity, type PolicyFinding } from '../../lib/policy';
import { awsRenderer, isTargetInstalled, renderTargetRunbooks, Target, targetsFor } from '../targets';
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
    .option(
      '--spec',
      "also run aws-cdk-lib's built-in CloudFormation validation (its cfn-lint rules), which synth runs and fails on; about 6 s of CPU more",
    )
    .action((file: string, opts: { env?: string[]; spec?: boolean }) => {
      const definition = loadDefinitionFile(file);
      const environments = selectEnvironments(definition, opts.env);
      const names = environments ?? definition.environments.map((e) => e.name);
      // AWS always (the template policy reads CloudFormation), synthesized once for every environment,
      // without runbooks, and without aws-cdk-lib's cfn-lint rules unless asked: they cost most of a
      // synthesis and check the template against the CloudFormation specification, not the release
      // policy; synth and cdk synth still run them, and the suites run them on every example.
      const aws = awsRenderer('check').synthesizeAws(definition, names, { specValidation: opts.spec === true, runbooks: false });
      // Kubernetes too where synth would render it: its warnings come from the plan, so no cdk8s synthesis.
      const targets = [Target.AWS, ...targetsFor(definition).filter((t) => t === Target.KUBERNETES && isTargetInstalled(t))];
      const warnings = [...aws.warnings, ...renderTargetRunbooks(definition, targets.slice(1), names).warnings];
      const templates = Object.entries(aws.templates);
      const findings: PolicyFinding[] = [
        ...checkDefinitionPolicy(definition),
        ...templates.flatMap(([name, text]) => checkTemplatePolicy(name.replace('.template.json', ''), JSON.parse(text))),
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
