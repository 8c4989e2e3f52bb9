import { Duration } from '../../model/duration';
import type { AwsCli } from '../aws-cli';
import type { RunbookCommand } from '../command';
import { pollCommand } from '../poll';

/** What the Lambda level 2 procedure names. */
export interface LambdaRollbackNames {
  readonly aws: AwsCli;
  readonly functionName: string;
  readonly alias: string;
  readonly application: string;
  readonly deploymentGroup: string;
}

/**
 * Level 2 on a Lambda alias shifted by CodeDeploy, safe after CodeDeploy's own rollback: it reads
 * the group's last attempted deployment (`get-deployment-group`, documented; `list-deployments`
 * documents no order) and
 *
 * - a rollback deployment (`rollbackInfo.rollbackTriggeringDeploymentId` set): CodeDeploy rolled
 *   back already (a rollback is a NEW deployment): nothing to do but verify;
 * - in flight: stops it with `--auto-rollback-enabled`;
 * - finished: points the alias at the CurrentVersion of THAT deployment's AppSpec, not of "the last
 *   Succeeded deployment", which after an automatic rollback is the rollback itself.
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentGroupInfo.html
 */
export function lambdaLevel2(n: LambdaRollbackNames): { commands: RunbookCommand[]; verify: RunbookCommand[] } {
  const { aws, functionName: fn, alias } = n;
  const group = `--application-name ${n.application} --deployment-group-name ${n.deploymentGroup}`;
  const lastAttempted = [
    `DEPLOYMENT_ID=$(${aws`deploy get-deployment-group ${group} --query 'deploymentGroupInfo.lastAttemptedDeployment.deploymentId' --output text`})`,
    `read -r STATUS ROLLBACK_OF < <(${aws`deploy get-deployment --deployment-id "$DEPLOYMENT_ID" --query 'deploymentInfo.[status,rollbackInfo.rollbackTriggeringDeploymentId]' --output text`})`,
  ];
  return {
    commands: [
      {
        description:
          'Find the last deployment CodeDeploy attempted, its status, and whether it is itself a rollback (CodeDeploy rolls back by creating a new deployment)',
        command: [...lastAttempted, 'echo "$DEPLOYMENT_ID $STATUS (rollback of: $ROLLBACK_OF)"'].join('\n'),
        expected: 'a deployment id, its status, and None unless it is a rollback',
      },
      {
        description: 'In flight: stop it; CodeDeploy moves all traffic back to the version it replaced (a new rollback deployment)',
        command: `case "$STATUS" in Created|Queued|InProgress|Baking|Ready) ${aws`deploy stop-deployment --deployment-id "$DEPLOYMENT_ID" --auto-rollback-enabled`} ;; *) echo "not in flight: $STATUS" ;; esac`,
        expected: '"status": "Pending" (stopping), or "not in flight"',
      },
      {
        description:
          'Finished and not a rollback: point the alias at the version that deployment replaced (CurrentVersion of its AppSpec). After an automatic rollback (ROLLBACK_OF set) the alias is already back: change nothing',
        command: [
          'if [ "$ROLLBACK_OF" = None ] && { [ "$STATUS" = Succeeded ] || [ "$STATUS" = Failed ] || [ "$STATUS" = Stopped ]; }; then',
          `  PREVIOUS_VERSION=$(${aws`deploy get-deployment --deployment-id "$DEPLOYMENT_ID" --query 'deploymentInfo.revision.appSpecContent.content || deploymentInfo.revision.string.content' --output text`} | jq -r '[.Resources[] | to_entries[].value.Properties.CurrentVersion][0]')`,
          `  ${aws`lambda update-alias --function-name ${fn} --name ${alias} --function-version "\${PREVIOUS_VERSION:?no CurrentVersion in the AppSpec: use level 3}" --routing-config '{"AdditionalVersionWeights": {}}' --query FunctionVersion --output text`}`,
          'fi',
        ].join('\n'),
        expected: 'the version now served (no output after an automatic rollback)',
      },
    ],
    verify: [
      {
        description: 'The alias serves one version, with no weight left on another (waits up to 2m for a rollback deployment to finish)',
        command: pollCommand({
          check: aws`lambda get-alias --function-name ${fn} --name ${alias} --query 'RoutingConfig.AdditionalVersionWeights' --output text`,
          until: 'None',
          timeout: Duration.minutes(2),
          interval: Duration.seconds(5),
          what: `alias ${alias} still splits traffic`,
        }),
        expected: 'returns without error',
      },
      {
        description: 'The last attempted deployment, read again (this sets DEPLOYMENT_ID on its own), and the version the alias serves',
        command: [
          `DEPLOYMENT_ID=$(${aws`deploy get-deployment-group ${group} --query 'deploymentGroupInfo.lastAttemptedDeployment.deploymentId' --output text`})`,
          aws`deploy get-deployment --deployment-id "$DEPLOYMENT_ID" --query 'deploymentInfo.{status: status, rollback: rollbackInfo}'`,
          aws`lambda get-alias --function-name ${fn} --name ${alias} --query '{version: FunctionVersion, weights: RoutingConfig.AdditionalVersionWeights}'`,
        ].join('\n'),
        expected:
          'JSON: after a rollback, a Succeeded deployment whose rollback names the bad one; the alias on the previous version, weights null',
      },
    ],
  };
}
