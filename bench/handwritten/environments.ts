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
  /** Evaluation of the rollback alarm (2 breaching periods), as glidepath's plan derives it from the environment's schedule. */
  readonly rollbackEvaluation: { readonly evaluationPeriods: number; readonly datapointsToAlarm: number };
  /** HTTPS with a DNS-validated certificate for this domain, and an alias record to the load balancer. */
  readonly tls?: { readonly domainName: string; readonly hostedZoneId: string; readonly hostedZoneName: string };
  /** Critical alerts page through PagerDuty (staging, prod); in dev they go to the team channel. */
  readonly paged: boolean;
}

/** The team's Slack channel for warnings (AWS Chatbot ids). */
export const CHECKOUT_SLACK = { workspaceId: 'T0ACME0001', channelId: 'C0CHECKOUT1' };

/** dev (rolling), staging (canary 10% for 15m, then 15m bake), prod (blue/green, 30m bake, autoscaling, HTTPS). */
export const CHECKOUT_ENVIRONMENTS: readonly CheckoutEnvironment[] = [
  {
    name: 'dev',
    region: 'eu-west-1',
    production: false,
    retain: false,
    desiredCount: 1,
    deployment: { strategy: ecs.DeploymentStrategy.ROLLING },
    evaluation: { evaluationPeriods: 5, datapointsToAlarm: 3 },
    rollbackEvaluation: { evaluationPeriods: 2, datapointsToAlarm: 2 },
    paged: false,
  },
  {
    name: 'staging',
    region: 'eu-west-1',
    production: false,
    retain: false,
    desiredCount: 2,
    deployment: { strategy: ecs.DeploymentStrategy.CANARY, bakeMinutes: 15, canary: { stepPercent: 10, stepBakeMinutes: 15 } },
    evaluation: { evaluationPeriods: 3, datapointsToAlarm: 3 },
    rollbackEvaluation: { evaluationPeriods: 5, datapointsToAlarm: 3 },
    paged: true,
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
    rollbackEvaluation: { evaluationPeriods: 5, datapointsToAlarm: 3 },
    tls: { domainName: 'checkout.acme.example', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'acme.example' },
    paged: true,
  },
];

/**
 * The checkout flags as an AppConfig `AWS.AppConfig.FeatureFlags` document: one-click-checkout on
 * for internal users and 10% of users (split on userId), address-autocomplete off.
 */
export const CHECKOUT_FEATURE_FLAGS = {
  version: '1',
  flags: {
    'address-autocomplete': { name: 'address-autocomplete', description: 'Suggest delivery addresses while typing' },
    'one-click-checkout': { name: 'one-click-checkout', description: 'Pay with the saved card in one click' },
  },
  values: {
    'address-autocomplete': { enabled: false },
    'one-click-checkout': {
      _variants: [
        { name: 'internal', enabled: true, rule: '(eq $internal true)' },
        { name: 'rollout', enabled: true, rule: '(split pct::10 by::$userId)' },
        { name: 'default', enabled: false },
      ],
    },
  },
};

/** The smoke checks the lifecycle hook runs against the test listener (blue/green and canary only). */
export const CHECKOUT_SMOKE_TESTS = {
  checks: [
    { name: 'health', method: 'GET', path: '/healthz', expectedStatus: 200, maxLatencyMs: 500, headers: {} },
    { name: 'cart-page', method: 'GET', path: '/cart', expectedStatus: 200, bodyContains: 'Your basket', maxLatencyMs: 1500, headers: {} },
    {
      name: 'order-validation',
      method: 'POST',
      path: '/api/orders',
      expectedStatus: 400,
      maxLatencyMs: 1000,
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    },
  ],
  settings: { attempts: 3, backoffMs: 2000, timeoutMs: 5000 },
};

/** Database migrations: expand runs during the deploy, before the service update; contract is run by hand. */
export const CHECKOUT_MIGRATIONS: readonly {
  readonly name: string;
  readonly phase: 'expand' | 'contract';
  readonly command: readonly string[];
  readonly timeoutMinutes: number;
}[] = [
  { name: 'add-order-notes', phase: 'expand', command: ['npm', 'run', 'migrate', '--', 'up', 'add-order-notes'], timeoutMinutes: 5 },
  {
    name: 'drop-legacy-coupons',
    phase: 'contract',
    command: ['npm', 'run', 'migrate', '--', 'up', 'drop-legacy-coupons'],
    timeoutMinutes: 5,
  },
];
