import { environmentOf, type ServiceDefinition } from '../../model/service-definition';
import { ResourceNames } from '../../plan/names';
import type { RunbookFacts } from '../facts';
import { renderRunbook } from '../render';
import { awsAcceptedRisks } from './aws-accepted-risks';
import { awsPlanRunbookFacts } from './aws-plan';
import { awsPlanWarnings } from './aws-warnings';

/**
 * The runbook of the AWS CloudFormation target for one environment and the warnings synthesis
 * prints, from the plan, without aws-cdk-lib: what `renderStackRunbook(new DeploymentStack(...))`
 * renders after `cdk synth` (the facts of every construct, then the findings they acknowledge),
 * byte for byte. `glidepath runbook -t aws` prints this; the tests compare it with synthesis for
 * every example environment.
 */
export function awsPlanRunbook(definition: ServiceDefinition, environment: string): { content: string; warnings: string[] } {
  const env = environmentOf(definition, environment);
  const facts = awsPlanRunbookFacts(definition, env.name);
  const warnings = awsPlanWarnings(definition, env.name, facts);
  const acceptedRisks = awsAcceptedRisks(definition, env.name);
  const all: RunbookFacts[] = acceptedRisks.length > 0 ? [...facts, { acceptedRisks }] : facts;
  const stack = new ResourceNames(definition.service, env.name).stack;
  return { content: renderRunbook(all, { title: `Runbook: ${stack}`, budgets: definition.rollbackBudgets }), warnings };
}
