import { baseDefinition, problemsOf } from '../model/support-definition';
import { validateDefinition } from '../../lib/model';
import { deployLimitProblems, nameCollisions, physicalNames } from '../../lib/plan/deploy-limits';

/**
 * CloudFormation refuses an ECS canary or linear deployment longer than 33 h (1980 minutes): bake
 * time plus the canary's bake, or plus the step bake × the number of steps before 100 %.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-linearconfiguration.html
 */
describe('the 33-hour limit on an ECS deployment', () => {
  const withStages = (strategy: string, stages: unknown[]) => {
    const d = baseDefinition();
    d.environments[1].rollout = { strategy, stages };
    return problemsOf(d);
  };
  const stage = (trafficPercent: number, bake: string) => ({ name: `at-${trafficPercent}`, trafficPercent, bake });

  test('a canary of exactly 33 h is accepted; one minute more is refused', () => {
    expect(withStages('canary', [stage(10, '16h30m'), stage(100, '16h30m')])).toEqual([]);
    expect(withStages('canary', [stage(10, '16h30m'), stage(100, '16h31m')])).toEqual([
      'environments[1].rollout.stages is "<bake times adding up to 33h>"; ECS runs these bake times as one deployment of 33h, and CloudFormation refuses ECS canary deployments longer than 33h (its operations time out after 36h); shorten the bake times',
    ]);
  });

  test('linear steps of 25 % bake three times before 100 % (25, 50, 75)', () => {
    // 3 × 11 h + 1 m = 1981 minutes
    expect(withStages('linear', [stage(25, '11h'), stage(100, '1m')])).toEqual([
      'environments[1].rollout.stages is "<bake times adding up to 33h>"; ECS runs these bake times as one deployment of 33h, and CloudFormation refuses ECS linear deployments longer than 33h (its operations time out after 36h); shorten the bake times',
    ]);
    // 3 × 9 h + 1 m = 1621 minutes
    expect(withStages('linear', [stage(25, '9h'), stage(100, '1m')])).toEqual([]);
  });

  test('linear steps of 30 % bake three times before 100 % (30, 60, 90)', () => {
    // 3 × 9 h + 1 m = 1621 minutes (four bakes would be 36 h)
    expect(withStages('linear', [stage(30, '9h'), stage(100, '1m')])).toEqual([]);
    // 3 × 11 h + 1 h = 34 h
    expect(withStages('linear', [stage(30, '11h'), stage(100, '1h')])).toEqual([
      expect.stringMatching(
        /^environments\[1\]\.rollout\.stages is "<bake times adding up to 34h>"; ECS runs these bake times as one deployment of 34h/,
      ),
    ]);
  });

  test('the hours are shown to one decimal', () => {
    expect(withStages('canary', [stage(10, '17h'), stage(100, '16h15m')])).toEqual([
      expect.stringMatching(/^environments\[1\]\.rollout\.stages is "<bake times adding up to 33\.3h>"/),
    ]);
  });

  test('blue/green and rolling deployments have no such limit to check', () => {
    expect(withStages('blue-green', [stage(0, '24h'), stage(100, '24h')])).toEqual([]);
  });
});

/**
 * Lambda allows 4 KB of environment variables, keys and values together
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). glidepath adds
 * `<ENVVAR>_SECRET_ARN` per secret; before deployment the ARN is counted at its longest:
 * `arn:aws-iso-b:secretsmanager:ap-southeast-7:123456789012:secret:<name>-abcdef` (64 characters
 * before the name, 7 after), or with the environment's own region when it has one.
 */
describe("the function's 4 KB environment, counted with glidepath's own variables", () => {
  const withFunction = (bigBytes: number, secretName: string, region?: string) => {
    const d = baseDefinition();
    d.workload = {
      function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist', environment: { BIG: 'v'.repeat(bigBytes) } },
    };
    d.secrets = [{ name: 'db', envVar: 'DB', existing: { secretName } }];
    if (region) d.environments.forEach((e: any) => (e.region = region));
    return problemsOf(d);
  };
  const over = (bytes: number) => [
    `workload.function.environment is "<1 variables>"; with glidepath's own variables (flags URL, secret ARNs) the function gets up to ${bytes} bytes of environment variables, over Lambda's limit of 4096; move large values into the code or AppConfig`,
  ];

  test('the largest environment decides: "x/staging" is longer than "x/prod"', () => {
    // BIG (3) + 4000 + DB_SECRET_ARN (13) + 64 + "x/staging" (9) + 7 = 4096
    expect(withFunction(4000, 'x/{env}')).toEqual([]);
    expect(withFunction(4001, 'x/{env}')).toEqual(over(4097));
  });

  test('with feature flags the AppConfig agent URL counts too: http://localhost:2772/applications/<service>-<env>/environments/<env>/configurations/feature-flags', () => {
    const withFlags = (bigBytes: number) => {
      const d = baseDefinition();
      d.workload = {
        function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist', environment: { BIG: 'v'.repeat(bigBytes) } },
      };
      d.featureFlags = [{ name: 'one', description: 'x', enabled: true }];
      return problemsOf(d);
    };
    // BIG (3) + 3973 + GLIDEPATH_FLAGS_URL (19) + the staging URL (101) = 4096
    expect(withFlags(3973)).toEqual([]);
    expect(withFlags(3974)).toEqual(over(4097));
  });

  test('a reserved variable and an oversized environment are both reported', () => {
    const d = baseDefinition();
    d.workload = {
      function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist', environment: { AWS_REGION: 'x', BIG: 'v'.repeat(4100) } },
    };
    expect(problemsOf(d)).toEqual([
      'workload.function.environment.AWS_REGION is "AWS_REGION"; Lambda sets this variable itself and refuses a function that sets it; rename it',
      expect.stringMatching(/^workload\.function\.environment is "<2 variables>"; with glidepath's own variables/),
    ]);
  });

  test("an environment's own region replaces the longest one (eu-west-1 is 5 characters shorter)", () => {
    expect(withFunction(4005, 'x/{env}', 'eu-west-1')).toEqual([]);
    expect(withFunction(4006, 'x/{env}', 'eu-west-1')).toEqual(over(4097));
  });
});

describe('names the AWS target creates', () => {
  const names = (def: unknown, what: string, environment = 'prod') =>
    physicalNames(validateDefinition(def))
      .filter((n) => n.what === what && n.environment === environment)
      .map((n) => n.name);

  test('one alarm per kind AlarmSet and DeadMansSwitch create, and both alert topics', () => {
    expect(names(baseDefinition(), 'CloudWatch alarm')).toEqual([
      'checkout-prod-rollback-error-rate',
      'checkout-prod-critical-error-rate',
      'checkout-prod-critical-latency-p99',
      'checkout-prod-warning-error-rate',
      'checkout-prod-warning-latency-p95',
      'checkout-prod-warning-cpu',
      'checkout-prod-warning-memory',
      'checkout-prod-dead-mans-switch',
    ]);
    expect(names(baseDefinition(), 'SNS topic')).toEqual(['checkout-prod-critical', 'checkout-prod-warning']);
  });

  test('a long service name makes the pipeline names too long, at "service"', () => {
    // validate caps "service" at 40 characters; the check itself holds for any definition it is given.
    const d = baseDefinition();
    d.delivery = { repository: 'acme/orders' };
    const def = { ...validateDefinition(d), service: 'a'.repeat(50) };
    expect(
      deployLimitProblems(def)
        .filter((p) => p.path === 'service')
        .map((p) => p.message),
    ).toEqual([
      `service is "${'a'.repeat(50)}"; it makes the EventBridge rule name "${'a'.repeat(50)}-pipeline-failed" (66 characters), over AWS's limit of 64; shorten it by 2 characters`,
    ]);
  });

  test('two secrets referencing one existing secret are not a clash (it is referenced, not created)', () => {
    const d = baseDefinition();
    d.secrets = [
      { name: 'db', envVar: 'DB', existing: { secretName: 'shared/db' } },
      { name: 'db-again', envVar: 'DB_AGAIN', existing: { secretName: 'shared/db' } },
    ];
    expect(problemsOf(d)).toEqual([]);
  });
});

describe('nameCollisions across definitions', () => {
  test('two services with feature flags may both have an AppConfig environment "prod" (it is scoped to each application)', () => {
    const a = baseDefinition();
    a.featureFlags = [{ name: 'one', description: 'x', enabled: true }];
    const b = baseDefinition();
    b.service = 'payments';
    b.featureFlags = [{ name: 'one', description: 'x', enabled: true }];
    expect(
      nameCollisions([
        { source: 'a.yaml', definition: validateDefinition(a) },
        { source: 'b.yaml', definition: validateDefinition(b) },
      ]),
    ).toEqual([]);
  });

  test('the same definition under two sources clashes with itself, once per field', () => {
    const def = validateDefinition(baseDefinition());
    const problems = nameCollisions([
      { source: 'a.yaml', definition: def },
      { source: 'copy.yaml', definition: def },
    ]);
    expect(problems.map((p) => p.path)).toEqual(['environments[0].name', 'environments[1].name']);
    expect(problems[1].message).toBe(
      'copy.yaml: environments[1].name makes the CloudFormation stack "checkout-prod", which a.yaml (environment "prod") makes too; rename the service or environment of one of them',
    );
  });
});
