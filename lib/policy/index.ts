import type { ServiceDefinition } from '../model/service-definition';
import { findingsOf, type CfnTemplate, type DefinitionRule, type PolicyFinding, type TemplateRule } from './policy-rule';
import { deadMansSwitch } from './rules/dead-mans-switch';
import { productionAutoRollback } from './rules/production-auto-rollback';
import { productionGate } from './rules/production-gate';
import { promotionPath } from './rules/promotion-path';
import { rollbackWindow } from './rules/rollback-window';
import { secretRotation } from './rules/secret-rotation';
import { alarmActionable } from './template-rules/alarm-actionable';
import { deadMansSwitchPresent } from './template-rules/dead-mans-switch-present';
import { deploymentRollsBack } from './template-rules/deployment-rolls-back';
import { generatedSecretRotates } from './template-rules/generated-secret-rotates';

export * from './policy-rule';

/** The deployment-safety rules over definitions. */
export const DEFINITION_RULES: readonly DefinitionRule[] = [
  productionGate,
  productionAutoRollback,
  deadMansSwitch,
  secretRotation,
  promotionPath,
  rollbackWindow,
];

/** The deployment-safety rules over synthesized CloudFormation templates. */
export const TEMPLATE_RULES: readonly TemplateRule[] = [
  alarmActionable,
  deploymentRollsBack,
  deadMansSwitchPresent,
  generatedSecretRotates,
];

/** Runs every definition rule. */
export function checkDefinitionPolicy(definition: ServiceDefinition): PolicyFinding[] {
  return DEFINITION_RULES.flatMap((rule) => findingsOf(rule, rule.check(definition)));
}

/** Runs every template rule on one template; subjects are prefixed with the stack name. */
export function checkTemplatePolicy(stackName: string, template: CfnTemplate): PolicyFinding[] {
  return TEMPLATE_RULES.flatMap((rule) => findingsOf(rule, rule.check(template))).map((f) => ({
    ...f,
    subject: `${stackName}/${f.subject}`,
  }));
}
