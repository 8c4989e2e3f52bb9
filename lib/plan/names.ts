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

  /** SNS topic for a severity, e.g. `checkout-prod-critical`. */
  topic(severity: string): string {
    return `${this.base}-${severity}`;
  }

  /** Secrets Manager name of a generated secret, e.g. `checkout/prod/db-password`. */
  secret(name: string): string {
    return `${this.service}/${this.environment}/${name}`;
  }

  /** CodeDeploy deployment config name. */
  get deploymentConfig(): string {
    return `${this.base}-rollout`;
  }
}
