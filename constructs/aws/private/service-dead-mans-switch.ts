import { Annotations, type RemovalPolicy, type Stack } from 'aws-cdk-lib/core';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { HeartbeatSource } from '../../../lib/model/dead-mans-switch';
import type { EnvironmentDefinition } from '../../../lib/model/environment';
import type { ResourceNames } from '../../../lib/plan/names';
import type { RunbookCommand } from '../../../lib/runbook/facts';
import type { SmokeCheckSpec } from '../../../lib/smoke/check';
import { DeadMansSwitch } from '../dead-mans-switch';
import { HealthProbe, type HealthProbeTarget } from '../health-probe';
import type { ProgressiveFargateService } from '../progressive-fargate-service';
import type { ServiceSignals } from '../service-signals';
import { awsCliOf } from './aws-cli';
import { cdkMetricOf } from './cloudwatch-metric';
import { publishedHeartbeatSpec } from '../../../lib/plan/cloudwatch/signal-specs';

/** What the dead-man's switch probes, the way users reach the service. */
export interface ServiceProbe {
  /** The URL or function alias the probe calls. */
  readonly target: HealthProbeTarget;
  /** The check it runs each minute. */
  readonly check: SmokeCheckSpec;
  /** Where it probes, in runbook words. */
  readonly where: string;
}

/** Inputs of `serviceDeadMansSwitch`. */
export interface ServiceDeadMansSwitchOptions {
  /** The environment (its `deadMansSwitch` settings). */
  readonly environment: EnvironmentDefinition;
  /** Physical names. */
  readonly names: ResourceNames;
  /** What to probe (undefined: no way to probe; the switch falls back to the workload's heartbeat). */
  readonly probe?: ServiceProbe;
  /** The workload's signals (their heartbeat is the fallback). */
  readonly signals: ServiceSignals;
  /** The container service, for container workloads (its task count is the diagnosis). */
  readonly containerService?: ProgressiveFargateService;
  /** The topic that pages. */
  readonly topic: sns.ITopic;
  /** Link to a runbook anchor. */
  readonly runbookLink: (anchor: string) => string;
  /** The workload's diagnosis commands (for function workloads). */
  readonly diagnosis: readonly RunbookCommand[];
  /** Retention of the probe's log group. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the probe's log group. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The dead-man's switch of a service (the stack's child `DeadMansSwitch`): on the heartbeat the
 * service publishes, or on a probe (`HealthProbe`) that calls the service each minute independent
 * of user traffic, so silence means unreachable, not quiet; without a way to probe, on the
 * workload's own heartbeat, with a warning saying what that misses.
 */
export function serviceDeadMansSwitch(stack: Stack, options: ServiceDeadMansSwitchOptions): DeadMansSwitch {
  const { environment: env, names, probe, signals, containerService } = options;
  const aws = awsCliOf(stack);
  const own = env.deadMansSwitch.source === HeartbeatSource.HEARTBEAT;
  const prober =
    !own && probe
      ? new HealthProbe(stack, 'HealthProbe', {
          serviceName: names.base,
          functionName: names.healthProbeFunction,
          target: probe.target,
          check: probe.check,
          logRetention: options.logRetention,
          removalPolicy: options.removalPolicy,
        })
      : undefined;
  if (!own && !prober) {
    Annotations.of(stack).addWarningV2(
      'glidepath:dead-mans-switch',
      containerService
        ? `${names.base}: the dead-man's switch watches CPU samples, which prove that tasks run, not that users reach the service; set tls.domainName so a probe can call it by the certificate's name`
        : `${names.base}: the dead-man's switch watches invocations, which stop on a quiet night as when the function is down; add smokeTests so a probe can invoke the live alias each minute`,
    );
  }
  const published = publishedHeartbeatSpec(names.base);
  const heartbeat = own ? cdkMetricOf(published.metric) : (prober?.metric ?? signals.heartbeat);
  return new DeadMansSwitch(stack, 'DeadMansSwitch', {
    alarmName: names.alarm('dead-mans-switch'),
    heartbeat,
    heartbeatDescription: own
      ? published.description
      : prober
        ? `passing health probes of ${probe!.where} (each minute, by ${names.healthProbeFunction})`
        : containerService
          ? `ECS CPUUtilization samples of ${names.base}`
          : `Lambda invocations of ${names.base}`,
    missingMinutes: env.deadMansSwitch.missingFor.toMinutes(),
    topic: options.topic,
    runbookLink: options.runbookLink,
    diagnosis: [
      ...(prober
        ? [
            {
              description: 'Read what the probe saw',
              command: aws`logs tail ${names.lambdaLogGroup(names.healthProbeFunction)} --since 15m`,
              expected: 'One line a minute; "passed": false with the reason when the check fails',
            },
          ]
        : []),
      ...(containerService
        ? [
            {
              description: 'Count running tasks',
              command: aws`ecs describe-services --cluster ${containerService.clusterName} --services ${names.base} --query 'services[0].[desiredCount,runningCount]' --output text`,
              expected: 'Running equals desired; 0 running means the service is down',
            },
          ]
        : options.diagnosis),
    ],
  });
}
