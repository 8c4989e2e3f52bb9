import { baseDefinition, problemsOf } from '../model/support-definition';
import { validateDefinition } from '../../lib/model';
import { deployLimitProblems, nameCollisions, physicalNames, type PhysicalName } from '../../lib/plan/deploy-limits';
import { platformSmokeTests } from '../../lib/smoke/inline';

/**
 * Edges of the deploy-limit checks the other suites leave open: only the resources a definition
 * asks for are named, the pipeline's own names, a name exactly at its limit, and how a long name is
 * quoted. Limits are AWS's documented ones (Lambda function names 64 characters,
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html; EventBridge rule names
 * 64, https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html; CodePipeline
 * names 100, https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineDeclaration.html).
 */
const row = (n: PhysicalName) =>
  `${n.what} | ${n.name} | ${n.limit} | ${n.unique === false ? 'shared' : 'unique'} | ${n.field.join('.')} | ${n.environment ?? '-'}`;

test('a bare container service names no pager, chat, smoke-test, probe, AppConfig, secret or pipeline resource', () => {
  const d = baseDefinition();
  d.environments[0].deadMansSwitch = { enabled: false };
  const rows = physicalNames(validateDefinition(d))
    .filter((n) => n.environment === 'staging')
    .map(row);
  const at = (what: string, name: string, limit: number) => `${what} | ${name} | ${limit} | unique | environments.0.name | staging`;
  expect(rows).toEqual([
    at('CloudFormation stack', 'checkout-staging', 128),
    at('log group', '/glidepath/checkout/staging', 512),
    ...[
      'rollback-error-rate',
      'critical-error-rate',
      'critical-latency-p99',
      'warning-error-rate',
      'warning-latency-p95',
      'warning-cpu',
      'warning-memory',
      'dead-mans-switch',
    ].map((kind) => at('CloudWatch alarm', `checkout-staging-${kind}`, 255)),
    at('SNS topic', 'checkout-staging-critical', 256),
    at('SNS topic', 'checkout-staging-warning', 256),
    at('CloudWatch dashboard', 'checkout-staging', 255),
    at('ECS cluster, service and task family', 'checkout-staging', 255),
    at('log group', '/ecs/checkout-staging', 512),
  ]);
});

test('a delivery pipeline names its stack, pipeline, failure rule and topics after the service, in no environment', () => {
  const d = baseDefinition();
  d.delivery = { repository: 'acme/orders' };
  const rows = physicalNames(validateDefinition(d))
    .filter((n) => n.environment === undefined)
    .map(row);
  expect(rows).toEqual([
    'CloudFormation stack of the pipeline | checkout-pipeline | 128 | unique | service | -',
    'CodePipeline pipeline | checkout-pipeline | 100 | unique | service | -',
    'EventBridge rule | checkout-pipeline-failed | 64 | unique | service | -',
    'SNS topic of the pipeline | checkout-pipeline-critical | 256 | unique | service | -',
    'SNS topic of the pipeline | checkout-pipeline-warning | 256 | unique | service | -',
  ]);
});

describe('a name exactly at its limit is accepted, one character more is refused', () => {
  // The dead-man's switch probe, "<service>-<environment>-health-probe", is the longest Lambda function name here.
  const withEnvironment = (name: string) => {
    const d = baseDefinition();
    d.service = 'a'.repeat(40);
    d.environments = [{ name, rollout: { strategy: 'canary' } }];
    return problemsOf(d);
  };

  test('40 + 1 + 10 + 13 = 64 characters', () => {
    expect(withEnvironment('e'.repeat(10))).toEqual([]);
  });

  test('40 + 1 + 11 + 13 = 65 characters, over by 1', () => {
    expect(withEnvironment('e'.repeat(11))).toEqual([
      `environments[0].name is "${'e'.repeat(11)}"; it makes the Lambda function probing for the dead-man's switch name "${'a'.repeat(40)}-${'e'.repeat(11)}-health-probe" (65 characters), over AWS's limit of 64; shorten it or "service" by 1 characters`,
    ]);
  });
});

describe('a name over its limit is quoted whole up to 120 characters, then cut to 117 and "..."', () => {
  // validate caps "service" at 40 characters; the check itself holds for any definition it is given.
  const pipelineMessages = (serviceLength: number) => {
    const d = baseDefinition();
    d.delivery = { repository: 'acme/orders' };
    const def = { ...validateDefinition(d), service: 'a'.repeat(serviceLength) };
    return deployLimitProblems(def)
      .filter((p) => p.path === 'service')
      .map((p) => p.message.slice(p.message.indexOf('; ') + 2));
  };

  test('"<104 a>-pipeline-failed" is 120 characters: quoted whole', () => {
    expect(pipelineMessages(104)).toEqual([
      `it makes the CodePipeline pipeline name "${'a'.repeat(104)}-pipeline" (113 characters), over AWS's limit of 100; shorten it by 13 characters`,
      `it makes the EventBridge rule name "${'a'.repeat(104)}-pipeline-failed" (120 characters), over AWS's limit of 64; shorten it by 56 characters`,
    ]);
  });

  test('"<105 a>-pipeline-failed" is 121 characters: its first 117 and "..."', () => {
    // 105 + "-pipeline-fa" (12) = 117
    expect(pipelineMessages(105)[1]).toBe(
      `it makes the EventBridge rule name "${'a'.repeat(105)}-pipeline-fa..." (121 characters), over AWS's limit of 64; shorten it by 57 characters`,
    );
  });
});

describe('nameCollisions within one source', () => {
  test('two environments of one definition making one name are reported, naming the other environment', () => {
    // "prod" forwards pages through "checkout-prod-pager"; a function service's environment "prod-pager" is itself "checkout-prod-pager".
    const d = baseDefinition();
    d.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' } };
    d.runbookBaseUrl = 'https://runbooks.example.com/checkout';
    d.receivers = { critical: { pagerDuty: { integrationKeySecret: 'checkout/{env}/pagerduty' } } };
    d.environments = [{ name: 'prod', rollout: { strategy: 'canary' } }];
    const prod = validateDefinition(d);
    d.environments = [{ name: 'prod-pager', production: true, rollout: { strategy: 'canary' } }];
    const other = validateDefinition(d);
    const both = { ...prod, environments: [...prod.environments, ...other.environments] };
    expect(nameCollisions([{ source: 'a.yaml', definition: both }]).map((p) => p.message)).toEqual([
      'a.yaml: environments[1].name makes the log group "/aws/lambda/checkout-prod-pager", which a.yaml (environment "prod") makes too; rename the service or environment of one of them',
    ]);
  });

  test('a pipeline name made twice names no environment (the pipeline belongs to the service)', () => {
    const d = baseDefinition();
    d.delivery = { repository: 'acme/orders' };
    const def = validateDefinition(d);
    const problems = nameCollisions([
      { source: 'a.yaml', definition: def },
      { source: 'b.yaml', definition: def },
    ]).filter((p) => p.path === 'service');
    expect(problems.map((p) => p.message)).toEqual([
      'b.yaml: service makes the CloudFormation stack of the pipeline "checkout-pipeline", which a.yaml makes too; rename the service or environment of one of them',
    ]);
  });

  test('two migrations of one environment making one name are left to deployLimitProblems', () => {
    const d = baseDefinition();
    d.migrations = [{ name: 'one', phase: 'expand', command: ['migrate'] }];
    const def = validateDefinition(d);
    const twice = { ...def, migrations: [...def.migrations, def.migrations[0]] };
    expect(nameCollisions([{ source: 'a.yaml', definition: twice }])).toEqual([]);
    expect(deployLimitProblems(twice).map((p) => p.path)).toContain('migrations[1].name');
  });
});

describe('the 33-hour ECS limit applies to ECS only', () => {
  const stages = [
    { name: 'canary', trafficPercent: 10, bake: '20h' },
    { name: 'full', trafficPercent: 100, bake: '20h' },
  ];
  const ecsProblems = (def: ReturnType<typeof validateDefinition>) =>
    deployLimitProblems(def).filter((p) => p.message.includes('ECS runs these bake times'));

  test('a function rolled out by CodeDeploy with 20 h + 20 h of bakes', () => {
    const d = baseDefinition();
    d.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' } };
    d.environments[1].rollout = { strategy: 'canary', stages };
    expect(ecsProblems(validateDefinition(d))).toEqual([]);
  });

  test.each(['rolling', 'blue-green', 'all-at-once'])('an ECS %s deployment has no canary or linear time to add up', (strategy) => {
    const d = baseDefinition();
    d.environments[1].rollout = { strategy };
    expect(ecsProblems(validateDefinition(d))).toEqual([]);
  });
});

/**
 * The smoke-test hook carries its checks as one SMOKE_TESTS variable; Lambda counts keys and values
 * against 4096 bytes (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). The
 * hook's other variables are CloudFormation tokens, counted at their longest: 160 bytes.
 */
describe("the smoke-test hook's 4 KB environment", () => {
  const withBody = (bodyLength: number) => {
    const d = baseDefinition();
    d.smokeTests = { checks: [{ name: 'order', method: 'POST', path: '/orders', body: 'b'.repeat(bodyLength) }] };
    return d;
  };
  const bytesOf = (d: unknown) => {
    const tests = platformSmokeTests(validateDefinition(d).smokeTests!);
    return 'SMOKE_TESTS'.length + JSON.stringify({ checks: tests.checks, settings: tests.settings }).length + 160;
  };

  test('exactly 4096 bytes with the tokens is accepted, 4097 refused', () => {
    const body = 4096 - bytesOf(withBody(0));
    expect(problemsOf(withBody(body))).toEqual([]);
    expect(problemsOf(withBody(body + 1))).toEqual([
      'smokeTests.checks is "<1 checks>"; the smoke-test function carries the checks in its environment, about 4097 bytes, over Lambda\'s limit of 4096; keep fewer or shorter checks (paths, bodies and headers count)',
    ]);
  });
});
