/** Step id of the manual approval in a delivery pipeline. */
export const APPROVE = 'Approve';

/**
 * The CodePipeline action name of the manual approval of a pipeline stage: CDK Pipelines prefixes
 * a step that runs between a stack's change set and its execution (`stackSteps.changeSet`) with
 * the stack name (`checkout-prod.Approve`); an approval before a whole wave is `Approve`.
 */
export function approvalActionName(stackName?: string): string {
  return stackName ? `${stackName}.${APPROVE}` : APPROVE;
}
