/** The state the ECS plane keeps per service (planes/ecs.ts). */

/** One ECS service deployment (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-deployment.html). */
export interface ServiceDeployment {
  readonly id: string;
  readonly createdAt: number;
  readonly source: number;
  readonly target: number;
  /** Seconds from creation to SUCCESSFUL: tasks start, traffic shifts, bake times run. */
  readonly work: number;
  /** When a deployment alarm goes to ALARM during it (a bad release); ECS then rolls back by itself. */
  readonly alarmAt?: number;
  rollback?: { readonly requestedAt: number; readonly reason: string };
  /** Created by a runbook command during the drill. */
  readonly byRunbook?: boolean;
}

export interface ServiceState {
  readonly name: string;
  readonly cluster: string;
  readonly region: string;
  readonly family: string;
  /** Task definition revisions and whether they are ACTIVE (deployable) or INACTIVE (deregistered). */
  readonly revisions: Map<number, 'ACTIVE' | 'INACTIVE'>;
  readonly deployments: ServiceDeployment[];
  desiredCount: number;
  /** Seconds a new deployment takes with the synthesized configuration. */
  readonly work: number;
  /** Revisions whose tasks crash at start (bad image or configuration): they never become healthy. */
  readonly crashing: Set<number>;
}

/** Time an ECS deployment runs with the synthesized configuration, start to the old revision stopping. */
export function deploymentSeconds(props: Record<string, unknown>): number {
  const c = (props.DeploymentConfiguration ?? {}) as Record<string, unknown>;
  const bake = Number(c.BakeTimeInMinutes ?? 0) * 60;
  const canary = c.CanaryConfiguration as { CanaryBakeTimeInMinutes?: number } | undefined;
  const linear = c.LinearConfiguration as { StepBakeTimeInMinutes?: number; StepPercent?: number } | undefined;
  const steps = canary
    ? Number(canary.CanaryBakeTimeInMinutes ?? 0) * 60
    : linear
      ? (Math.ceil(100 / Number(linear.StepPercent ?? 100)) - 1) * Number(linear.StepBakeTimeInMinutes ?? 0) * 60
      : 0;
  // Starting and health-checking tasks takes about two minutes.
  return bake + steps + 120;
}
