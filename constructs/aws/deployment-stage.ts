import { CfnOutput, Stage, type StageProps } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import { environmentOf, type ServiceDefinition } from '../../lib/model/service-definition';
import { DeploymentStack } from './deployment-stack';

/** Props for `DeploymentStage`. */
export interface DeploymentStageProps extends StageProps {
  /** The validated definition. */
  readonly definition: ServiceDefinition;
  /** Which of its environments this stage deploys. */
  readonly environment: string;
}

/**
 * One environment of a definition as a deployable unit for CDK Pipelines: a `Stage` holding that
 * environment's `DeploymentStack` (stack name `<service>-<env>`, as with `cdk deploy`), in the
 * environment's account and region.
 */
export class DeploymentStage extends Stage {
  /** The stack this stage deploys. */
  public readonly deploymentStack: DeploymentStack;
  /** The `ServiceUrl` output of a container service, for smoke tests after the deployment. */
  public readonly serviceUrl?: CfnOutput;

  constructor(scope: Construct, id: string, props: DeploymentStageProps) {
    const env = environmentOf(props.definition, props.environment);
    super(scope, id, {
      env: props.env ?? (env.account || env.region ? { account: env.account, region: env.region } : undefined),
      ...props,
    });
    this.deploymentStack = new DeploymentStack(this, 'Deployment', { definition: props.definition, environment: env.name });
    const output = this.deploymentStack.node.tryFindChild('ServiceUrl');
    this.serviceUrl = output instanceof CfnOutput ? output : undefined;
  }
}
