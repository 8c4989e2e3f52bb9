import type { Incident } from './incidents';
import { killSwitchIncident } from './kill-switch-scenarios';
import type { DrillWorld } from './world';

/*
 * AWS incidents beyond the first of each kind, each in the state it leaves the world: the
 * dead-man's switch when the release deploying now crashes, when the metrics alone are lost, when
 * someone scaled the service to zero; a rotation the database refuses; the kill switch of the
 * Lambda runbook, also while a flag release still deploys. Each asserts the end state (what
 * serves, what was created, the alarms paging) and, where the section tells the reader something,
 * that it is not false.
 */

const ECS = 'checkout-prod';
const LAMBDA = 'payments-api-prod';

function expectThat(ok: boolean, failure: string): string[] {
  return ok ? [] : [failure];
}

/** The AWS incidents of this file, run by the incident suite and the mutation check. */
export const AWS_SCENARIOS: readonly Incident[] = [
  ...(
    [
      ['the release deploying now crashes at start', (w: DrillWorld) => w.aws.ecs.tasksCrash(true), 1],
      ['the tasks run, their metrics do not arrive', () => undefined, 0],
    ] as const
  ).map(([how, setup, rollbacks]): Incident => ({
    name: `dead-man's switch at night: ${how}`,
    runbook: `${ECS}.md`,
    heading: /^Incident: nothing reports/,
    firing: ['checkout-prod-dead-mans-switch'],
    setup,
    restoredAt: (r) => r.world.aws.ecs.restoredAt(ECS),
    check: (r) => {
      const ecs = r.world.aws.ecs;
      return [
        ...expectThat(ecs.deploymentsSinceStart(ECS).length === 0, `created ${ecs.deploymentsSinceStart(ECS).length} deployment(s)`),
        ...expectThat(ecs.rollbacks(ECS) === rollbacks, `rolled back ${ecs.rollbacks(ECS)} times, not ${rollbacks}`),
        ...expectThat(ecs.desiredCount(ECS) === 2, `desired count ${ecs.desiredCount(ECS)}, not the 2 it had`),
      ];
    },
  })),
  {
    name: "dead-man's switch at night: someone scaled the service to zero",
    runbook: `${ECS}.md`,
    heading: /^Incident: nothing reports/,
    firing: ['checkout-prod-dead-mans-switch'],
    setup: (w) => w.aws.ecs.scaledToZero(),
    check: (r) => {
      const ecs = r.world.aws.ecs;
      return [
        ...expectThat(ecs.desiredCount(ECS) === 4, `desired count ${ecs.desiredCount(ECS)}, not the 4 the section restores`),
        ...expectThat(ecs.deploymentsSinceStart(ECS).length === 0, `created ${ecs.deploymentsSinceStart(ECS).length} deployment(s)`),
        // Nothing ran: a line telling the reader the service runs sends them to the metrics instead.
        ...expectThat(!/the service runs/.test(r.stdout), 'told the reader the service runs while nothing ran'),
      ];
    },
  },
  {
    name: 'secret rotation finished with a value the database refuses',
    runbook: `${ECS}.md`,
    heading: /^Incident: secret rotation failed/,
    prefix: 'SECRET_ID=checkout/prod/session-signing-key ROLLBACK_CURRENT=yes',
    setup: (w) => w.aws.secrets.rotationRefused('checkout/prod/session-signing-key', 'eu-west-1'),
    check: (r) => {
      const id = 'checkout/prod/session-signing-key';
      const stages = r.world.aws.secrets.stagesOf(id);
      return [
        ...expectThat(stages.v1?.includes('AWSCURRENT') === true, `stages ${JSON.stringify(stages)}`),
        ...expectThat(r.world.aws.secrets.currentWorks(id), 'AWSCURRENT is not what the database accepts'),
        // Tasks read the secret when they start: every task must be replaced after the move.
        ...expectThat(r.world.aws.ecs.deploymentsSinceStart(ECS).length === 1, 'the tasks were not replaced after AWSCURRENT moved'),
      ];
    },
  },
  killSwitchIncident({ runbook: `${LAMBDA}.md`, flag: 'network-tokens', suffix: ' (Lambda)' }),
  killSwitchIncident({ runbook: `${LAMBDA}.md`, flag: 'network-tokens', suffix: ' (Lambda)', deploying: true }),
];
