import { compliant, nonCompliant, PolicySeverity, type TemplateRule } from '../policy-rule';

/** GP-ALARM1: every alarm notifies someone and states how missing data is treated. */
export const alarmActionable: TemplateRule = {
  id: 'GP-ALARM1',
  summary: 'Every CloudWatch alarm has an alarm action and an explicit TreatMissingData',
  severity: PolicySeverity.ERROR,
  check: (template) =>
    Object.entries(template.Resources ?? {})
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
      .map(([id, r]) => {
        const props = r.Properties ?? {};
        const actions = props.AlarmActions;
        if (!Array.isArray(actions) || actions.length === 0) {
          return nonCompliant(id, `alarm ${id} has no AlarmActions: nobody hears it; add a topic (critical pages, warnings notify)`);
        }
        if (props.TreatMissingData === undefined) {
          return nonCompliant(
            id,
            `alarm ${id} does not set TreatMissingData; state it ("breaching" for dead-man's switches, "notBreaching" for rates)`,
          );
        }
        return compliant(id);
      }),
};
