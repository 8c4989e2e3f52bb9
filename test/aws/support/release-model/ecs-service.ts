/**
 * A stateful model of an ECS service with the ECS deployment controller, written from the AWS
 * documentation (each rule cites its page), for release scenarios over time. It is fed the
 * `AWS::ECS::Service` properties of a synthesized template, never glidepath's own settings.
 *
 * Rules:
 * - **Desired count through CloudFormation.** A new service without `DesiredCount` starts 1 task;
 *   an update without it leaves the count alone; an update with it sets it (and so resets what
 *   autoscaling chose: aws/aws-cdk#13130).
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-service.html#cfn-ecs-service-desiredcount
 * - **Application Auto Scaling** keeps the count within [min, max]: registering the scalable
 *   target moves a count outside the range into it.
 *   https://docs.aws.amazon.com/autoscaling/application/userguide/getting-started.html
 * - **Service deployments** move through `PENDING`, `IN_PROGRESS`, then `SUCCESSFUL`; a rollback
 *   goes `ROLLBACK_REQUESTED` → `ROLLBACK_IN_PROGRESS` → `ROLLBACK_SUCCESSFUL`, and the deployment
 *   before stays the one that serves. A new deployment of a service supersedes an unfinished one.
 *   https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceDeployment.html
 * - **Blue/green**: the green revision scales up beside blue, gets test traffic (lifecycle hooks
 *   run after the test traffic shift), then all production traffic at once; blue stays for the
 *   bake time, when alarms still roll back.
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html
 * - **Canary**: the canary percentage for the canary bake time, then the rest at once, then the
 *   deployment bake time. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/canary-deployment.html
 * - **Linear**: equal steps of the step percentage, each held for the step bake time, then the bake
 *   time. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/linear-deployment.html
 * - **Rolling**: new tasks replace old ones; both serve through one target group in proportion.
 *   With deployment alarms, ECS keeps the deployment in progress for a bake time after the old
 *   tasks scaled in, "computed from the alarm configuration" (the page gives no formula: the model
 *   takes the longest alarm window, `alarmWindowSeconds`, an assumption scenarios state).
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html,
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
 * - **Alarms** (`DeploymentConfiguration.Alarms` with `Rollback`) roll back a deployment that is
 *   in progress, bake time included; once it is SUCCESSFUL an alarm changes nothing.
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
 * - **Circuit breaker**: only rolling update and blue/green deployments; it fails (and rolls back)
 *   a deployment after failed task launches reach the threshold, half the desired count bounded
 *   to 3…200. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-failure-detection.html,
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
 * - **Target groups**: ECS moves production to the alternate target group for the new revision
 *   and keeps the roles swapped afterwards (the next deployment goes the other way).
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html
 */

/** `ServiceDeployment.status` values the model reaches. */
export type ServiceDeploymentStatus =
  'IN_PROGRESS' | 'SUCCESSFUL' | 'STOPPED' | 'ROLLBACK_REQUESTED' | 'ROLLBACK_IN_PROGRESS' | 'ROLLBACK_SUCCESSFUL';

/** How the tasks of a revision behave. */
export interface RevisionBehaviour {
  /** Tasks crash shortly after starting and never pass the health check. @default false */
  readonly crashLooping?: boolean;
}

/** One deployment of the service. */
export interface ServiceDeployment {
  readonly id: number;
  readonly taskDefinition: string;
  /** The revision it replaces (serves again after a rollback). */
  readonly previous?: string;
  status: ServiceDeploymentStatus;
  /** Seconds (model time) it started. */
  readonly startedAt: number;
  /** Seconds the production traffic shift begins (after the new tasks are up and tested). */
  readonly trafficStartsAt: number;
  /** Seconds it completes if nothing rolls it back (end of the bake time). */
  readonly completesAt: number;
  /** Seconds it finished (SUCCESSFUL or ROLLBACK_SUCCESSFUL). */
  finishedAt?: number;
  /** Why it was rolled back. */
  rollbackReason?: string;
  /** Target group (0 primary, 1 alternate) the new revision runs behind. */
  readonly newGroup: 0 | 1;
}

/** Time allowances the documentation leaves to the workload; scenarios may change them. */
export interface EcsTimings {
  /** Pull, start and pass the load balancer health checks (healthy threshold × interval). @default 80 */
  readonly taskStartSeconds: number;
  /** Moving listener weights back on a rollback. @default 30 */
  readonly rollbackSeconds: number;
  /** Rolling update with alarms: the bake time ECS computes from them (see the rules). @default 0 */
  readonly alarmWindowSeconds: number;
}

const DEFAULT_TIMINGS: EcsTimings = { taskStartSeconds: 80, rollbackSeconds: 30, alarmWindowSeconds: 0 };

type Properties = Record<string, any>;

/** One traffic step of a deployment: from `at` seconds, `percent` of production on the new revision. */
export interface WeightStep {
  readonly at: number;
  readonly percent: number;
}

/** The model of one service. */
export class EcsService {
  /** Tasks the service keeps running. */
  public desiredCount: number;
  /** Deployments, oldest first (the first is the one that created the service). */
  public readonly deployments: ServiceDeployment[] = [];
  private properties: Properties;
  private scaling?: { min: number; max: number };
  /** Target group serving production when no deployment runs. */
  private productionGroup: 0 | 1 = 0;
  private readonly behaviour = new Map<string, RevisionBehaviour>();
  private readonly timings: EcsTimings;

  /** CloudFormation creates the service (CreateService) at `now`. */
  constructor(properties: Properties, now = 0, timings: Partial<EcsTimings> = {}) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
    this.properties = properties;
    this.desiredCount = properties.DesiredCount ?? 1;
    this.deployments.push({
      id: 1,
      taskDefinition: taskDefinitionOf(properties),
      status: 'SUCCESSFUL',
      startedAt: now,
      trafficStartsAt: now,
      completesAt: now + this.timings.taskStartSeconds,
      finishedAt: now + this.timings.taskStartSeconds,
      newGroup: 0,
    });
  }

  /** Declares how tasks of a task definition behave (a crash-looping image). */
  public setBehaviour(taskDefinition: string, behaviour: RevisionBehaviour): void {
    this.behaviour.set(taskDefinition, behaviour);
  }

  /** RegisterScalableTarget: the count moves into [min, max]. */
  public registerScalableTarget(min: number, max: number): void {
    this.scaling = { min, max };
    this.desiredCount = Math.min(max, Math.max(min, this.desiredCount));
  }

  /** A target-tracking scale-out or -in to `count` (within the registered range). */
  public autoscaleTo(count: number): void {
    if (!this.scaling) throw new Error('no scalable target registered');
    this.desiredCount = Math.min(this.scaling.max, Math.max(this.scaling.min, count));
  }

  /**
   * CloudFormation updates the service (UpdateService with the template's properties) at `now`.
   * A new task definition starts a deployment; `DesiredCount`, when present, sets the count.
   */
  public cloudFormationUpdate(properties: Properties, now: number): ServiceDeployment | undefined {
    this.settle(now);
    this.properties = properties;
    if (properties.DesiredCount !== undefined) this.desiredCount = properties.DesiredCount;
    const next = taskDefinitionOf(properties);
    if (next === this.serving(now)) return undefined;
    return this.deploy(next, now);
  }

  /** UpdateService with a task definition (a deployment outside CloudFormation, e.g. runbook level 2). */
  public deploy(taskDefinition: string, now: number): ServiceDeployment {
    this.settle(now);
    const running = this.current(now);
    if (running && running.status === 'IN_PROGRESS') running.status = 'STOPPED';
    const config = this.properties.DeploymentConfiguration ?? {};
    const strategy: string = config.Strategy ?? 'ROLLING';
    const start = now + this.timings.taskStartSeconds;
    const shifting = strategy !== 'ROLLING';
    const newGroup: 0 | 1 = shifting ? ((1 - this.productionGroup) as 0 | 1) : this.productionGroup;
    const deployment: ServiceDeployment = {
      id: this.deployments.length + 1,
      taskDefinition,
      previous: this.serving(now),
      status: 'IN_PROGRESS',
      startedAt: now,
      trafficStartsAt: start,
      completesAt: start + this.scheduleSeconds(config),
      newGroup,
    };
    this.deployments.push(deployment);
    return deployment;
  }

  /**
   * The production traffic schedule of the new revision after `trafficStartsAt`, from the
   * deployment configuration: canary percent then 100; linear steps; blue/green and rolling 100.
   */
  public weightSteps(deployment: ServiceDeployment): WeightStep[] {
    const config = this.properties.DeploymentConfiguration ?? {};
    const t0 = deployment.trafficStartsAt;
    switch (config.Strategy) {
      case 'CANARY': {
        const c = config.CanaryConfiguration;
        return [
          { at: t0, percent: c.CanaryPercent },
          { at: t0 + c.CanaryBakeTimeInMinutes * 60, percent: 100 },
        ];
      }
      case 'LINEAR': {
        const l = config.LinearConfiguration;
        const steps: WeightStep[] = [];
        for (let i = 1; i * l.StepPercent < 100; i++)
          steps.push({ at: t0 + (i - 1) * l.StepBakeTimeInMinutes * 60, percent: i * l.StepPercent });
        steps.push({ at: t0 + steps.length * l.StepBakeTimeInMinutes * 60, percent: 100 });
        return steps;
      }
      default:
        return [{ at: t0, percent: 100 }];
    }
  }

  /** Production traffic on the deployment's new revision at `t` (before any rollback is applied). */
  public newRevisionPercent(deployment: ServiceDeployment, t: number): number {
    if (deployment.status.startsWith('ROLLBACK') && deployment.finishedAt !== undefined && t >= deployment.finishedAt) return 0;
    let percent = 0;
    for (const step of this.weightSteps(deployment)) if (t >= step.at) percent = step.percent;
    return percent;
  }

  /**
   * A deployment alarm goes to ALARM at `t`. ECS rolls back a deployment still in progress (bake
   * time included) when the configuration has `Alarms.Rollback`; returns whether it did.
   */
  public alarm(t: number, alarmName: string): boolean {
    this.settle(t);
    const alarms = this.properties.DeploymentConfiguration?.Alarms;
    const d = this.current(t);
    if (!d || d.status !== 'IN_PROGRESS' || !alarms?.Enable || !alarms.Rollback) return false;
    if (!JSON.stringify(alarms.AlarmNames).includes(alarmName)) return false;
    this.rollBack(d, t, `alarm ${alarmName}`);
    return true;
  }

  /**
   * Task launches of a crash-looping revision fail one after another; the circuit breaker (rolling
   * and blue/green only) fails the deployment at the threshold and rolls it back. Returns the
   * time it did, or undefined when nothing stops the deployment.
   */
  public circuitBreakerTrips(d: ServiceDeployment): number | undefined {
    const breaker = this.properties.DeploymentConfiguration?.DeploymentCircuitBreaker;
    const strategy = this.properties.DeploymentConfiguration?.Strategy ?? 'ROLLING';
    if (!this.behaviour.get(d.taskDefinition)?.crashLooping) return undefined;
    if (!breaker?.Enable || !['ROLLING', 'BLUE_GREEN'].includes(strategy)) return undefined;
    const threshold = Math.min(200, Math.max(3, Math.ceil(this.desiredCount / 2)));
    // Each failed launch takes a start attempt; ECS launches up to the desired count at once.
    const waves = Math.ceil(threshold / Math.max(1, this.desiredCount));
    return d.startedAt + waves * this.timings.taskStartSeconds;
  }

  /** The deployment that is in progress, or the latest. */
  public current(t: number): ServiceDeployment | undefined {
    return [...this.deployments].reverse().find((d) => d.startedAt <= t);
  }

  /** The task definition all production traffic is on once everything in flight has settled at `t`. */
  public serving(t: number): string {
    this.settle(t);
    const done = [...this.deployments].reverse().find((d) => d.status === 'SUCCESSFUL' && (d.finishedAt ?? 0) <= t);
    return done?.taskDefinition ?? this.deployments[0].taskDefinition;
  }

  /** Target group (0 primary, 1 alternate) production uses when no deployment runs. */
  public get productionTargetGroup(): 0 | 1 {
    return this.productionGroup;
  }

  /** Moves deployments whose time has come: completion at the end of bake, circuit breakers, rollback steps. */
  public settle(t: number): void {
    for (const d of this.deployments) {
      if (d.status === 'IN_PROGRESS') {
        const trip = this.circuitBreakerTrips(d);
        if (trip !== undefined && trip <= t && trip < d.completesAt) {
          this.rollBack(d, trip, 'circuit breaker');
        } else if (d.completesAt <= t && !this.behaviour.get(d.taskDefinition)?.crashLooping) {
          d.status = 'SUCCESSFUL';
          d.finishedAt = d.completesAt;
          this.productionGroup = d.newGroup;
        }
      }
      if (d.status === 'ROLLBACK_REQUESTED' && d.finishedAt !== undefined && t >= d.finishedAt - this.timings.rollbackSeconds) {
        d.status = 'ROLLBACK_IN_PROGRESS';
      }
      if (d.status === 'ROLLBACK_IN_PROGRESS' && d.finishedAt !== undefined && t >= d.finishedAt) d.status = 'ROLLBACK_SUCCESSFUL';
    }
  }

  private rollBack(d: ServiceDeployment, t: number, reason: string): void {
    d.status = 'ROLLBACK_REQUESTED';
    d.rollbackReason = reason;
    d.finishedAt = t + this.timings.rollbackSeconds;
  }

  /** Seconds from the first production shift to the end of the bake time. */
  private scheduleSeconds(config: Properties): number {
    const bake = (config.BakeTimeInMinutes ?? 0) * 60;
    switch (config.Strategy) {
      case 'CANARY':
        return config.CanaryConfiguration.CanaryBakeTimeInMinutes * 60 + bake;
      case 'LINEAR': {
        const l = config.LinearConfiguration;
        return (Math.ceil(100 / l.StepPercent) - 1) * l.StepBakeTimeInMinutes * 60 + bake;
      }
      case 'BLUE_GREEN':
        return bake;
      default:
        // Rolling: the old tasks drain once the new ones are healthy, then the alarms' bake time.
        return this.timings.taskStartSeconds + (config.Alarms?.Enable ? this.timings.alarmWindowSeconds : 0);
    }
  }
}

/** The task definition a template's service runs: its logical id reference, readable. */
function taskDefinitionOf(properties: Properties): string {
  const td = properties.TaskDefinition;
  return typeof td === 'string' ? td : JSON.stringify(td);
}
