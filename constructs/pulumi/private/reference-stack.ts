import { App } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import { isRunbookContributor, type IRunbookContributor } from '../../../lib/runbook/facts';
import { AlarmSet } from '../../aws/alarm-set';
import { AlertTopics } from '../../aws/alert-topics';
import { AppConfigFeatureFlags } from '../../aws/app-config-feature-flags';
import { ProgressiveFunction } from '../../aws/progressive-function';
import { DeadMansSwitch } from '../../aws/dead-mans-switch';
import { DeploymentStack } from '../../aws/deployment-stack';
import { HealthProbe } from '../../aws/health-probe';
import { ManagedSecret } from '../../aws/managed-secret';
import { MigrationTask } from '../../aws/migration-task';
import { ProgressiveFargateService } from '../../aws/progressive-fargate-service';
import { ServiceDashboard } from '../../aws/service-dashboard';
import { SmokeTestHook } from '../../aws/smoke-test-hook';

/** The AWS constructs whose resources the Pulumi target creates, for every workload. */
const MIRRORED = [
  DeploymentStack,
  AlertTopics,
  AlarmSet,
  AppConfigFeatureFlags,
  ProgressiveFunction,
  DeadMansSwitch,
  HealthProbe,
  ManagedSecret,
  MigrationTask,
  ProgressiveFargateService,
  ServiceDashboard,
  SmokeTestHook,
];

type Contributor = IConstruct & IRunbookContributor;

/**
 * The `DeploymentStack` of the same definition, built in memory and never synthesized: the
 * reference the Pulumi target mirrors. It tells which parts the Pulumi target covers (their
 * runbook facts are reused) and which it does not deploy yet (reported, never silently dropped).
 */
export class ReferenceStack {
  public readonly stack: DeploymentStack;
  /** Contributors the Pulumi target mirrors, in tree order. */
  public readonly mirrored: readonly Contributor[];
  /** Construct paths (below the stack) of contributors the Pulumi target does not deploy yet. */
  public readonly missing: readonly string[];

  constructor(definition: ServiceDefinition, environment: string) {
    this.stack = new DeploymentStack(new App(), `${definition.service}-${environment}`, { definition, environment });
    const contributors = this.stack.node.findAll().filter((c): c is Contributor => isRunbookContributor(c));
    const isMirrored = (c: IConstruct) => MIRRORED.some((type) => c instanceof type);
    this.mirrored = contributors.filter(isMirrored);
    this.missing = contributors.filter((c) => !isMirrored(c)).map((c) => c.node.path.split('/').slice(1).join('/'));
  }
}
