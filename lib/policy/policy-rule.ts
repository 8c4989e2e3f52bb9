import type { ServiceDefinition } from '../model/service-definition';

/** How bad a finding is: errors fail `glidepath check` and synthesis with the plugin; warnings are printed. */
export enum PolicySeverity {
  ERROR = 'error',
  WARNING = 'warning',
}

/** The outcome of one rule on one subject (cdk-nag style). */
export enum RuleOutcome {
  COMPLIANT = 'compliant',
  NON_COMPLIANT = 'non-compliant',
  NOT_APPLICABLE = 'not-applicable',
}

/** One rule result. */
export interface RuleResult {
  readonly outcome: RuleOutcome;
  /** What was checked: a field path (`environments[2]`) or a resource (`checkout-prod/ServiceD2B7`). */
  readonly subject: string;
  /** Why it is non-compliant, and the fix. */
  readonly message?: string;
}

/** A policy finding: a non-compliant result with its rule. */
export interface PolicyFinding {
  readonly rule: string;
  readonly severity: PolicySeverity;
  readonly subject: string;
  readonly message: string;
}

/** Common fields of every rule. */
export interface PolicyRuleInfo {
  /** Stable id, e.g. `GP-PROD1`. */
  readonly id: string;
  /** One line on what the rule demands. */
  readonly summary: string;
  readonly severity: PolicySeverity;
}

/** A rule over a validated definition (the release plan of every environment). */
export interface DefinitionRule extends PolicyRuleInfo {
  check(definition: ServiceDefinition): RuleResult[];
}

/** A CloudFormation template, as JSON. */
export interface CfnTemplate {
  readonly Resources?: Record<
    string,
    { readonly Type: string; readonly Properties?: Record<string, unknown>; readonly Metadata?: Record<string, unknown> }
  >;
}

/** A rule over one synthesized CloudFormation template. */
export interface TemplateRule extends PolicyRuleInfo {
  check(template: CfnTemplate): RuleResult[];
}

/** Shorthands for rule results. */
export const compliant = (subject: string): RuleResult => ({ outcome: RuleOutcome.COMPLIANT, subject });
export const notApplicable = (subject: string): RuleResult => ({ outcome: RuleOutcome.NOT_APPLICABLE, subject });
export const nonCompliant = (subject: string, message: string): RuleResult => ({ outcome: RuleOutcome.NON_COMPLIANT, subject, message });

/** The non-compliant results of a rule, as findings. */
export function findingsOf(rule: PolicyRuleInfo, results: readonly RuleResult[]): PolicyFinding[] {
  return results
    .filter((r) => r.outcome === RuleOutcome.NON_COMPLIANT)
    .map((r) => ({ rule: rule.id, severity: rule.severity, subject: r.subject, message: r.message ?? rule.summary }));
}
