import { JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Duration } from '../../lib/model/duration';
import { IngressController } from '../../lib/model/kubernetes';
import type { Capacity } from '../../lib/model/environment';
import type { ArgoRolloutPlan, RolloutTarget } from '../../lib/plan/rollout/argo-schedule';
import { workloadShape, type WorkloadShape } from '../../lib/plan/kubernetes/workload-shape';
import type { RolloutPlan } from '../../lib/plan/rollout/rollout-plan';
import type { CompiledSchedule } from '../../lib/plan/rollout/schedule';
import type { IRunbookContributor, RunbookCommand, RunbookFacts } from '../../lib/runbook/facts';
import { progressiveWorkloadRunbookFacts, workloadRunbook } from '../../lib/runbook/platforms/kubernetes-workload-facts';
import { RollbackAnalysis } from './analysis-template';
import type { PodGate } from './migration-jobs';
import type { SmokeTestAnalysis } from './smoke-test-analysis';
import { ingressProps } from './private/ingress-spec';
import type { WorkloadIngressOptions } from './workload-ingress';
import type { SecretEnvironmentVariable } from './external-secrets';
import type { FeatureFlags } from './feature-flags';
import { KubeArgoRollout } from './private/crds';
import { podTemplate, preStopSleep, type ContainerSpec } from './private/pod-template';
import {
  PROGRESS_DEADLINE_SECONDS,
  ROLLBACK_WINDOW_REVISIONS,
  type WorkloadRunbook,
} from '../../lib/runbook/platforms/kubernetes-workload';

/** Stakater Reloader's annotation: replace the pods when one of these Secrets changes. */
export const RELOADER_SECRET_ANNOTATION = 'secret.reloader.stakater.com/reload';

/** Props of `ProgressiveWorkload`. */
export interface ProgressiveWorkloadProps {
  /** Name of the Rollout or Deployment, its Services, Ingress, PDB, HPA and ServiceAccount. */
  readonly name: string;
  /** Namespace of the objects. */
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
  /**
   * The rollout already compiled for this environment (`planRollout(definition, Target.KUBERNETES, env)`), so
   * the plan is compiled once, in lib/plan, and shared with whoever composes this workload.
   * @default - compiled here from `rollout`
   */
  readonly plan?: RolloutPlan;
  /** Analysis that aborts a bad canary and gates blue-green promotion. @default - none: only the steps run */
  readonly analysis?: RollbackAnalysis;
  /**
   * Smoke tests run before the new version gets production traffic: blue-green pre-promotion
   * analysis, or a canary analysis step while the canary has no production traffic (after the
   * first weight when the plan has no 0% stage). Needs `analysis`' Rollout strategies. @default - none
   */
  readonly smokeTests?: SmokeTestAnalysis;
  /** Init containers the new pods wait for, e.g. `MigrationJobs.podGate()`. @default - none */
  readonly gate?: PodGate;
  /**
   * Container port that serves Prometheus metrics, named `metrics`; it is in no Service and no
   * Ingress, so metrics are not public.
   * @default - none: metrics, if any, are served on the serving port
   */
  readonly metricsPort?: number;
  /** Feature flags the container reads from files (see `FeatureFlags`). @default - none */
  readonly featureFlags?: FeatureFlags;
  /**
   * Secrets the container reads as environment variables (see `ExternalSecrets`). Environment
   * variables are read at start, so the workload carries Stakater Reloader's
   * `secret.reloader.stakater.com/reload` annotation naming them: when a synced Secret changes,
   * Reloader updates the pod template and the pods are replaced (for a Rollout, a new revision
   * through its steps; Reloader must run with `isArgoRollouts: true`).
   * @default - none
   * @see https://github.com/stakater/Reloader
   */
  readonly secretEnvironment?: readonly SecretEnvironmentVariable[];
  /** Labels that select the pods. @default - `app.kubernetes.io/name` and `app.kubernetes.io/instance` = `name` */
  readonly selectorLabels?: Record<string, string>;
  /** The Ingress. @default - class `nginx`, every host */
  readonly ingress?: WorkloadIngressOptions;
  /**
   * Time between a pod being marked for termination and SIGTERM, so load balancers stop sending
   * it requests first: the kubelet's `sleep` preStop action (Kubernetes 1.30 or later), so the
   * image needs no `sleep` binary (distroless works).
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

  /** Secrets whose change replaces the pods (Stakater Reloader). */
  public readonly reloadOnSecrets: readonly string[];
  /** The compiled Argo Rollouts plan, when the workload is a `Rollout`. */
  public readonly argo?: ArgoRolloutPlan;
  private readonly shape: WorkloadShape;
  private readonly runbook: WorkloadRunbook;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ProgressiveWorkloadProps,
  ) {
    super(scope, id);
    const { name, namespace, capacity } = props;
    this.name = name;
    this.serviceName = name;
    this.selectorLabels = props.selectorLabels ?? { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
    const metadata = (n: string) => ({ name: n, namespace, labels: this.selectorLabels });
    const secretNames = [...new Set((props.secretEnvironment ?? []).map((s) => s.secretName))];
    this.reloadOnSecrets = secretNames;
    const workloadMetadata = (n: string) => ({
      ...metadata(n),
      ...(secretNames.length > 0 ? { annotations: { [RELOADER_SECRET_ANNOTATION]: secretNames.join(',') } } : {}),
    });
    const preStop = preStopSleep(props.preStopDelay ?? Duration.seconds(15));
    const template = podTemplate({
      containerName: props.containerName ?? name,
      labels: this.selectorLabels,
      container: props.container,
      secretEnvironment: props.secretEnvironment ?? [],
      serviceAccountName: name,
      preStopDelay: props.preStopDelay ?? Duration.seconds(15),
      drainTimeout: props.drainTimeout ?? Duration.seconds(30),
      extraVolumes: props.featureFlags ? [props.featureFlags.podVolume()] : [],
      gate: props.gate,
      metricsPort: props.metricsPort,
    });
    // With an HPA the replica count belongs to the HPA; a fixed count would fight it on every apply.
    const replicas = capacity.scaling ? undefined : capacity.desiredCount;

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: metadata(name), automountServiceAccountToken: false });

    const shape = workloadShape(props);
    // Argo Rollouts owns the selector of the Services it routes (it patches in
    // `rollouts-pod-template-hash`, and `spec.selector` is an atomic map, so it then owns all of
    // it): applying a selector would conflict on the next `kubectl apply --server-side`
    // (argoproj/argo-rollouts#3281). Those Services are applied without one; Argo sets it to the
    // pod-template hash of the ReplicaSet it points them at (rollout/service.go
    // switchServiceSelector creates the map when it is nil). Only this workload's pods carry
    // that hash in the namespace.
    const argoRoutes = shape.kind === 'Rollout';
    const service = (id2: string, serviceName: string) => {
      new k8s.KubeService(this, id2, {
        metadata: metadata(serviceName),
        spec: {
          type: 'ClusterIP',
          ...(argoRoutes ? {} : { selector: this.selectorLabels }),
          ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
        },
      });
    };
    service('Service', this.serviceName);
    this.kind = shape.kind;
    this.schedule = shape.schedule;
    if (shape.argo) {
      this.argo = shape.argo;
      this.testServiceName = shape.testServiceName;
      service('TestService', shape.testServiceName!);
      new KubeArgoRollout(this, 'Resource', {
        metadata: workloadMetadata(name),
        spec: {
          ...(replicas !== undefined ? { replicas } : {}),
          revisionHistoryLimit: 5,
          // An undo to a recent revision skips the steps (and analysis): rollback level 2 in minutes.
          rollbackWindow: { revisions: ROLLBACK_WINDOW_REVISIONS },
          progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
          progressDeadlineAbort: true,
          selector: { matchLabels: this.selectorLabels },
          template: withPreStopSleep(k8s.toJson_PodTemplateSpec(template) as { spec: { containers: object[] } }, preStop),
          strategy: this.argoStrategy(this.argo),
        },
      });
    } else {
      const plan = shape.deployment!;
      const deployment = new k8s.KubeDeployment(this, 'Resource', {
        metadata: workloadMetadata(name),
        spec: {
          replicas,
          revisionHistoryLimit: 5,
          progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
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
      deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/lifecycle', preStop));
    }

    new k8s.KubeIngress(
      this,
      'Ingress',
      ingressProps(props.ingress ?? {}, {
        name,
        namespace,
        labels: this.selectorLabels,
        serviceName: this.serviceName,
        albActions: this.albRouted(),
      }),
    );

    new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: metadata(name),
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selectorLabels } },
    });

    if (capacity.scaling) {
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
        metadata: metadata(name),
        spec: {
          scaleTargetRef:
            this.kind === 'Rollout'
              ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name }
              : { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: capacity.scaling.minCount,
          maxReplicas: capacity.scaling.maxCount,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: capacity.scaling.targetCpuPercent } },
            },
          ],
        },
      });
    }

    this.shape = shape;
    this.runbook = workloadRunbook(props, shape);
  }

  /** Commands that show the workload's state, for alert diagnosis. */
  public diagnosisCommands(): RunbookCommand[] {
    return this.runbook.diagnosisCommands();
  }

  /** The workload's part of the runbook (text in lib/runbook/platforms/kubernetes-workload*.ts). */
  public runbookFacts(): RunbookFacts {
    return progressiveWorkloadRunbookFacts(this.props, this.shape);
  }

  /** Whether canary traffic is split by the AWS Load Balancer Controller (weighted target groups). */
  private albRouted(): boolean {
    return this.props.ingress?.controller === IngressController.ALB && this.argo?.canary !== undefined;
  }

  private argoStrategy(plan: ArgoRolloutPlan): { canary: unknown } | { blueGreen: unknown } {
    const analysis = this.props.analysis;
    const args = [
      { name: RollbackAnalysis.POD_TEMPLATE_HASH_ARG, valueFrom: { podTemplateHashValue: 'Latest' } },
      { name: RollbackAnalysis.STABLE_POD_TEMPLATE_HASH_ARG, valueFrom: { podTemplateHashValue: 'Stable' } },
    ];
    if (plan.canary) {
      const steps: unknown[] = [...plan.canary.steps];
      let startingStep = plan.canary.analysisStartingStep;
      if (this.props.smokeTests) {
        // While the canary runs at full size without traffic, or else right after the first weight.
        const scale = plan.canary.steps.findIndex((s) => 'setCanaryScale' in s);
        const at = scale >= 0 ? scale + 1 : plan.canary.steps.findIndex((s) => 'setWeight' in s) + 1;
        steps.splice(at, 0, { analysis: { templates: [{ templateName: this.props.smokeTests.templateName }] } });
        if (at <= startingStep) startingStep++;
      }
      return {
        canary: {
          stableService: this.serviceName,
          canaryService: this.testServiceName,
          trafficRouting: this.albRouted() ? { alb: { ingress: this.name, servicePort: 80 } } : { nginx: { stableIngress: this.name } },
          ...(analysis ? { analysis: { templates: [{ templateName: analysis.templateName }], startingStep, args } } : {}),
          steps,
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
              ...(analysis.healthTemplateName || this.props.smokeTests
                ? {
                    prePromotionAnalysis: {
                      templates: [
                        ...(analysis.healthTemplateName ? [{ templateName: analysis.healthTemplateName }] : []),
                        ...(this.props.smokeTests ? [{ templateName: this.props.smokeTests.templateName }] : []),
                      ],
                      args,
                    },
                  }
                : {}),
              postPromotionAnalysis: { templates: [{ templateName: analysis.templateName }], args },
            }
          : {}),
      },
    };
  }
}

/** The rendered pod template with the preStop sleep action on its first (the workload's) container. */
function withPreStopSleep(template: { spec: { containers: object[] } }, lifecycle: ReturnType<typeof preStopSleep>): object {
  const [first, ...rest] = template.spec.containers;
  return { ...template, spec: { ...template.spec, containers: [{ ...first, lifecycle }, ...rest] } };
}
