import * as fs from 'node:fs';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib/core';
import { TEMPLATE_RULES, RuleOutcome, PolicySeverity, type CfnTemplate } from '../../lib/policy';

/** Props for `DeploymentSafetyChecks`. */
export interface DeploymentSafetyChecksProps {
  /** Fail synthesis on warnings too. @default false */
  readonly failOnWarnings?: boolean;
}

/**
 * glidepath's deployment-safety rules as an aws-cdk-lib policy validation plugin (the cdk-nag v3
 * mechanism): add it to any CDK app and synthesis reports deployments that cannot roll back,
 * alarms nobody hears, stacks without a dead-man's switch and generated secrets that never rotate.
 *
 * ```ts
 * Validations.of(app).addPlugins(new DeploymentSafetyChecks());
 * ```
 *
 * Acknowledge a finding with a reason: `Validations.of(x).acknowledge({ id: 'GP-ALARM1', reason })`.
 */
export class DeploymentSafetyChecks implements IPolicyValidationPlugin {
  public readonly name = 'glidepath-deployment-safety';
  public readonly ruleIds = TEMPLATE_RULES.map((r) => r.id);

  constructor(private readonly props: DeploymentSafetyChecksProps = {}) {}

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    for (const templatePath of context.templatePaths) {
      const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as CfnTemplate;
      for (const rule of TEMPLATE_RULES) {
        const failing = rule.check(template).filter((r) => r.outcome === RuleOutcome.NON_COMPLIANT);
        if (failing.length === 0) continue;
        // Each message reads "what is wrong; how to fix it": the report shows each part once.
        const parts = failing.map((r) => splitFix(r.message ?? ''));
        violations.push({
          ruleName: rule.id,
          description: `${rule.summary}. ${parts.map((p) => p.problem).join('. ')}`,
          severity: rule.severity,
          fix: [...new Set(parts.map((p) => p.fix).filter((f) => f !== ''))].join('; ') || rule.summary,
          violatingResources: failing.map((r) => ({
            resourceLogicalId: r.subject === 'stack' ? undefined : r.subject,
            templatePath,
            locations: r.subject === 'stack' ? ['Resources'] : [`Resources/${r.subject}`],
          })),
        });
      }
    }
    const failing = violations.filter((v) => v.severity === PolicySeverity.ERROR || this.props.failOnWarnings);
    return { violations, success: failing.length === 0 };
  }
}

/** `alarm X has no AlarmActions: nobody hears it; add a topic` → problem and fix. */
function splitFix(message: string): { problem: string; fix: string } {
  const at = message.lastIndexOf('; ');
  return at < 0 ? { problem: message, fix: '' } : { problem: message.slice(0, at), fix: message.slice(at + 2) };
}
