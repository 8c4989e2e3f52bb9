import * as ecs from 'aws-cdk-lib/aws-ecs';

/**
 * One environment of the checkout example (examples/checkout/definition.yaml), written out the way
 * a hand-written CDK app would hold it: the values glidepath derives from the definition, as
 * constants.
 */
export interface CheckoutEnvironment {
  readonly name: string;
  readonly region: string;
  readonly production: boolean;
  /** Keep data stores and logs when the stack is deleted. */
  readonly retain: boolean;
  readonly desiredCount: number;
  readonly scaling?: { readonly minCount: number; readonly maxCount: number; readonly targetCpuPercent: number };
  readonly deployment: {
    readonly strategy: ecs.DeploymentStrategy;
    readonly bakeMinutes?: number;
    readonly canary?: { readonly stepPercent: number; readonly stepBakeMinutes: number };
  };
  /** Evaluation of the critical and warning alarms (1-minute periods). */
  readonly evaluation: { readonly evaluationPeriods: number; readonly datapointsToAlarm: number };
}

/** dev (rolling), staging (canary 10% for 2m, then 10m bake), prod (blue/green, 30m bake, autoscaling). */
export const CHECKOUT_ENVIRONMENTS: readonly CheckoutEnvironment[] = [
  {
    name: 'dev',
    region: 'eu-west-1',
    production: false,
    retain: false,
    desiredCount: 1,
    deployment: { strategy: ecs.DeploymentStrategy.ROLLING },
    evaluation: { evaluationPeriods: 5, datapointsToAlarm: 3 },
  },
  {
    name: 'staging',
    region: 'eu-west-1',
    production: false,
    retain: false,
    desiredCount: 2,
    deployment: { strategy: ecs.DeploymentStrategy.CANARY, bakeMinutes: 10, canary: { stepPercent: 10, stepBakeMinutes: 2 } },
    evaluation: { evaluationPeriods: 3, datapointsToAlarm: 3 },
  },
  {
    name: 'prod',
    region: 'eu-west-1',
    production: true,
    retain: true,
    desiredCount: 4,
    scaling: { minCount: 4, maxCount: 12, targetCpuPercent: 60 },
    deployment: { strategy: ecs.DeploymentStrategy.BLUE_GREEN, bakeMinutes: 30 },
    evaluation: { evaluationPeriods: 3, datapointsToAlarm: 3 },
  },
];
