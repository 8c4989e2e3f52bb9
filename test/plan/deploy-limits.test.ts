import { validateDefinition } from '../../lib/model';
import { deployLimitProblems, nameCollisions, physicalNames } from '../../lib/plan/deploy-limits';
import { baseDefinition, problemsOf } from '../model/support-definition';

describe('deploy limits: validate refuses what AWS would refuse, naming the field', () => {
  test('a 40-character service with a 19-character environment: AppConfig and smoke-test function names over 64', () => {
    const d = baseDefinition();
    d.service = 'a'.repeat(40);
    d.environments = [{ name: 'e'.repeat(19), rollout: { strategy: 'canary' } }];
    d.featureFlags = [{ name: 'one', description: 'x', enabled: true }];
    d.smokeTests = { checks: [{ name: 'health', path: '/healthz' }] };
    const messages = problemsOf(d);
    expect(messages).toContain(
      `environments[0].name is "${'e'.repeat(19)}"; it makes the AppConfig deployment strategy name "${'a'.repeat(40)}-${'e'.repeat(19)}-kill-switch" (72 characters), over AWS's limit of 64; shorten it or "service" by 8 characters`,
    );
    expect(messages.some((m) => m.startsWith('environments[0].name') && m.includes('Lambda function running the smoke tests'))).toBe(true);
  });

  test("20 smoke checks with bodies overflow the hook function's 4 KB environment", () => {
    const d = baseDefinition();
    d.smokeTests = {
      checks: Array.from({ length: 20 }, (_, i) => ({
        name: `check-${i}`,
        method: 'POST',
        path: `/api/orders/${'x'.repeat(40)}`,
        body: JSON.stringify({ sku: 'y'.repeat(100) }),
        headers: { 'Content-Type': 'application/json' },
      })),
    };
    const messages = problemsOf(d);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^smokeTests\.checks is "<20 checks>"; the smoke-test function carries the checks in its environment, about \d+ bytes, over Lambda's limit of 4096/,
    );
  });

  test("a function environment over 4 KB with glidepath's own variables", () => {
    const d = baseDefinition();
    d.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist', environment: { BIG: 'v'.repeat(4094) } } };
    expect(problemsOf(d)).toEqual([
      expect.stringMatching(
        /^workload\.function\.environment is "<1 variables>"; with glidepath's own variables \(flags URL, secret ARNs\) the function gets up to 4097 bytes/,
      ),
    ]);
    d.workload.function.environment = { BIG: 'v'.repeat(3000) };
    expect(problemsOf(d)).toEqual([]);
  });

  test('a variable Lambda reserves (AWS_REGION) in a function environment', () => {
    const d = baseDefinition();
    d.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist', environment: { AWS_REGION: 'eu-west-1' } } };
    expect(problemsOf(d)).toEqual([
      'workload.function.environment.AWS_REGION is "AWS_REGION"; Lambda sets this variable itself and refuses a function that sets it; rename it',
    ]);
  });

  test('canary bake times of 20h + 20h exceed the 33h CloudFormation refuses for an ECS deployment', () => {
    const d = baseDefinition();
    d.environments[1].rollout.stages = [
      { name: 'canary', trafficPercent: 10, bake: '20h' },
      { name: 'full', trafficPercent: 100, bake: '20h' },
    ];
    expect(problemsOf(d)).toEqual([
      'environments[1].rollout.stages is "<bake times adding up to 40h>"; ECS runs these bake times as one deployment of 40h, and CloudFormation refuses ECS canary deployments longer than 33h (its operations time out after 36h); shorten the bake times',
    ]);
    d.environments[1].rollout.stages[1].bake = '12h';
    expect(problemsOf(d)).toEqual([]);
  });

  test('an environment named "pipeline" would take the pipeline stack\'s name', () => {
    const d = baseDefinition();
    d.environments[0].name = 'pipeline';
    expect(problemsOf(d)).toEqual([
      'environments[0].name is "pipeline"; its stack would be "checkout-pipeline", the name of the delivery pipeline\'s stack; name the environment differently',
    ]);
  });

  test('a memory size Fargate does not run for the CPU (a huge one included) is refused before any construct sees it', () => {
    const d = baseDefinition();
    d.workload.container.memoryMiB = 1e9;
    expect(problemsOf(d)).toEqual([
      'workload.container.memoryMiB is 1000000000; Fargate runs 512 CPU units with 1024 to 4096 in steps of 1024 MiB of memory; use one of those, or change "cpu"',
    ]);
    d.workload.container.memoryMiB = 4096;
    expect(problemsOf(d)).toEqual([]);
  });

  test('a long existing secret name is refused at its field', () => {
    const d = baseDefinition();
    d.secrets = [{ name: 'db', envVar: 'DB', existing: { secretName: `x/{env}/${'s'.repeat(510)}` } }];
    const messages = problemsOf(d);
    expect(messages[0]).toMatch(
      /^secrets\[0\]\.existing\.secretName is ".*\.\.\.; it makes the Secrets Manager secret name ".*" \(\d+ characters\), over AWS's limit of 512; shorten it by 8 characters$/,
    );
  });

  test('every name of the checkout-shaped base is listed with its limit, and none is over', () => {
    const def = validateDefinition(baseDefinition());
    const names = physicalNames(def);
    expect(names.map((n) => n.name)).toEqual(
      expect.arrayContaining(['checkout-prod', '/ecs/checkout-prod', 'checkout-prod-critical-error-rate']),
    );
    expect(deployLimitProblems(def)).toEqual([]);
  });
});

describe('nameCollisions', () => {
  test('service "checkout" + environment "prod-eu" and service "checkout-prod" + environment "eu" make the same names', () => {
    const a = baseDefinition();
    a.environments = [{ name: 'prod-eu', production: true, rollout: { strategy: 'canary' } }];
    const b = baseDefinition();
    b.service = 'checkout-prod';
    b.environments = [{ name: 'eu', production: true, rollout: { strategy: 'canary' } }];
    const problems = nameCollisions([
      { source: 'a.yaml', definition: validateDefinition(a) },
      { source: 'b.yaml', definition: validateDefinition(b) },
    ]);
    expect(problems[0].message).toBe(
      'b.yaml: environments[0].name makes the CloudFormation stack "checkout-prod-eu", which a.yaml (environment "prod-eu") makes too; rename the service or environment of one of them',
    );
    expect(problems).toHaveLength(1);
  });

  test('distinct services do not collide', () => {
    const b = baseDefinition();
    b.service = 'payments';
    expect(
      nameCollisions([
        { source: 'a.yaml', definition: validateDefinition(baseDefinition()) },
        { source: 'b.yaml', definition: validateDefinition(b) },
      ]),
    ).toEqual([]);
  });
});

describe('names within one definition', () => {
  test('two migrations whose runner functions are cut to the same 64 characters', () => {
    const d = baseDefinition();
    d.service = 'a'.repeat(40);
    d.environments = [{ name: 'e'.repeat(19), rollout: { strategy: 'canary' } }];
    d.migrations = [
      { name: 'one', phase: 'expand', command: ['migrate'] },
      { name: 'two', phase: 'expand', command: ['migrate'] },
    ];
    expect(problemsOf(d)).toContain(
      `migrations[1].name is "two"; it makes the Lambda function running a migration "${`${'a'.repeat(40)}-${'e'.repeat(19)}-migrate-two-run`.slice(0, 64)}", which migrations[0].name makes too; rename one of them`,
    );
  });
});
