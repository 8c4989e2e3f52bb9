/**
 * AWS AppConfig deployments in one environment. Rules:
 *
 * - **One deployment at a time per environment**: StartDeployment while another deployment of the
 *   environment is in progress fails (ConflictException).
 *   https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-deploying.html,
 *   https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_StartDeployment.html
 * - A deployment grows over `DeploymentDurationInMinutes`, then bakes for
 *   `FinalBakeTimeInMinutes`; it is in progress (DEPLOYING, then BAKING) until COMPLETE.
 *   https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-deployment-strategy.html
 * - **Monitors**: an alarm of the environment in ALARM during a deployment (bake included) rolls it
 *   back: the environment serves the version deployed before, state ROLLED_BACK.
 *   https://docs.aws.amazon.com/appconfig/latest/userguide/monitoring-deployments.html
 * - What clients get is the version of the last COMPLETE deployment (a hosted configuration
 *   version deployed by hand counts like any other).
 */

/** A deployment strategy, as a template's `AWS::AppConfig::DeploymentStrategy` states it. */
export interface Strategy {
  readonly DeploymentDurationInMinutes: number;
  readonly FinalBakeTimeInMinutes?: number;
}

/** One deployment. */
export interface AppConfigDeployment {
  readonly number: number;
  readonly version: string;
  readonly startedAt: number;
  readonly endsAt: number;
  state: 'DEPLOYING' | 'BAKING' | 'COMPLETE' | 'ROLLED_BACK';
  /** Who started it (`stack`, `kill-switch`). */
  readonly by: string;
}

/** Thrown by StartDeployment while another deployment runs. */
export class ConflictException extends Error {}

/** One AppConfig environment. */
export class AppConfigEnvironment {
  public readonly deployments: AppConfigDeployment[] = [];

  /** StartDeployment of `version` at `now` (seconds). */
  public start(version: string, strategy: Strategy, now: number, by: string): AppConfigDeployment {
    this.settle(now);
    const running = this.deployments.find((d) => d.state === 'DEPLOYING' || d.state === 'BAKING');
    if (running) throw new ConflictException(`deployment ${running.number} (${running.by}) is ${running.state}`);
    const endsAt = now + (strategy.DeploymentDurationInMinutes + (strategy.FinalBakeTimeInMinutes ?? 0)) * 60;
    const d: AppConfigDeployment = { number: this.deployments.length + 1, version, startedAt: now, endsAt, state: 'DEPLOYING', by };
    this.deployments.push(d);
    return d;
  }

  /** A monitor alarm goes to ALARM at `t`: the deployment in progress rolls back. */
  public alarm(t: number): void {
    this.settle(t);
    const running = this.deployments.find((d) => d.state === 'DEPLOYING' || d.state === 'BAKING');
    if (running) running.state = 'ROLLED_BACK';
  }

  /** The version clients get at `t`. */
  public served(t: number): string | undefined {
    this.settle(t);
    return [...this.deployments].reverse().find((d) => d.state === 'COMPLETE')?.version;
  }

  private settle(t: number): void {
    for (const d of this.deployments) {
      if ((d.state === 'DEPLOYING' || d.state === 'BAKING') && t >= d.endsAt) d.state = 'COMPLETE';
    }
  }
}
