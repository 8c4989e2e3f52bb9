import * as pulumi from '@pulumi/pulumi';
import { environmentOf, type ServiceDefinition } from '../../lib/model/service-definition';
import type { EnvironmentDefinition } from '../../lib/model/environment';
import { ResourceNames } from '../../lib/plan/names';
import { planAwsRollout } from '../../lib/plan/rollout/rollout-plan';
import { Backend, enforceStrict, type CompiledSchedule } from '../../lib/plan/rollout/schedule';
import { runbookUrl } from '../../lib/runbook/anchors';
import type { RunbookFacts } from '../../lib/runbook/facts';
import { Target } from '../../lib/targets/target';
import type { KubernetesSynthesis } from '../k8s/synthesize';
import type { AwsNetworkInput, AwsResources } from './private/aws-resources';
import { awsPlatform, kubernetesPlatform } from './private/platform-modules';
import { awsRunbookFacts, kubernetesRunbookFacts } from './private/runbook-facts';

/** Where a `DeploymentComponent` deploys the service. */
export enum DeploymentPlatform {
  /** ECS Fargate with native deployments, CloudWatch alarms, SNS and Secrets Manager, through `@pulumi/aws`. */
  AWS = 'aws',
  /** The objects of `DeploymentChart` (Argo Rollouts, PrometheusRules, ExternalSecrets), through `@pulumi/kubernetes`. */
  KUBERNETES = 'kubernetes',
}

/** The VPC a container service runs in, on AWS. The component does not create a VPC. */
export interface AwsNetwork extends AwsNetworkInput {
  /** VPC of the load balancer, target groups and security groups. */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the internet-facing load balancer (two or more availability zones). */
  readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Subnets of the tasks; they need a route to ECR and Secrets Manager (NAT or endpoints). */
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

/** Arguments of `DeploymentComponent`. */
export interface DeploymentComponentArgs {
  /** The validated definition (`defineService`, `loadDefinitionFile`). */
  readonly definition: ServiceDefinition;
  /** Which of its environments this component deploys. */
  readonly environment: string;
  /** Where to deploy. */
  readonly platform: DeploymentPlatform;
  /** The network, for container workloads on AWS. @default - none; required for container workloads with `DeploymentPlatform.AWS` */
  readonly network?: AwsNetwork;
  /**
   * Name of the stack output the program exports `serviceUrl` under; the runbook's smoke test reads it.
   * @default 'serviceUrl'
   */
  readonly serviceUrlOutput?: string;
}

/** The Pulumi type token of `DeploymentComponent`. */
export const DEPLOYMENT_COMPONENT_TYPE = 'glidepath:index:Deployment';

/**
 * One service × environment from a glidepath definition, as Pulumi resources: on AWS the ECS
 * service with its native progressive deployment, alarms that page, notify and roll back, a
 * dead-man's switch, encrypted alert topics and rotated secrets (`@pulumi/aws`); on Kubernetes the
 * exact objects `DeploymentChart` synthesizes (`@pulumi/kubernetes`). Physical names, thresholds,
 * weights and bake times come from the same plan as the CloudFormation and cdk8s targets.
 *
 * @example
 * const checkout = new DeploymentComponent('checkout-prod', {
 *   definition: loadDefinitionFile('definition.yaml'), environment: 'prod',
 *   platform: DeploymentPlatform.AWS, network: { vpcId, publicSubnetIds, privateSubnetIds },
 * });
 * export const serviceUrl = checkout.serviceUrl;
 */
export class DeploymentComponent extends pulumi.ComponentResource {
  /** The definition this component was built from. */
  public readonly definition: ServiceDefinition;
  /** The resolved environment. */
  public readonly environmentDefinition: EnvironmentDefinition;
  /** Physical names (`checkout-prod`), identical to the other targets. */
  public readonly names: ResourceNames;
  /** Where the service is deployed. */
  public readonly platform: DeploymentPlatform;
  /** The rollout schedule that will really run (ECS native deployments or Argo Rollouts). */
  public readonly schedule: CompiledSchedule;
  /** Where users reach the service (AWS containers: the load balancer URL; functions and Kubernetes: undefined). */
  public readonly serviceUrl: pulumi.Output<string | undefined>;
  /** Name of the CloudWatch dashboard (AWS; undefined on Kubernetes). */
  public readonly dashboardName: pulumi.Output<string | undefined>;
  /** Names of the alarms (AWS) or alerts (Kubernetes: the PrometheusRule alert names). */
  public readonly alarmNames: pulumi.Output<string[]>;
  /** ARNs of the CloudWatch alarms (AWS; empty on Kubernetes). */
  public readonly alarmArns: pulumi.Output<string[]>;
  /** ARNs of the `critical` and `warning` alert topics (AWS; undefined on Kubernetes). */
  public readonly topicArns: pulumi.Output<{ critical: string; warning: string } | undefined>;
  /** The Kubernetes namespace (Kubernetes; undefined on AWS). */
  public readonly namespace: pulumi.Output<string | undefined>;
  /** Warnings: schedule deviations the platform cannot run exactly, and parts of the definition this target does not deploy yet. */
  public readonly warnings: readonly string[];
  private readonly kubernetes?: KubernetesSynthesis;
  private readonly serviceUrlOutput: string;

  constructor(name: string, args: DeploymentComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(DEPLOYMENT_COMPONENT_TYPE, name, {}, opts);
    const env = environmentOf(args.definition, args.environment);
    this.definition = args.definition;
    this.environmentDefinition = env;
    this.names = new ResourceNames(args.definition.service, env.name);
    this.platform = args.platform;
    this.serviceUrlOutput = args.serviceUrlOutput ?? 'serviceUrl';

    if (args.platform === DeploymentPlatform.KUBERNETES) {
      const kubernetes = kubernetesPlatform();
      const synthesis = kubernetes.synthesizeKubernetes(args.definition, env.name);
      this.kubernetes = synthesis;
      this.warnings = synthesis.warnings;
      this.schedule = synthesis.chart.workload.schedule;
      kubernetes.createKubernetesObjects(this, `${name}-objects`, synthesis);
      this.serviceUrl = pulumi.output<string | undefined>(undefined);
      this.dashboardName = pulumi.output<string | undefined>(undefined);
      this.alarmNames = pulumi.output(synthesis.chart.alerts.alerts.map((a) => a.rule.alert));
      this.alarmArns = pulumi.output<string[]>([]);
      this.topicArns = pulumi.output<{ critical: string; warning: string } | undefined>(undefined);
      this.namespace = pulumi.output<string | undefined>(synthesis.chart.namespaceName);
    } else {
      // The plan decides the backend: ECS for a container, a CodeDeploy-shifted Lambda alias for a function.
      const plan = planAwsRollout(args.definition, env);
      if (plan.backend === Backend.ECS && !args.network) {
        throw new Error(
          `DeploymentComponent 'network' is required for container workloads on AWS: pass the VPC and subnets '${this.names.base}' runs in (for example from @pulumi/awsx ec2.Vpc)`,
        );
      }
      const link = (anchor: string) =>
        runbookUrl(
          {
            service: args.definition.service,
            environment: env.name,
            target: Target.PULUMI,
            baseUrl: args.definition.runbookBaseUrl,
          },
          anchor,
        );
      // Strict definitions fail here exactly as DeploymentStack fails them, before any resource exists.
      enforceStrict(plan.schedule, env, args.definition.strict, args.definition.service);
      this.schedule = plan.schedule;
      this.warnings = plan.schedule.deviations.map((d) => `${this.names.base} (Pulumi/AWS): ${d}`);
      const platform = awsPlatform();
      const aws: AwsResources =
        plan.backend === Backend.LAMBDA_CODEDEPLOY
          ? platform.createFunctionResources(this, args.definition, env, this.names, plan, link)
          : platform.createAwsResources(this, args.definition, env, this.names, plan, args.network!, link);
      this.serviceUrl = plan.backend === Backend.LAMBDA_CODEDEPLOY ? pulumi.output<string | undefined>(undefined) : aws.serviceUrl;
      this.dashboardName = aws.dashboardName;
      this.alarmNames = pulumi.output(aws.alarmNames);
      this.alarmArns = aws.alarmArns;
      this.topicArns = pulumi.all([aws.topicArns.critical, aws.topicArns.warning]).apply(([critical, warning]) => ({ critical, warning }));
      this.namespace = pulumi.output<string | undefined>(undefined);
    }
    this.registerOutputs({
      serviceUrl: this.serviceUrl,
      dashboardName: this.dashboardName,
      alarmNames: this.alarmNames,
      alarmArns: this.alarmArns,
      topicArns: this.topicArns,
      namespace: this.namespace,
    });
  }

  /**
   * Parts of the AWS deployment the Pulumi target does not deploy: none, since both targets render
   * the same plan (every `DeploymentStack` part has its Pulumi resources). Empty on Kubernetes too.
   * @deprecated always empty, kept for programs that read it: every part is deployed. Read
   * `warnings` for what the platform runs differently from the definition (e.g. a rollout schedule
   * it cannot run exactly).
   */
  public get missingParts(): readonly string[] {
    return [];
  }

  /**
   * Runbook facts for this deployment with Pulumi commands where they replace `cdk`/`kubectl`
   * (preview, `pulumi up`, stack outputs and history, `pulumi up` of the reverted commit for level
   * 3), for `renderRunbook`. On AWS they come from the plan (`awsPlanRunbookFacts`), so alarm
   * meanings and rollback commands are the ones the CloudFormation runbook prints, without aws-cdk-lib.
   */
  public runbookFacts(): RunbookFacts[] {
    const stack = pulumi.getStack();
    if (this.kubernetes) {
      return kubernetesRunbookFacts(this.kubernetes.facts, {
        stack,
        namespace: this.kubernetes.chart.namespaceName,
        schedule: this.schedule,
        budget: this.definition.rollbackBudgets.code,
        service: this.definition.service,
        smokeTests: this.definition.smokeTests,
      });
    }
    return awsRunbookFacts(this.definition, this.environmentDefinition.name, { stack, serviceUrlOutput: this.serviceUrlOutput });
  }
}
