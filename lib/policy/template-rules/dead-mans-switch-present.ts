import { compliant, nonCompliant, notApplicable, PolicySeverity, type TemplateRule } from '../policy-rule';

const WORKLOADS = ['AWS::ECS::Service', 'AWS::Lambda::Function'];

/** GP-ALARM2: a stack that runs a workload has an alarm that fires on missing data. */
export const deadMansSwitchPresent: TemplateRule = {
  id: 'GP-ALARM2',
  summary: "A stack that runs a workload has a dead-man's switch: an alarm with TreatMissingData breaching",
  severity: PolicySeverity.ERROR,
  check: (template) => {
    const resources = Object.values(template.Resources ?? {});
    if (!resources.some((r) => r.Type === 'AWS::ECS::Service' || r.Type === 'AWS::CodeDeploy::DeploymentGroup')) {
      return [notApplicable('stack')];
    }
    const breaching = resources.some((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.TreatMissingData === 'breaching');
    return [
      breaching
        ? compliant('stack')
        : nonCompliant(
            'stack',
            `the stack runs ${WORKLOADS.join(' / ')} but no alarm treats missing data as breaching; add a DeadMansSwitch`,
          ),
    ];
  },
};
