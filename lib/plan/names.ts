/**
 * Deterministic physical names for one service × environment. CloudFormation tokens are not
 * resolved when a runbook is written, so every resource a runbook command touches gets one of
 * these names, and tests check that each exists in the synthesized output.
 */
export class ResourceNames {
  /** `<service>-<environment>`: the stack, cluster, ECS service, task family, function and namespace. */
  public readonly base: string;

  constructor(
    public readonly service: string,
    public readonly environment: string,
  ) {
    this.base = `${service}-${environment}`;
  }

  /** CloudFormation stack name. */
  get stack(): string {
    return this.base;
  }

  /** Log group of the workload. */
  get logGroup(): string {
    return `/glidepath/${this.service}/${this.environment}`;
  }

  /** Alarm name for an alarm kind, e.g. `checkout-prod-critical-error-rate`. */
  alarm(kind: string): string {
    return `${this.base}-${kind}`;
  }

  /** The alert chat channel's AWS Chatbot configuration, IAM role and guardrail policy, e.g. `checkout-prod-alerts`. */
  get chat(): { readonly configuration: string; readonly role: string; readonly guardrail: string } {
    return { configuration: `${this.base}-alerts`, role: `${this.base}-chat`, guardrail: `${this.base}-chat-guardrail` };
  }

  /** The function forwarding critical alerts to the pager, e.g. `checkout-prod-pager`. */
  get pagerFunction(): string {
    return `${this.base}-pager`;
  }

  /** SNS topic for a severity, e.g. `checkout-prod-critical`. */
  topic(severity: string): string {
    return `${this.base}-${severity}`;
  }

  /** Secrets Manager name of a generated secret, e.g. `checkout/prod/db-password`. */
  secret(name: string): string {
    return `${this.service}/${this.environment}/${name}`;
  }

  /** Lambda function of a function workload (also its CodeDeploy application and deployment group). */
  get function(): string {
    return this.base;
  }

  /** Lambda function that runs the smoke tests inside the platform. */
  get smokeTestsFunction(): string {
    return `${this.base}-smoke-tests`;
  }

  /** Lambda function that probes the service each minute for its dead-man's switch. */
  get healthProbeFunction(): string {
    return `${this.base}-health-probe`;
  }

  /** ECS cluster, service and task definition family. */
  get ecsService(): string {
    return this.base;
  }

  /** Log group of the ECS service's containers. */
  get ecsLogGroup(): string {
    return `/ecs/${this.base}`;
  }

  /** Log group of the AppConfig agent sidecar. */
  get appConfigAgentLogGroup(): string {
    return `/ecs/${this.base}/appconfig-agent`;
  }

  /** Log group of a Lambda function. */
  lambdaLogGroup(functionName: string): string {
    return `/aws/lambda/${functionName}`;
  }

  /** AppConfig application of the feature flags. */
  get appConfigApplication(): string {
    return this.base;
  }

  /** AppConfig deployment strategies: the gradual release and the immediate kill switch. */
  get appConfigStrategies(): readonly string[] {
    return [`${this.base}-release`, `${this.base}-kill-switch`];
  }

  /** Task definition family of a migration. */
  migrationFamily(migration: string): string {
    return `${this.base}-migrate-${migration}`;
  }

  /** Lambda function that starts a migration task and waits for it (cut at 64 characters by the construct). */
  migrationRunner(migration: string): string {
    return `${this.migrationFamily(migration)}-run`.slice(0, 64);
  }

  /** CloudWatch dashboard. */
  get dashboard(): string {
    return this.base;
  }
}

/** Name of a service's delivery pipeline: its stack, its CodePipeline and the prefix of its topics and rule. */
export function pipelineName(service: string): string {
  return `${service}-pipeline`;
}
