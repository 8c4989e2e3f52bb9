import type { EnvironmentDefinition } from '../../model/environment';
import { HeartbeatSource } from '../../model/dead-mans-switch';
import type { ServiceDefinition } from '../../model/service-definition';
import { ResourceNames } from '../../plan/names';
import { awsCli } from '../aws-cli';
import type { RunbookCommand } from '../command';
import { accessCommands, type IncidentResponseFacts } from '../incident-response';
import { awsAfterwards, awsMitigations, awsVerification, awsWhatChanged } from '../procedures/incident-facts-aws';
import { ecsDeadMansSwitch, ecsMigrationFailed, secretRotationFailed } from '../procedures/incidents-ecs';
import { lambdaDeadMansSwitch } from '../procedures/incidents-lambda';
import type { Duration } from '../../model/duration';
import { pulumiMigrationFailed, pulumiStackUpdates } from './pulumi-aws';

/** What the incident sections of an AWS stack runbook need. */
export interface AwsIncidentInput {
  readonly definition: ServiceDefinition;
  readonly environment: EnvironmentDefinition;
  readonly region?: string;
  readonly container: boolean;
  /** How long one ECS deployment can run (the verify waits). */
  readonly deploymentDuration: Duration;
  /** The pipeline that releases the environment, if any. */
  readonly pipeline?: string;
  /** ECS cluster name, when not the stack's own (an existing cluster). @default - the base name */
  readonly cluster?: string;
  /**
   * The Pulumi stack that deploys the resources, when Pulumi does instead of CloudFormation: stack
   * updates come from `pulumi stack history`, and a failed migration fails `pulumi up` (nothing to
   * roll back). @default - a CloudFormation stack named after the environment
   */
  readonly pulumiStack?: string;
}

/** Incident response and procedures of an AWS stack, every name derived as the stack names it. */
export function awsIncidentFacts(input: AwsIncidentInput): { incident: IncidentResponseFacts; access: RunbookCommand[] } {
  const def = input.definition;
  const env = input.environment;
  const names = new ResourceNames(def.service, env.name);
  const aws = awsCli(input.region);
  const ecs = input.container ? { cluster: input.cluster ?? names.base, service: names.ecsService } : undefined;
  const rotatedSecrets = env.secrets.filter((s) => s.generated && s.rotationDays !== undefined).map((s) => s.secretName);
  const userFacing = env.alarms.enabled ? [names.alarm('critical-error-rate'), names.alarm('critical-latency-p99')] : [];
  const pulumi = input.pulumiStack;
  const common = {
    aws,
    stack: names.stack,
    alarmPrefix: `${names.base}-`,
    userFacingAlarms: userFacing,
    ecs,
    lambda: input.container
      ? undefined
      : { functionName: names.function, alias: 'live', application: names.base, deploymentGroup: names.base },
    flags: def.featureFlags.length > 0 ? { application: names.appConfigApplication, environment: env.name } : undefined,
    rotatedSecrets,
    pipeline: input.pipeline ? { name: input.pipeline } : undefined,
  };
  const databaseOwner =
    def.incidentResponse.escalation.find((r) => /database|dba/i.test(r.role))?.contact ??
    `${def.owners.team} (no database owner in incidentResponse.escalation)`;
  const ecsNames = ecs
    ? {
        aws,
        stack: names.stack,
        cluster: ecs.cluster,
        service: ecs.service,
        desiredCount: env.capacity.desiredCount,
        deploymentDuration: input.deploymentDuration,
        rotatedSecrets,
        migrations: def.migrations.map((m) => ({
          name: m.name,
          family: names.migrationFamily(m.name),
          logGroup: `/ecs/${names.migrationFamily(m.name)}`,
          timeout: m.timeout,
        })),
        databaseOwner,
        budget: def.rollbackBudgets.code,
      }
    : undefined;
  return {
    incident: {
      service: def.service,
      environment: env.name,
      production: env.production,
      owners: def.owners,
      incident: def.incidentResponse,
      criticalAlarms: userFacing,
      deadMansSwitch: env.deadMansSwitch.enabled ? names.alarm('dead-mans-switch') : undefined,
      // On Pulumi the first "what changed" step reads the Pulumi stack's history, not CloudFormation's events.
      whatChanged: pulumi ? [pulumiStackUpdates(pulumi), ...awsWhatChanged(common).slice(1)] : awsWhatChanged(common),
      mitigations: awsMitigations(common),
      verification: userFacing.length > 0 ? awsVerification(common) : [],
      afterwards: awsAfterwards(common),
      procedures: ecsNames
        ? [
            ...(env.deadMansSwitch.enabled ? [ecsDeadMansSwitch(ecsNames)] : []),
            ...(rotatedSecrets.length > 0 ? [secretRotationFailed(ecsNames)] : []),
            ...(ecsNames.migrations.length > 0 ? [pulumi ? pulumiMigrationFailed(ecsNames, pulumi) : ecsMigrationFailed(ecsNames)] : []),
          ]
        : common.lambda && env.deadMansSwitch.enabled && env.deadMansSwitch.source !== HeartbeatSource.HEARTBEAT && def.smokeTests
          ? // The function's switch watches the HealthProbe, which the stack adds only with a smoke check to send.
            [
              lambdaDeadMansSwitch({
                aws,
                ...common.lambda,
                probeFunction: names.healthProbeFunction,
                probeLogGroup: names.lambdaLogGroup(names.healthProbeFunction),
                budget: def.rollbackBudgets.code,
              }),
            ]
          : [],
    },
    access: accessCommands(env.access, {
      // A Pulumi stack is not in the account; the AWS commands of the runbook use the profile.
      aws: pulumi ? undefined : aws`cloudformation describe-stacks --stack-name ${names.stack} --query 'Stacks[0].StackName' --output text`,
    }),
  };
}
