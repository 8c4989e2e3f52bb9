import { Duration } from '../../model/duration';
import type { EcsDeploymentSettings } from '../../plan/rollout/ecs-schedule';
import type { CompiledSchedule } from '../../plan/rollout/schedule';
import { awsCli } from '../aws-cli';
import type { RollbackLevelFact, RunbookCommand, RunbookFacts } from '../facts';
import { pollCommand } from '../poll';
import { ecsLevel2 } from '../procedures/ecs-rollback';

/** What the ECS runbook text needs about one service: plain data, no constructs. */
export interface EcsServiceRunbookInput {
  /** AWS region of the stack, when literal. @default - `"$AWS_REGION"` in commands */
  readonly region?: string;
  /** CloudFormation stack that holds the service. */
  readonly stack: string;
  readonly cluster: string;
  /** ECS service name and task family. */
  readonly service: string;
  /** The ECS deployment settings (strategy, steps, bake times). */
  readonly settings: EcsDeploymentSettings;
  /** The schedule that will really run, when compiled from a definition. @default - none shown */
  readonly schedule?: CompiledSchedule;
  /** Fingerprint of the traffic-shifting listener rules, when the service has a test listener. @default - no guard */
  readonly routingFingerprint?: string;
  /** Names of the alarms that roll a deployment back. */
  readonly deploymentAlarms: readonly string[];
}

/**
 * How long one ECS deployment runs with its strategy, from start to the old revision stopping:
 * every step's bake and the final bake, plus 10m for starting, health-checking and draining tasks.
 */
export function ecsDeploymentDuration(s: EcsDeploymentSettings): Duration {
  const steps = s.strategy === 'CANARY' ? 1 : s.strategy === 'LINEAR' ? Math.ceil(100 / (s.stepPercent ?? 100)) - 1 : 0;
  return Duration.minutes(10 + steps * (s.stepBakeMinutes ?? 0) + (s.strategy === 'ROLLING' ? 0 : (s.bakeMinutes ?? 0)));
}

/** The ECS strategy in one sentence. */
export function ecsRolloutSummary(s: EcsDeploymentSettings): string {
  const summary =
    s.strategy === 'ROLLING'
      ? `ECS rolling update: up to ${s.maximumPercent}% of desired tasks run during the update and at least ${s.minimumHealthyPercent}% stay healthy; the circuit breaker rolls back failed deployments.`
      : s.strategy === 'BLUE_GREEN'
        ? `ECS blue/green: the new revision starts beside the old one and is reachable on the test listener; then all traffic shifts and the old revision is kept for ${s.bakeMinutes}m of bake time.`
        : `ECS ${s.strategy.toLowerCase()}: ${s.stepPercent}% of traffic ${s.strategy === 'LINEAR' ? 'more' : ''} every ${s.stepBakeMinutes}m${
            s.strategy === 'CANARY' ? ' once, then the rest' : ''
          }, then ${s.bakeMinutes}m of bake time before the old revision stops.`;
  return summary.replace(/\s+/g, ' ');
}

/**
 * Refuses a stack update that would rewrite the listener rules ECS shifts traffic on: it would
 * reset the live weights (aws/aws-cdk#36649). The safe order: a deployment that leaves production
 * on the primary target group (the one the template's 100/0 weights name), then the update.
 */
function routingGuard(input: EcsServiceRunbookInput, fingerprint: string, ecsArgs: string): RunbookCommand {
  return {
    description:
      'Refuse an update that rewrites the traffic-shifting listener rules: CloudFormation would reset the weights ECS set (aws/aws-cdk#36649). ' +
      `If it refuses: when the primary target group already serves 100% (the weights of the production listener's rule, shown by \`aws elbv2 describe-rules\` for that listener) deploy anyway; otherwise first run \`${awsCli(input.region)`ecs update-service ${ecsArgs} --force-new-deployment --query service.serviceName --output text`}\` and wait for it (ECS moves production to the other target group, the primary), then deploy`,
    command: `DEPLOYED=$(${awsCli(input.region)`cloudformation describe-stacks --stack-name ${input.stack} --query "Stacks[0].Outputs[?OutputKey=='TrafficRouting'].OutputValue" --output text`} 2>/dev/null || echo None); if [ "$DEPLOYED" != "None" ] && [ "$DEPLOYED" != "${fingerprint}" ]; then echo "this update rewrites the listener rules and resets live traffic weights; see the step description" >&2; exit 1; fi`,
    expected: 'No output: the update leaves the listener rules, and so the live weights, alone',
  };
}

/** ECS native deployments: rollout, how to follow one, the level-2 rollback (previous task definition revision). */
export function ecsServiceRunbookFacts(input: EcsServiceRunbookInput): RunbookFacts {
  const duration = ecsDeploymentDuration(input.settings);
  const aws = awsCli(input.region);
  const cluster = input.cluster;
  const service = input.service;
  const ecsArgs = `--cluster ${cluster} --service ${service}`;
  const waitStable = (what: string): RunbookCommand => ({
    description: `${what} (polls up to ${duration}: the deployment runs its bake times before the old revision stops; \`aws ecs wait services-stable\` gives up after 10m)`,
    command: pollCommand({
      check: aws`ecs describe-services --cluster ${cluster} --services ${service} --query 'length(services[?length(deployments) == \`1\` && runningCount == desiredCount])' --output text`,
      until: '1',
      timeout: duration,
      what: `${service} did not settle on one deployment`,
    }),
    expected: 'Returns without error once one deployment remains and all tasks run',
  });
  // Safe in every state the last release can be in, automatic rollbacks included (issue 25 item 1).
  const { commands, verify } = ecsLevel2({ aws, cluster, service, deploymentDuration: duration });
  const level2: RollbackLevelFact = {
    level: 2,
    title: 'Configuration: the revision the bad release replaced',
    when: 'A flag cannot turn the change off, or the problem is in configuration or the image; no build needed. Safe right after ECS rolled back by itself: it then starts nothing.',
    commands,
    verify,
    afterwards:
      'a rollback made here (by hand or by ECS) leaves the stack naming the bad revision: revert the release commit and deploy the revert (level 3), so the next deployment does not bring it back.',
  };
  const alarmNames = input.deploymentAlarms;
  return {
    rollout: input.schedule ? { schedule: input.schedule, summary: ecsRolloutSummary(input.settings) } : undefined,
    preDeploy: input.routingFingerprint ? [routingGuard(input, input.routingFingerprint, ecsArgs)] : [],
    deploy: [
      {
        description: 'Follow the rollout',
        // ECS lists deployments in no documented order: sort them (a page of --max-results may miss the newest).
        command: aws`ecs list-service-deployments ${ecsArgs} --query 'sort_by(serviceDeployments, &createdAt)[-3:].[createdAt,status]' --output text`,
        expected: 'the three newest deployments, newest last: the newest IN_PROGRESS, then SUCCESSFUL',
      },
      waitStable('Wait for the service to settle'),
      {
        description: 'Tail the service logs',
        command: aws`logs tail /ecs/${service} --since 15m`,
      },
    ],
    rollback: [level2],
    automaticRollback:
      alarmNames.length > 0
        ? `Automatic: ECS stops a deployment of ${service} and returns traffic to the previous revision when any of these alarms fires during it: ${alarmNames.join(', ')}.`
        : undefined,
    deploymentAlarms: [...alarmNames],
    watch: [`ECS service \`${service}\` in cluster \`${cluster}\`; logs in \`/ecs/${service}\`.`],
    resources: [
      { type: 'AWS::ECS::Service', name: service },
      { type: 'AWS::ECS::Cluster', name: cluster },
      { type: 'AWS::ECS::TaskDefinition', name: service },
      { type: 'AWS::Logs::LogGroup', name: `/ecs/${service}` },
    ],
  };
}
