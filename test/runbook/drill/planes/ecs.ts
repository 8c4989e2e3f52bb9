import type { AwsCall } from '../aws-command-model';
import { sdkEnum } from './sdk-enums';
import { deploymentHistory, serviceEvents } from './ecs-history';
import { describeTaskDefinition, describeTasks, runTask } from './ecs-tasks';
import { deploymentSeconds, type ServiceDeployment, type ServiceState } from './ecs-model';
import { Fail, StateFail, iso, type Clock, type Templates } from './templates';

const STATUS = Object.fromEntries(sdkEnum('@aws-sdk/client-ecs', 'ServiceDeploymentStatus').map((s) => [s, s])) as Record<string, string>;
const ACCOUNT = '111111111111';

/**
 * ECS services as the control plane keeps them: service deployments with their documented states,
 * task definition revisions ACTIVE or INACTIVE, the service's deployments list, tasks.
 *
 * Rules, each from the ECS documentation:
 * - A service deployment starts PENDING/IN_PROGRESS and ends SUCCESSFUL; when a deployment alarm
 *   fires (or the circuit breaker trips) it goes ROLLBACK_REQUESTED → ROLLBACK_IN_PROGRESS →
 *   ROLLBACK_SUCCESSFUL and the service returns to the source revision
 *   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-deployment.html).
 * - `stop-service-deployment --stop-type ROLLBACK` accepts PENDING and IN_PROGRESS (→ ROLLBACK_REQUESTED),
 *   and STOP_REQUESTED / ROLLBACK_REQUESTED / ROLLBACK_IN_PROGRESS (it continues); any completed state is refused
 *   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html).
 * - `list-service-deployments` filters by `--status`; no order is documented, so this model lists
 *   oldest first and a runbook must sort by `createdAt` itself
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServiceDeployments.html).
 * - A blue/green rollback during bake moves production traffic back to the blue revision, still
 *   running (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html):
 *   a minute here.
 * - INACTIVE task definition revisions cannot be deployed by `update-service`
 *   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deregister-task-definition-v2.html).
 * - `update-service` with a new task definition or `--force-new-deployment` creates a new service
 *   deployment; `--desired-count` alone only scales.
 */
export class EcsPlane {
  private readonly services = new Map<string, ServiceState>();
  private readonly tasks = new Map<string, { startedAt: number; family: string; exitCode: number }>();
  /** Migration task families whose container fails (a migration failed halfway). */
  public readonly failingMigrations = new Set<string>();

  constructor(
    private readonly t: Templates,
    private readonly clock: Clock,
  ) {
    for (const r of t.all('AWS::ECS::Service')) {
      const name = String(r.props.ServiceName);
      const family = t.nameOf(t.ref(r.stack, r.props.TaskDefinition)) ?? name;
      const td = t.all('AWS::ECS::TaskDefinition').find((x) => x.props.Family === family);
      // CloudFormation deregisters the replaced revision on update unless it is retained.
      const retained = td && td.stack.template.Resources[td.logicalId].UpdateReplacePolicy === 'Retain';
      const cluster = t.nameOf(t.ref(r.stack, r.props.Cluster)) ?? name;
      const state: ServiceState = {
        name,
        cluster,
        region: r.stack.region,
        family,
        revisions: new Map([
          [1, retained ? 'ACTIVE' : 'INACTIVE'],
          [2, retained ? 'ACTIVE' : 'INACTIVE'],
          [3, 'ACTIVE'],
        ]),
        deployments: [
          { id: 'd1', createdAt: -30 * 86400, source: 0, target: 1, work: 0 },
          { id: 'd2', createdAt: -14 * 86400, source: 1, target: 2, work: 0 },
        ],
        desiredCount: 2,
        work: deploymentSeconds(r.props),
        crashing: new Set(),
      };
      // Default: release 3 is being deployed now and is good.
      state.deployments.push({ id: 'd3', createdAt: 0, source: 2, target: 3, work: state.work });
      this.services.set(name, state);
    }
  }

  /** The incident's starting point: release 3 is bad and was (or is being) deployed. */
  public releaseWentBad(how: 'auto-rolled-back' | 'rolling-back' | 'in-flight' | 'completed'): void {
    for (const s of this.services.values()) {
      s.deployments.pop();
      const d: ServiceDeployment =
        how === 'auto-rolled-back'
          ? { id: 'd3', createdAt: -1200, source: 2, target: 3, work: s.work, alarmAt: -900 }
          : how === 'rolling-back'
            ? { id: 'd3', createdAt: -300, source: 2, target: 3, work: s.work, alarmAt: -20 }
            : how === 'in-flight'
              ? { id: 'd3', createdAt: -240, source: 2, target: 3, work: s.work }
              : { id: 'd3', createdAt: -s.work - 3600, source: 2, target: 3, work: s.work };
      s.deployments.push(d);
    }
  }

  /**
   * Night incident: the service's tasks crash at start (revision 3 is bad) and nothing runs; its
   * deployment finished two hours ago, or (`deploying`) is still IN_PROGRESS.
   */
  public tasksCrash(deploying = false): void {
    for (const s of this.services.values()) {
      const last = s.deployments[s.deployments.length - 1];
      s.deployments[s.deployments.length - 1] = {
        ...last,
        ...(deploying ? { createdAt: -600, work: 3600 } : { createdAt: -7200, work: 0 }),
      };
      s.crashing.add(3);
    }
  }

  /** Night incident: someone scaled the service to zero (desired count 0); nothing runs, nothing crashes. */
  public scaledToZero(): void {
    for (const s of this.services.values()) s.desiredCount = 0;
  }
  /** The desired count of a service now. */
  public desiredCount(service: string): number {
    return this.services.get(service)!.desiredCount;
  }

  public statusOf(d: ServiceDeployment): string {
    const now = this.clock.now;
    if (!d.rollback && d.alarmAt !== undefined && now >= d.alarmAt) d.rollback = { requestedAt: d.alarmAt, reason: 'CloudWatch alarm' };
    if (d.rollback) {
      const since = now - d.rollback.requestedAt;
      return since < 10 ? STATUS.ROLLBACK_REQUESTED : since < 70 ? STATUS.ROLLBACK_IN_PROGRESS : STATUS.ROLLBACK_SUCCESSFUL;
    }
    if (now < d.createdAt) return STATUS.PENDING;
    return now - d.createdAt >= d.work ? STATUS.SUCCESSFUL : STATUS.IN_PROGRESS;
  }

  private ongoing(d: ServiceDeployment): boolean {
    return [STATUS.PENDING, STATUS.IN_PROGRESS, STATUS.ROLLBACK_REQUESTED, STATUS.ROLLBACK_IN_PROGRESS, STATUS.STOP_REQUESTED].includes(
      this.statusOf(d),
    );
  }

  /** The revision the service settles on: the newest deployment's target, or its source after a rollback. */
  public serving(service: string): number {
    const s = this.services.get(service)!;
    const last = s.deployments[s.deployments.length - 1];
    return last.rollback ? last.source : last.target;
  }

  /**
   * When the revision serving now took all traffic back, in simulated seconds (0 when it already
   * did before the drill): a rollback moves traffic back in about a minute; a new blue/green
   * deployment after its tasks start and pass health checks (about two) plus the shift.
   */
  public restoredAt(service: string): number {
    const s = this.services.get(service)!;
    const last = s.deployments[s.deployments.length - 1];
    this.statusOf(last);
    if (last.rollback) return Math.max(0, last.rollback.requestedAt + 70);
    return last.byRunbook ? last.createdAt + 140 : 0;
  }

  /** When the newest task of a family started (a migration run by the runbook), if one ran. */
  public lastRunOf(family: string): { at: number; failed: boolean } | undefined {
    const runs = [...this.tasks.values()].filter((t) => t.family === family);
    const last = runs[runs.length - 1];
    return last && { at: last.startedAt, failed: last.exitCode !== 0 };
  }

  /** Deployments created after the incident started (by the runbook). */
  public deploymentsSinceStart(service: string): { source: number; target: number }[] {
    return this.services.get(service)!.deployments.filter((d) => d.byRunbook);
  }

  /** Rollbacks performed (automatic or requested) during the drill and before it. */
  public rollbacks(service: string): number {
    const s = this.services.get(service)!;
    s.deployments.forEach((d) => this.statusOf(d));
    return s.deployments.filter((d) => d.rollback).length + this.deploymentsSinceStart(service).filter((d) => d.target < d.source).length;
  }

  public serviceNames(): string[] {
    return [...this.services.keys()];
  }

  private arn(region: string, kind: string, rest: string): string {
    return `arn:aws:ecs:${region}:${ACCOUNT}:${kind}/${rest}`;
  }

  private service(call: AwsCall, region: string, name: string): ServiceState {
    const cluster = call.options.get('--cluster')?.[0];
    this.t.need('AWS::ECS::Cluster', cluster, region);
    this.t.need('AWS::ECS::Service', name, region);
    const s = this.services.get(name)!;
    if (s.cluster !== cluster) throw new Fail(`service ${name} is not in cluster ${cluster}`);
    return s;
  }

  private deploymentArn(s: ServiceState, d: ServiceDeployment): string {
    return this.arn(s.region, 'service-deployment', `${s.cluster}/${s.name}/${d.id}`);
  }

  private revisionArn(s: ServiceState, revision: number): string {
    return this.arn(s.region, 'service-revision', `${s.cluster}/${s.name}/rev${revision}`);
  }

  private taskDefinitionArn(s: ServiceState, revision: number): string {
    return this.arn(s.region, 'task-definition', `${s.family}:${revision}`);
  }

  private byDeploymentArn(arn: string): [ServiceState, ServiceDeployment] {
    for (const s of this.services.values()) {
      const d = s.deployments.find((x) => this.deploymentArn(s, x) === arn);
      if (d) return [s, d];
    }
    throw new Fail(`ServiceDeploymentNotFoundException: ${arn}`);
  }

  /** Running tasks: none while the serving revision crashes at start. */
  private running(s: ServiceState): number {
    return s.crashing.has(this.serving(s.name)) ? 0 : s.desiredCount;
  }

  public respond(call: AwsCall, region: string): unknown {
    const op = call.operation;
    const one = (o: string) => {
      const v = call.options.get(o)?.[0];
      if (v === undefined) throw new Fail(`aws ecs ${op}: ${o} missing`);
      return v;
    };
    switch (op) {
      case 'describe-services':
        return {
          services: (call.options.get('--services') ?? []).map((name) => {
            const s = this.service(call, region, name);
            const last = s.deployments[s.deployments.length - 1];
            const ongoing = this.ongoing(last);
            const serving = this.serving(name);
            const primary = {
              status: 'PRIMARY',
              taskDefinition: this.taskDefinitionArn(s, serving),
              rolloutState: ongoing ? 'IN_PROGRESS' : 'COMPLETED',
              desiredCount: s.desiredCount,
              runningCount: this.running(s),
            };
            return {
              serviceName: name,
              clusterArn: this.arn(region, 'cluster', s.cluster),
              taskDefinition: this.taskDefinitionArn(s, serving),
              desiredCount: s.desiredCount,
              runningCount: this.running(s),
              deployments: ongoing
                ? [primary, { status: 'ACTIVE', taskDefinition: this.taskDefinitionArn(s, last.rollback ? last.target : last.source) }]
                : [primary],
              events: serviceEvents(s, serving, this.clock.now),
              networkConfiguration: {
                awsvpcConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' },
              },
            };
          }),
        };
      case 'list-service-deployments': {
        const s = this.service(call, region, one('--service'));
        const statuses = call.options.get('--status');
        const history = deploymentHistory(
          s,
          (kind, rest) => this.arn(region, kind, rest),
          (rev) => this.revisionArn(s, rev),
        );
        return {
          serviceDeployments: [
            ...history,
            ...s.deployments.map((d) => ({
              serviceDeploymentArn: this.deploymentArn(s, d),
              serviceArn: this.arn(region, 'service', `${s.cluster}/${s.name}`),
              clusterArn: this.arn(region, 'cluster', s.cluster),
              createdAt: iso(d.createdAt),
              targetServiceRevisionArn: this.revisionArn(s, d.target),
              status: this.statusOf(d),
            })),
          ].filter((d) => !statuses || statuses.includes(d.status)),
        };
      }
      case 'describe-service-deployments':
        return {
          serviceDeployments: (call.options.get('--service-deployment-arns') ?? []).map((arn) => {
            const [s, d] = this.byDeploymentArn(arn);
            return {
              serviceDeploymentArn: arn,
              createdAt: iso(d.createdAt),
              status: this.statusOf(d),
              sourceServiceRevisions: d.source > 0 ? [{ arn: this.revisionArn(s, d.source) }] : [],
              targetServiceRevision: { arn: this.revisionArn(s, d.target) },
              rollback: d.rollback
                ? { reason: d.rollback.reason, startedAt: iso(d.rollback.requestedAt), serviceRevisionArn: this.revisionArn(s, d.source) }
                : undefined,
            };
          }),
          failures: [],
        };
      case 'describe-service-revisions':
        return {
          serviceRevisions: (call.options.get('--service-revision-arns') ?? []).map((arn) => {
            const s = [...this.services.values()].find((x) =>
              arn.startsWith(this.arn(region, 'service-revision', `${x.cluster}/${x.name}/`)),
            );
            const m = /\/rev(\d+)$/.exec(arn);
            if (!s || !m) throw new Fail(`no service revision ${arn}`);
            return { serviceRevisionArn: arn, taskDefinition: this.taskDefinitionArn(s, Number(m[1])) };
          }),
        };
      case 'stop-service-deployment': {
        const [, d] = this.byDeploymentArn(one('--service-deployment-arn'));
        const status = this.statusOf(d);
        if ([STATUS.PENDING, STATUS.IN_PROGRESS].includes(status))
          d.rollback = { requestedAt: this.clock.now, reason: 'stopped by request' };
        else if (![STATUS.STOP_REQUESTED, STATUS.ROLLBACK_REQUESTED, STATUS.ROLLBACK_IN_PROGRESS].includes(status))
          throw new StateFail(
            `InvalidParameterException: service deployment ${d.id} is ${status}; only an ongoing deployment can be stopped`,
          );
        return { serviceDeploymentArn: one('--service-deployment-arn') };
      }
      case 'update-service': {
        const s = this.service(call, region, one('--service'));
        const td = call.options.get('--task-definition')?.[0];
        const force = call.options.has('--force-new-deployment');
        if (call.options.has('--desired-count')) s.desiredCount = Number(one('--desired-count'));
        if (td !== undefined || force) {
          let target = this.serving(s.name);
          if (td !== undefined) {
            const m = new RegExp(`^(?:${this.arn(region, 'task-definition', '')})?${s.family}:(\\d+)$`).exec(td);
            if (!m || !s.revisions.has(Number(m[1]))) throw new Fail(`ClientException: unknown task definition ${td}`);
            if (s.revisions.get(Number(m[1])) !== 'ACTIVE')
              throw new StateFail(`ClientException: TaskDefinition ${td} is inactive; an INACTIVE revision cannot be deployed`);
            target = Number(m[1]);
          }
          const last = s.deployments[s.deployments.length - 1];
          // A new deployment replaces one in progress (ECS stops the old one); it is the new release.
          if (this.ongoing(last) && !last.rollback)
            last.rollback = { requestedAt: this.clock.now, reason: 'replaced by a newer deployment' };
          s.deployments.push({
            id: `d${s.deployments.length + 1}`,
            createdAt: this.clock.now,
            source: this.serving(s.name),
            target,
            work: s.work,
            byRunbook: true,
          });
        }
        const described = this.respond(
          { ...call, operation: 'describe-services', options: new Map([...call.options, ['--services', [s.name]]]) },
          region,
        ) as { services: unknown[] };
        return { service: described.services[0] };
      }
      case 'list-task-definitions': {
        const family = one('--family-prefix');
        this.t.need('AWS::ECS::TaskDefinition', family, region);
        const s = [...this.services.values()].find((x) => x.family === family);
        const status = call.options.get('--status')?.[0] ?? 'ACTIVE';
        const revisions = s ? [...s.revisions].filter(([, st]) => st === status).map(([r]) => r) : [1];
        revisions.sort((a, b) => (call.options.get('--sort')?.[0] === 'DESC' ? b - a : a - b));
        return { taskDefinitionArns: revisions.map((r) => this.arn(region, 'task-definition', `${family}:${r}`)) };
      }
      case 'describe-task-definition': {
        const arn = (kind: string, rest: string) => this.arn(region, kind, rest);
        return describeTaskDefinition(one('--task-definition'), region, this.t, [...this.services.values()], arn);
      }
      case 'run-task':
        return runTask(
          call,
          region,
          this.t,
          this.clock.now,
          (kind, rest) => this.arn(region, kind, rest),
          (cluster, family) => {
            const arn = this.arn(region, 'task', `${cluster}/${this.tasks.size + 1}`);
            this.tasks.set(arn, { startedAt: this.clock.now, family, exitCode: this.failingMigrations.has(family) ? 1 : 0 });
            return arn;
          },
        );
      case 'list-tasks': {
        const name = call.options.get('--service-name')?.[0];
        const s = name ? this.service(call, region, name) : undefined;
        const crashing = s !== undefined && call.options.get('--desired-status')?.[0] === 'STOPPED' && s.crashing.has(this.serving(s.name));
        this.t.need('AWS::ECS::Cluster', one('--cluster'), region);
        return { taskArns: (crashing ? ['crash-1', 'crash-2'] : []).map((a) => this.arn(region, 'task', `${one('--cluster')}/${a}`)) };
      }
      case 'describe-tasks':
        this.t.need('AWS::ECS::Cluster', one('--cluster'), region);
        return describeTasks(call.options.get('--tasks') ?? [], this.tasks, this.clock.now);
      case 'wait': {
        // Waiters poll every 15s (services-stable) or 6s (tasks-stopped), 40 or 100 times: 10 minutes
        // (https://awscli.amazonaws.com/v2/documentation/api/latest/reference/ecs/wait/services-stable.html).
        const waiter = call.positionals[0];
        if (waiter !== 'services-stable' && waiter !== 'tasks-stopped') throw new Fail(`aws ecs wait ${waiter}: no such waiter`);
        if (waiter === 'services-stable') {
          const s = this.service(call, region, one('--services'));
          const last = s.deployments[s.deployments.length - 1];
          const left = Math.max(0, last.createdAt + last.work - this.clock.now);
          if (last.rollback || left > 600 || this.running(s) < s.desiredCount)
            throw new StateFail('Waiter ServicesStable failed: Max attempts exceeded');
          return { waited: left };
        }
        return { waited: 90 };
      }
      default:
        throw new Fail(`the drill does not simulate aws ecs ${op} yet: add it to EcsPlane`);
    }
  }
}
