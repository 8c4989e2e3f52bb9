import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Duration } from '../../lib/model/duration';
import type { Capacity } from '../../lib/model/environment';
import {
  compileArgoRollout,
  compileKubernetesDeployment,
  usesArgoRollouts,
  type ArgoRolloutPlan,
  type KubernetesDeploymentPlan,
  type RolloutTarget,
} from '../../lib/plan/argo-schedule';
import type { CompiledSchedule } from '../../lib/plan/schedule';
import { timeBound, type TimeBound } from '../../lib/plan/timing';
import type { IRunbookContributor, NamedResource, RollbackLevelFact, RunbookCommand, RunbookFacts } from '../../lib/runbook/facts';
import { RollbackAnalysis } from './analysis-template';
import type { SecretEnvironmentVariable } from './external-secrets';
import { KubeArgoRollout } from './private/crds';
import { podTemplate, type ContainerSpec } from './private/pod-template';

/** Seconds without progress after which a rollout is marked failed (and a Rollout aborts). */
const DEPLOYMENT_PROGRESS_DEADLINE_SECONDS = 600;

/** How the workload is exposed outside the cluster. */
export interface WorkloadIngressOptions {
  /** Host name the Ingress answers. @default - every host (no `host` in the rule) */
  readonly host?: string;
  /** Ingress class; canary traffic splitting uses the NGINX Ingress Controller. @default 'nginx' */
  readonly className?: string;
}

/** Props of `ProgressiveWorkload`. */
export interface ProgressiveWorkloadProps {
  /** Name of the Rollout or Deployment, its Services, Ingress, PDB, HPA and ServiceAccount. */
  readonly name: string;
  readonly namespace: string;
  /** What runs. `cpu` is in Fargate units (1024 = 1 vCPU). */
  readonly container: ContainerSpec;
  /** Name of the container. @default - `name` */
  readonly containerName?: string;
  /** Pods, and autoscaling bounds when `scaling` is set. */
  readonly capacity: Capacity;
  /**
   * How new versions roll out (an `EnvironmentDefinition` fits). Canary, linear and blue-green run
   * as an Argo Rollouts `Rollout`; rolling and all-at-once as a `Deployment`.
   */
  readonly rollout: RolloutTarget;
  /** Analysis that aborts a bad canary and gates blue-green promotion. @default - none: only the steps run */
  readonly analysis?: RollbackAnalysis;
  /** Secrets the container reads as environment variables (see `ExternalSecrets`). @default - none */
  readonly secretEnvironment?: readonly SecretEnvironmentVariable[];
  /** Labels that select the pods. @default - `app.kubernetes.io/name` and `app.kubernetes.io/instance` = `name` */
  readonly selectorLabels?: Record<string, string>;
  /** The Ingress. @default - class `nginx`, every host */
  readonly ingress?: WorkloadIngressOptions;
  /**
   * Time between a pod being marked for termination and SIGTERM, so load balancers stop sending
   * it requests first. The image must contain `sleep`.
   * @default 15s
   */
  readonly preStopDelay?: Duration;
  /** Time the process has after SIGTERM to finish in-flight requests. @default 30s */
  readonly drainTimeout?: Duration;
  /** Budget of rollback level 2, to check the computed bound against. @default 5m */
  readonly configurationRollbackBudget?: Duration;
}

/**
 * The workload of one service × environment with zero-downtime defaults: an Argo Rollouts
 * `Rollout` (canary with exact `setWeight`/`pause` steps through NGINX traffic routing, or
 * blue-green with active and preview Services) or a `Deployment` (rolling update or recreate), plus
 * its Services, Ingress, PodDisruptionBudget, HorizontalPodAutoscaler (when scaling) and a
 * ServiceAccount without a token.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/nginx/
 */
export class ProgressiveWorkload extends Construct implements IRunbookContributor {
  /** The schedule that will really run. */
  public readonly schedule: CompiledSchedule;
  /** `Rollout` or `Deployment`. */
  public readonly kind: 'Rollout' | 'Deployment';
  /** Name of the Rollout or Deployment. */
  public readonly name: string;
  /** Labels that select the pods. */
  public readonly selectorLabels: Record<string, string>;
  /** Service that receives user traffic (stable / active). */
  public readonly serviceName: string;
  /** Service of the new version during a rollout (canary / preview), for Rollouts. */
  public readonly testServiceName?: string;

  private readonly argo?: ArgoRolloutPlan;
  private readonly resources: NamedResource[] = [];

  constructor(scope: Construct, id: string, private readonly props: ProgressiveWorkloadProps) {
    super(scope, id);
    const { name, namespace, capacity } = props;
    this.name = name;
    this.serviceName = name;
    this.selectorLabels = props.selectorLabels ?? { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
    const metadata = (n: string) => ({ name: n, namespace, labels: this.selectorLabels });
    const template = podTemplate({
      containerName: props.containerName ?? name,
      labels: this.selectorLabels,
      container: props.container,
      secretEnvironment: props.secretEnvironment ?? [],
      serviceAccountName: name,
      preStopDelay: props.preStopDelay ?? Duration.seconds(15),
      drainTimeout: props.drainTimeout ?? Duration.seconds(30),
    });
    // With an HPA the replica count belongs to the HPA; a fixed count would fight it on every apply.
    const replicas = capacity.scaling ? undefined : capacity.desiredCount;

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: metadata(name), automountServiceAccountToken: false });
    this.resources.push({ type: 'ServiceAccount', name });

    const service = (id2: string, serviceName: string) => {
      new k8s.KubeService(this, id2, {
        metadata: metadata(serviceName),
        spec: {
          type: 'ClusterIP',
          selector: this.selectorLabels,
          ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
        },
      });
      this.resources.push({ type: 'Service', name: serviceName });
    };
    service('Service', this.serviceName);

    if (usesArgoRollouts(props.rollout.rollout.strategy)) {
      this.kind = 'Rollout';
      this.argo = compileArgoRollout(props.rollout);
      this.schedule = this.argo.schedule;
      this.testServiceName = `${name}-${this.argo.canary ? 'canary' : 'preview'}`;
      service('TestService', this.testServiceName);
      new KubeArgoRollout(this, 'Resource', {
        metadata: metadata(name),
        spec: {
          ...(replicas !== undefined ? { replicas } : {}),
          revisionHistoryLimit: 5,
          progressDeadlineSeconds: DEPLOYMENT_PROGRESS_DEADLINE_SECONDS,
          progressDeadlineAbort: true,
          selector: { matchLabels: this.selectorLabels },
          template: k8s.toJson_PodTemplateSpec(template),
          strategy: this.argoStrategy(this.argo),
        },
      });
    } else {
      this.kind = 'Deployment';
      const plan: KubernetesDeploymentPlan = compileKubernetesDeployment(props.rollout);
      this.schedule = plan.schedule;
      new k8s.KubeDeployment(this, 'Resource', {
        metadata: metadata(name),
        spec: {
          replicas,
          revisionHistoryLimit: 5,
          progressDeadlineSeconds: DEPLOYMENT_PROGRESS_DEADLINE_SECONDS,
          minReadySeconds: 10,
          selector: { matchLabels: this.selectorLabels },
          template,
          strategy:
            plan.strategy.type === 'Recreate'
              ? { type: 'Recreate' }
              : {
                  type: 'RollingUpdate',
                  rollingUpdate: {
                    maxSurge: k8s.IntOrString.fromString(plan.strategy.rollingUpdate.maxSurge),
                    maxUnavailable: k8s.IntOrString.fromString(plan.strategy.rollingUpdate.maxUnavailable),
                  },
                },
        },
      });
    }
    this.resources.unshift({ type: this.kind === 'Rollout' ? 'argoproj.io/Rollout' : 'Deployment', name });

    const ingress = props.ingress ?? {};
    new k8s.KubeIngress(this, 'Ingress', {
      metadata: metadata(name),
      spec: {
        ingressClassName: ingress.className ?? 'nginx',
        rules: [
          {
            ...(ingress.host ? { host: ingress.host } : {}),
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: this.serviceName, port: { name: 'http' } } } }],
            },
          },
        ],
      },
    });
    this.resources.push({ type: 'Ingress', name });

    new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: metadata(name),
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selectorLabels } },
    });
    this.resources.push({ type: 'PodDisruptionBudget', name });

    if (capacity.scaling) {
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
        metadata: metadata(name),
        spec: {
          scaleTargetRef: this.kind === 'Rollout' ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name } : { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: capacity.scaling.minCount,
          maxReplicas: capacity.scaling.maxCount,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: capacity.scaling.targetCpuPercent } } },
          ],
        },
      });
      this.resources.push({ type: 'HorizontalPodAutoscaler', name });
    }
  }

  /** Commands that show the workload's state, for alert diagnosis. */
  public diagnosisCommands(): RunbookCommand[] {
    const { namespace } = this.props;
    const status: RunbookCommand =
      this.kind === 'Rollout'
        ? { description: 'Show the rollout: revisions, step, weights, analysis', command: `kubectl argo rollouts get rollout ${this.name} -n ${namespace}`, expected: 'Status "Healthy"' }
        : { description: 'Show the deployment and its pods', command: `kubectl -n ${namespace} get deployment,pods -l ${selectorText(this.selectorLabels)} -o wide`, expected: 'READY equal to the desired count' };
    return [
      status,
      {
        description: 'Recent logs of every pod',
        command: `kubectl -n ${namespace} logs -l ${selectorText(this.selectorLabels)} --all-containers --prefix --since=15m --tail=200`,
      },
      {
        description: 'Recent events in the namespace (probes failing, OOM kills, scheduling)',
        command: `kubectl -n ${namespace} get events --sort-by=.lastTimestamp`,
      },
    ];
  }

  public runbookFacts(): RunbookFacts {
    return {
      rollout: { schedule: this.schedule, summary: this.summary() },
      deploy: this.deployCommands(),
      rollback: this.rollbackLevels(),
      automaticRollback: this.automaticRollback(),
      resources: this.resources,
      notes: [
        ...(this.argo?.notes ?? []),
        ...((this.props.capacity.scaling?.minCount ?? this.props.capacity.desiredCount) < 2
          ? [
              `${this.kind} ${this.name} can run a single pod: evicting it (node drain, cluster upgrade) interrupts the service; the PodDisruptionBudget allows that so drains do not hang; run at least 2 pods for zero downtime`,
            ]
          : []),
        ...(this.props.secretEnvironment?.length ? [`a new secret value reaches the pods only when they restart (environment variables are read at start): ${this.restartCommand()}`] : [])],
    };
  }

  private argoStrategy(plan: ArgoRolloutPlan): { canary: unknown } | { blueGreen: unknown } {
    const analysis = this.props.analysis;
    const args = [{ name: RollbackAnalysis.POD_TEMPLATE_HASH_ARG, valueFrom: { podTemplateHashValue: 'Latest' } }];
    if (plan.canary) {
      return {
        canary: {
          stableService: this.serviceName,
          canaryService: this.testServiceName,
          trafficRouting: { nginx: { stableIngress: this.name } },
          ...(analysis ? { analysis: { templates: [{ templateName: analysis.templateName }], startingStep: plan.canary.analysisStartingStep, args } } : {}),
          steps: plan.canary.steps,
        },
      };
    }
    const bg = plan.blueGreen!;
    return {
      blueGreen: {
        activeService: this.serviceName,
        previewService: this.testServiceName,
        autoPromotionEnabled: bg.autoPromotionEnabled,
        ...(bg.autoPromotionSeconds !== undefined ? { autoPromotionSeconds: bg.autoPromotionSeconds } : {}),
        scaleDownDelaySeconds: bg.scaleDownDelaySeconds,
        ...(analysis
          ? {
              ...(analysis.healthTemplateName ? { prePromotionAnalysis: { templates: [{ templateName: analysis.healthTemplateName }], args } } : {}),
              postPromotionAnalysis: { templates: [{ templateName: analysis.templateName }], args },
            }
          : {}),
      },
    };
  }

  private summary(): string {
    const { rollout } = this.props.rollout;
    if (this.kind === 'Deployment') {
      return rollout.strategy === 'all-at-once'
        ? `Deployment ${this.name} recreates its pods: every old pod stops before new ones start, so the service is down during the update.`
        : `Deployment ${this.name} rolls pods with maxSurge ${rollout.rolling.maxSurgePercent}% and maxUnavailable ${rollout.rolling.maxUnavailablePercent}%; new pods take traffic once their readiness probe passes.`;
    }
    const steps = this.schedule.steps.map((s) => `${s.name} ${s.trafficPercent}% for ${s.bake}`).join(', then ');
    const gate = this.props.analysis ? ` AnalysisTemplate ${this.props.analysis.templateName} aborts it when the rollback trigger fires.` : '';
    return this.argo?.canary
      ? `Rollout ${this.name} shifts traffic through the NGINX canary Ingress: ${steps}.${gate}`
      : `Rollout ${this.name} starts the new version behind Service ${this.testServiceName}, then switches Service ${this.serviceName} to it: ${steps}.${gate}`;
  }

  private deployCommands(): RunbookCommand[] {
    const { namespace } = this.props;
    if (this.kind === 'Deployment') {
      return [
        {
          description: 'Follow the update until every pod runs the new version',
          command: `kubectl -n ${namespace} rollout status deployment/${this.name} --timeout=10m`,
          expected: `deployment "${this.name}" successfully rolled out`,
        },
      ];
    }
    const commands: RunbookCommand[] = [
      {
        description: 'Follow the rollout step by step',
        command: `kubectl argo rollouts get rollout ${this.name} -n ${namespace} --watch`,
        expected: 'each step completes in turn; Status "Healthy" at the end',
      },
    ];
    if (this.argo?.blueGreen && !this.argo.blueGreen.autoPromotionEnabled) {
      commands.push({
        description: `After checking the new version on Service ${this.testServiceName}, switch user traffic to it`,
        command: `kubectl argo rollouts promote ${this.name} -n ${namespace}`,
        expected: `Service ${this.serviceName} selects the new ReplicaSet`,
      });
    }
    commands.push({
      description: 'Wait until the rollout has finished',
      command: `kubectl argo rollouts status ${this.name} -n ${namespace} --timeout ${Math.ceil(this.schedule.totalBake.toMinutes()) + 15}m`,
      expected: 'Healthy',
    });
    return commands;
  }

  private rollbackLevels(): RollbackLevelFact[] {
    const { namespace } = this.props;
    const budget = this.props.configurationRollbackBudget ?? Duration.minutes(5);
    if (this.kind === 'Deployment') {
      const status: RunbookCommand = {
        description: 'Wait until the previous version runs everywhere',
        command: `kubectl -n ${namespace} rollout status deployment/${this.name} --timeout=10m`,
        expected: `deployment "${this.name}" successfully rolled out`,
      };
      return [
        {
          level: 2,
          title: 'Go back to the previous revision',
          when: 'The latest update (configuration or image) is bad',
          commands: [{ description: 'Roll the Deployment back one revision', command: `kubectl -n ${namespace} rollout undo deployment/${this.name}` }],
          verify: [status],
        },
        {
          level: 3,
          title: 'Redeploy an older revision',
          when: 'The previous revision is bad too, or the fault is older',
          commands: [
            { description: 'List revisions and pick the last good one', command: `kubectl -n ${namespace} rollout history deployment/${this.name}` },
            {
              description: 'Roll back to that revision',
              command: `kubectl -n ${namespace} rollout undo deployment/${this.name} --to-revision="\${REVISION:?set REVISION to the revision number from the history}"`,
            },
          ],
          verify: [status],
        },
      ];
    }
    const status: RunbookCommand = {
      description: 'Check that the stable version serves all traffic',
      command: `kubectl argo rollouts status ${this.name} -n ${namespace} --timeout 10m`,
      expected: 'Healthy (after undo) or Degraded with RolloutAborted (after abort): both mean the stable version has all traffic',
    };
    return [
      {
        level: 2,
        title: 'Abort the rollout or undo the last one',
        when: 'A rollout is in progress and the new version misbehaves (abort), or one finished and the new version is bad (undo)',
        commands: [
          { description: 'During a rollout: send all traffic back to the stable version', command: `kubectl argo rollouts abort ${this.name} -n ${namespace}` },
          { description: 'After a rollout: go back to the previous revision', command: `kubectl argo rollouts undo ${this.name} -n ${namespace}` },
        ],
        verify: [status],
        bound: this.abortBound(budget),
      },
      {
        level: 3,
        title: 'Redeploy an older revision at once',
        when: 'The previous revision is bad too, or waiting for the full schedule is not acceptable',
        commands: [
          { description: 'List revisions and pick the last good one', command: `kubectl argo rollouts get rollout ${this.name} -n ${namespace}` },
          {
            description: 'Roll back to that revision',
            command: `kubectl argo rollouts undo ${this.name} -n ${namespace} --to-revision="\${REVISION:?set REVISION to the revision number shown above}"`,
          },
          {
            description: `Skip the remaining steps (${this.schedule.totalBake} of bakes) and send all traffic to it`,
            command: `kubectl argo rollouts promote ${this.name} -n ${namespace} --full`,
          },
        ],
        verify: [status],
      },
    ];
  }

  private automaticRollback(): string {
    const analysis = this.props.analysis;
    if (this.kind === 'Deployment') {
      return `none: a Deployment does not roll back by itself; pods that fail their readiness probe get no traffic, maxUnavailable keeps old pods serving, and after ${DEPLOYMENT_PROGRESS_DEADLINE_SECONDS}s without progress the rollout is only marked failed`;
    }
    if (!analysis) {
      return `Argo Rollouts aborts (all traffic back to the stable version) when the new pods make no progress for ${DEPLOYMENT_PROGRESS_DEADLINE_SECONDS}s; no analysis is attached`;
    }
    const failures = analysis.failureLimit + 1;
    const when = `${failures} measurement${failures > 1 ? 's' : ''} of AnalysisTemplate ${analysis.templateName} fail${failures > 1 ? '' : 's'}, or the new pods make no progress for ${DEPLOYMENT_PROGRESS_DEADLINE_SECONDS}s`;
    return this.argo?.canary
      ? `Argo Rollouts aborts the canary and sends all traffic back to the stable version when ${when}`
      : `Argo Rollouts ${analysis.healthTemplateName ? `keeps the active Service on the old version when ${analysis.healthTemplateName} fails before promotion, and ` : ''}switches the active Service back when ${when} after promotion (within the ${this.schedule.steps[this.schedule.steps.length - 1]?.bake} the old version is kept)`;
  }

  private abortBound(budget: Duration): TimeBound | undefined {
    const analysis = this.props.analysis;
    if (!analysis) {
      return undefined;
    }
    const failures = analysis.failureLimit + 1;
    return timeBound(
      [
        { what: `detect: ${failures} failed measurement${failures > 1 ? 's' : ''} × ${analysis.interval}`, duration: analysis.interval.times(failures) },
        { what: 'abort: the controller resets the canary weight and scales the stable version (estimate)', duration: Duration.seconds(30) },
      ],
      budget,
    );
  }

  private restartCommand(): string {
    return this.kind === 'Rollout'
      ? `kubectl argo rollouts restart ${this.name} -n ${this.props.namespace}`
      : `kubectl -n ${this.props.namespace} rollout restart deployment/${this.name}`;
  }
}

function selectorText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
