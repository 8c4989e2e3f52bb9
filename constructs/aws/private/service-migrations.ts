import type { RemovalPolicy, Stack } from 'aws-cdk-lib/core';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import type { ResourceNames } from '../../../lib/plan/names';
import { MigrationTask } from '../migration-task';
import type { ProgressiveFargateService } from '../progressive-fargate-service';
import type { WorkloadSecret } from './environment-secrets';

/** Inputs of `serviceMigrations`. */
export interface ServiceMigrationsOptions {
  /** The definition (its migrations and container). */
  readonly definition: ServiceDefinition;
  /** Physical names. */
  readonly names: ResourceNames;
  /** The cluster the service runs in. */
  readonly cluster: ecs.ICluster;
  /** The service whose network and secrets the migrations share. */
  readonly service: ProgressiveFargateService;
  /** The secrets the service reads. */
  readonly secrets: readonly WorkloadSecret[];
  /** Retention of the log groups. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the log groups. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The database migrations of a container service, in definition order (the stack's children
 * `Migration-<name>`), with the service's network, secrets and user. Expand migrations finish
 * before ECS starts a single task of the new revision.
 */
export function serviceMigrations(stack: Stack, options: ServiceMigrationsOptions): MigrationTask[] {
  const { definition: def, names, service } = options;
  const container = def.workload.container!;
  const migrations = def.migrations.map(
    (m) =>
      new MigrationTask(stack, `Migration-${m.name}`, {
        migration: m,
        cluster: options.cluster,
        clusterName: names.base,
        serviceName: names.base,
        family: `${names.base}-migrate-${m.name}`,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: service.service.connections.securityGroups,
        secrets: options.secrets,
        environment: container.environment,
        logRetention: options.logRetention,
        removalPolicy: options.removalPolicy,
        user: container.user,
      }),
  );
  // Only the service resource waits: its security group is an input of the migrations.
  const serviceResource = service.service.node.defaultChild as ecs.CfnService;
  migrations.filter((m) => m.runner).forEach((m) => serviceResource.node.addDependency(m.runner!));
  return migrations;
}
