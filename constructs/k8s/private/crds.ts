import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PrometheusRuleSpec } from '../../../lib/plan/kubernetes/prometheus-rule';

export type { AlertingRule, PrometheusRuleSpec } from '../../../lib/plan/kubernetes/prometheus-rule';

/*
 * Small typed wrappers for the custom resources glidepath emits, in the style of cdk8s `import`
 * output: one class per kind, a `GVK`, and props that mirror the resource's fields. Only the
 * fields glidepath sets are typed; tests validate the output against each CRD's schema.
 */

/** Props of a custom resource: metadata and a spec. */
export interface CustomResourceProps<Spec> {
  readonly metadata: ApiObjectMetadata;
  readonly spec: Spec;
}

/** An API object of a custom resource kind with a typed spec. */
export abstract class CustomResource<Spec> extends ApiObject {
  protected constructor(scope: Construct, id: string, gvk: { apiVersion: string; kind: string }, props: CustomResourceProps<Spec>) {
    super(scope, id, { ...gvk, metadata: props.metadata, spec: props.spec });
  }
}

/** A Kubernetes label selector. */
export interface LabelSelector {
  readonly matchLabels: Record<string, string>;
}

/** `argoproj.io/v1alpha1` Rollout spec (the fields glidepath sets). */
export interface RolloutSpec {
  readonly replicas?: number;
  readonly revisionHistoryLimit: number;
  readonly rollbackWindow?: { readonly revisions: number };
  readonly progressDeadlineSeconds: number;
  readonly progressDeadlineAbort: boolean;
  readonly selector: LabelSelector;
  readonly template: unknown;
  readonly strategy: { readonly canary: unknown } | { readonly blueGreen: unknown };
}
/** An Argo Rollouts `Rollout`. @see https://argo-rollouts.readthedocs.io/en/stable/features/specification/ */
export class KubeArgoRollout extends CustomResource<RolloutSpec> {
  public static readonly GVK = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<RolloutSpec>) {
    super(scope, id, KubeArgoRollout.GVK, props);
  }
}

/** `argoproj.io/v1alpha1` AnalysisTemplate spec. */
export interface AnalysisTemplateSpec {
  readonly args?: readonly { readonly name: string; readonly value?: string }[];
  readonly metrics: readonly {
    readonly name: string;
    /** Absent for a metric measured once (a Job). */
    readonly interval?: string;
    readonly count?: number;
    /** Time before the first measurement. */
    readonly initialDelay?: string;
    readonly failureLimit: number;
    readonly inconclusiveLimit?: number;
    readonly consecutiveErrorLimit?: number;
    /** Absent for a Job, which succeeds or fails by itself. */
    readonly successCondition?: string;
    /** With a success condition too, a measurement meeting neither is inconclusive. */
    readonly failureCondition?: string;
    readonly provider:
      | { readonly prometheus: { readonly address: string; readonly query: string } }
      | { readonly job: { readonly metadata?: ApiObjectMetadata; readonly spec: unknown } };
  }[];
}
/** An Argo Rollouts `AnalysisTemplate`. @see https://argo-rollouts.readthedocs.io/en/stable/analysis/prometheus/ */
export class KubeArgoAnalysisTemplate extends CustomResource<AnalysisTemplateSpec> {
  public static readonly GVK = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<AnalysisTemplateSpec>) {
    super(scope, id, KubeArgoAnalysisTemplate.GVK, props);
  }
}

/** A prometheus-operator `PrometheusRule`. @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule */
export class KubePrometheusRule extends CustomResource<PrometheusRuleSpec> {
  public static readonly GVK = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<PrometheusRuleSpec>) {
    super(scope, id, KubePrometheusRule.GVK, props);
  }
}

/** `monitoring.coreos.com/v1` PodMonitor spec (the fields glidepath sets). */
export interface PodMonitorSpec {
  readonly selector: LabelSelector;
  readonly podTargetLabels: readonly string[];
  readonly podMetricsEndpoints: readonly {
    readonly port: string;
    readonly path: string;
    readonly interval: string;
    readonly relabelings: readonly { readonly targetLabel: string; readonly replacement: string; readonly action: 'replace' }[];
  }[];
}
/** A prometheus-operator `PodMonitor`. */
export class KubePodMonitor extends CustomResource<PodMonitorSpec> {
  public static readonly GVK = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<PodMonitorSpec>) {
    super(scope, id, KubePodMonitor.GVK, props);
  }
}

/** `external-secrets.io/v1` SecretStore spec with the AWS Secrets Manager provider. */
export interface SecretStoreSpec {
  readonly provider: {
    readonly aws: {
      readonly service: 'SecretsManager';
      readonly region: string;
      readonly auth?: { readonly jwt: { readonly serviceAccountRef: { readonly name: string } } };
    };
  };
}
/** An External Secrets Operator `SecretStore`. @see https://external-secrets.io/latest/provider/aws-secrets-manager/ */
export class KubeSecretStore extends CustomResource<SecretStoreSpec> {
  public static readonly GVK = { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<SecretStoreSpec>) {
    super(scope, id, KubeSecretStore.GVK, props);
  }
}

/** `external-secrets.io/v1` ExternalSecret spec. */
export interface ExternalSecretSpec {
  readonly refreshInterval: string;
  readonly secretStoreRef: { readonly name: string; readonly kind: 'SecretStore' };
  readonly target: { readonly name: string; readonly creationPolicy: 'Owner'; readonly deletionPolicy: 'Retain' | 'Delete' };
  readonly data: readonly { readonly secretKey: string; readonly remoteRef: { readonly key: string } }[];
}
/** An External Secrets Operator `ExternalSecret`. @see https://external-secrets.io/latest/api/externalsecret/ */
export class KubeExternalSecret extends CustomResource<ExternalSecretSpec> {
  public static readonly GVK = { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<ExternalSecretSpec>) {
    super(scope, id, KubeExternalSecret.GVK, props);
  }
}
