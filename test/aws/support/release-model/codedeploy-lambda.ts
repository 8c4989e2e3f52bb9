/**
 * CodeDeploy deployments of a Lambda alias. Rules:
 *
 * - A canary configuration (`TimeBasedCanary`) moves `CanaryPercentage` of the alias to the new
 *   version, waits `CanaryInterval` minutes, then moves the rest; a linear one moves
 *   `LinearPercentage` every `LinearInterval` minutes.
 *   https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html#deployment-configuration-lambda
 * - An alarm of the deployment group in ALARM during the deployment stops it (status Stopped) and,
 *   with automatic rollback, CodeDeploy starts a **new** deployment that restores the previous
 *   version: after a rollback, the latest deployment is the rollback, not the bad release.
 *   https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html
 */

/** The traffic routing of a template's `AWS::CodeDeploy::DeploymentConfig` (`TrafficRoutingConfig`). */
export type TrafficRouting = Record<string, any>;

/** One deployment of the alias. */
export interface LambdaDeployment {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly startedAt: number;
  readonly endsAt: number;
  status: 'InProgress' | 'Succeeded' | 'Stopped';
  /** The deployment this one rolls back. */
  readonly rollbackOf?: string;
}

/** An alias deployed by CodeDeploy. */
export class CodeDeployAlias {
  public readonly deployments: LambdaDeployment[] = [];

  constructor(
    private version: string,
    private readonly routing: TrafficRouting,
  ) {}

  /**
   * Starts a deployment to `to` at `now`, from the version the alias serves then (the AppSpec's
   * `CurrentVersion`, which a rollback restores).
   */
  public deploy(to: string, now: number): LambdaDeployment {
    const d: LambdaDeployment = {
      id: `d-${this.deployments.length + 1}`,
      from: this.serving(now),
      to,
      startedAt: now,
      endsAt: now + this.durationSeconds(),
      status: 'InProgress',
    };
    this.deployments.push(d);
    return d;
  }

  /** Share (%) of the alias on the new version of `d` at `t`. */
  public newVersionPercent(d: LambdaDeployment, t: number): number {
    if (d.status === 'Stopped' || t < d.startedAt) return 0;
    if (t >= d.endsAt) return 100;
    const elapsed = (t - d.startedAt) / 60;
    const c = this.routing.TimeBasedCanary;
    if (c) return elapsed < c.CanaryInterval ? c.CanaryPercentage : 100;
    const l = this.routing.TimeBasedLinear;
    if (l) return Math.min(100, (Math.floor(elapsed / l.LinearInterval) + 1) * l.LinearPercentage);
    return 100;
  }

  /** An alarm at `t`: a deployment in progress stops and a new rollback deployment restores the old version. */
  public alarm(t: number): LambdaDeployment | undefined {
    const d = this.deployments.find((x) => x.status === 'InProgress' && x.startedAt <= t && t < x.endsAt);
    if (!d) return undefined;
    d.status = 'Stopped';
    const rollback: LambdaDeployment = {
      id: `d-${this.deployments.length + 1}`,
      from: d.to,
      to: d.from,
      startedAt: t,
      endsAt: t,
      status: 'Succeeded',
      rollbackOf: d.id,
    };
    this.deployments.push(rollback);
    this.version = d.from;
    return rollback;
  }

  /** The version all of the alias is on at `t` once deployments have run their course. */
  public serving(t: number): string {
    for (const d of this.deployments) if (d.status === 'InProgress' && t >= d.endsAt) d.status = 'Succeeded';
    const last = [...this.deployments].reverse().find((d) => d.status === 'Succeeded' && d.endsAt <= t);
    return last?.to ?? this.version;
  }

  private durationSeconds(): number {
    const c = this.routing.TimeBasedCanary;
    if (c) return c.CanaryInterval * 60;
    const l = this.routing.TimeBasedLinear;
    if (l) return (Math.ceil(100 / l.LinearPercentage) - 1) * l.LinearInterval * 60;
    return 0;
  }
}
