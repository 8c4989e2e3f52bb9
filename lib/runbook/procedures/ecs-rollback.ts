import type { Duration } from '../../model/duration';
import type { AwsCli } from '../aws-cli';
import type { RunbookCommand } from '../command';
import { pollCommand } from '../poll';

/** What the ECS level 2 procedure names. */
export interface EcsRollbackNames {
  readonly aws: AwsCli;
  readonly cluster: string;
  readonly service: string;
  /** How long a deployment of the service can run (bakes included): the verify wait. */
  readonly deploymentDuration: Duration;
}

/**
 * Level 2 on ECS native deployments, safe in every state the last release can be in: it reads the
 * NEWEST service deployment (sorted by createdAt, as ListServiceDeployments documents no order) and
 *
 * - PENDING / IN_PROGRESS: stops it with a rollback;
 * - ROLLBACK_REQUESTED / ROLLBACK_IN_PROGRESS / ROLLBACK_SUCCESSFUL: ECS (alarm or circuit breaker)
 *   is rolling back or has rolled back already: nothing is started, only verified;
 * - SUCCESSFUL: deploys the revision THAT deployment replaced (its source service revision), not
 *   "the revision before the current one", which after an automatic rollback is two releases back;
 * - anything else (STOPPED, ROLLBACK_FAILED): stops and sends to level 3.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-deployment.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html
 */
export function ecsLevel2(n: EcsRollbackNames): { commands: RunbookCommand[]; verify: RunbookCommand[] } {
  const { aws, cluster, service } = n;
  const ecsArgs = `--cluster ${cluster} --service ${service}`;
  return {
    commands: [
      {
        description:
          'Find the newest deployment of the service and its state (ECS lists deployments in no documented order: sort by createdAt). After an alarm ECS rolls back by itself: ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL',
        command: [
          `read -r DEPLOYMENT_ARN STATUS < <(${aws`ecs list-service-deployments ${ecsArgs} --query 'sort_by(serviceDeployments, &createdAt)[-1].[serviceDeploymentArn,status]' --output text`})`,
          `EXPECTED=$(${aws`ecs describe-service-revisions --service-revision-arns "$(${aws`ecs describe-service-deployments --service-deployment-arns "$DEPLOYMENT_ARN" --query 'serviceDeployments[0].sourceServiceRevisions[0].arn' --output text`})" --query 'serviceRevisions[0].taskDefinition' --output text`})`,
          'echo "newest deployment: $STATUS; it replaced ${EXPECTED:?no source revision: use level 3}"',
          'case "$STATUS" in STOPPED|ROLLBACK_FAILED) echo "the deployment is $STATUS: the service may be between revisions; use level 3" >&2; exit 1 ;; esac',
        ].join('\n'),
        expected: 'the state, and EXPECTED: the task definition revision that served before the bad release',
      },
      {
        description:
          'Still deploying (PENDING or IN_PROGRESS): stop it; ECS returns all traffic to the revision it replaced. In any ROLLBACK_* state ECS is already doing this: start nothing',
        command: `case "$STATUS" in PENDING|IN_PROGRESS) ${aws`ecs stop-service-deployment --service-deployment-arn "$DEPLOYMENT_ARN" --stop-type ROLLBACK --output text`} ;; *) echo "nothing to stop: $STATUS" ;; esac`,
        expected: 'the deployment moves to ROLLBACK_REQUESTED, then ROLLBACK_IN_PROGRESS and ROLLBACK_SUCCESSFUL',
      },
      {
        description:
          'Finished (SUCCESSFUL): deploy the revision the bad deployment replaced (EXPECTED); it must still be ACTIVE (an INACTIVE revision cannot be deployed: use level 3)',
        command: [
          'if [ "$STATUS" = SUCCESSFUL ]; then',
          `  [ "$(${aws`ecs describe-task-definition --task-definition "$EXPECTED" --query taskDefinition.status --output text`})" = ACTIVE ] || { echo "$EXPECTED is not ACTIVE: use level 3" >&2; exit 1; }`,
          `  ${aws`ecs update-service ${ecsArgs} --task-definition "$EXPECTED" --query service.taskDefinition --output text`}`,
          'fi',
        ].join('\n'),
        expected: 'the ARN of EXPECTED (no output when ECS already rolled back)',
      },
    ],
    verify: [
      {
        description: `Wait until the service settles (polls up to ${n.deploymentDuration}: a deployment runs its bake times before the old revision stops; \`aws ecs wait services-stable\` gives up after 10m)`,
        command: pollCommand({
          check: aws`ecs describe-services --cluster ${cluster} --services ${service} --query 'length(services[?length(deployments) == \`1\` && runningCount == desiredCount])' --output text`,
          until: '1',
          timeout: n.deploymentDuration,
          what: `${service} did not settle on one deployment`,
        }),
        expected: 'returns once one deployment remains and all tasks run',
      },
      {
        description: 'Check that the revision the bad release replaced serves all traffic',
        command: `[ "$(${aws`ecs describe-services --cluster ${cluster} --services ${service} --query 'services[0].taskDefinition' --output text`})" = "$EXPECTED" ] && echo "serving $EXPECTED" || { echo "the service does not run $EXPECTED" >&2; exit 1; }`,
        expected: 'serving EXPECTED',
      },
    ],
  };
}
