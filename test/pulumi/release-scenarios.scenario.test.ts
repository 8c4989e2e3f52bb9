import * as path from 'node:path';
import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { ALIAS_DEPLOYER_SOURCE } from '../../constructs/pulumi/private/alias-deployer-code';
import { loadDefinitionFile } from '../../lib/model';
import type { ServiceDefinition } from '../../lib/model/service-definition';
import { renderRunbook } from '../../lib/runbook/render';
import { loadHandler } from '../aws/inline-code';
import { alarmFromTemplate, simulateAlarm } from '../aws/support/cloudwatch-alarm-simulator';
import { CodeDeployAlias } from '../aws/support/release-model/codedeploy-lambda';
import {
  asTemplate,
  ecsServiceProperties,
  ecsServiceUpdateInputs,
  type PulumiResource,
} from '../aws/support/release-model/pulumi-resources';
import { releaseFeed } from '../aws/support/release-model/scenario-feed';
import {
  alarmWindowSeconds,
  firstAlarm,
  ofType,
  PEAK,
  QUIET,
  scalingOf,
  statedDetection,
  type Template,
} from '../aws/support/release-model/scenario-steps';
import { EcsService } from '../aws/support/release-model/ecs-service';
import { accepts, Secret, startTask } from '../aws/support/release-model/secrets-manager';
import { healthy, seededRandom, type FailureProfile } from '../aws/support/release-model/traffic';
import { installMocks, network, payments, setMockRegion, settle } from './helpers';

/**
 * Releases over time for every AWS example environment through the Pulumi target: the resources
 * `DeploymentComponent` registers (captured under Pulumi mocks, with the `ignoreChanges` each was
 * created with) go through the same stateful release model as the CloudFormation scenarios
 * (test/aws/release-scenarios.scenario.test.ts): first deploy, the next release, a release during
 * a scale-out (with and without `pulumi up --refresh`), a rotation then a scale-out, a bad release
 * rolled back by the alarms
 * at peak and quiet traffic, the release after an automatic rollback; on Lambda, the real alias
 * deployer that `pulumi up` invokes runs against a CodeDeploy model. Expected values are the
 * definitions' literals and the runbook's stated bounds.
 */

const REGISTERED = installMocks('prod');
const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const CHECKOUT = loadDefinitionFile(path.join(EXAMPLES, 'checkout', 'definition.yaml'));
const PAYMENTS = payments();
const SEEDS = process.env.GLIDEPATH_LONG_SCENARIOS ? 200 : 3;

interface Deployed {
  readonly resources: PulumiResource[];
  readonly template: Template;
  readonly runbook: string;
}

/** Builds one environment's component under mocks and records what it registered. */
async function deploy(definition: ServiceDefinition, environment: string): Promise<Deployed> {
  const env = definition.environments.find((e) => e.name === environment)!;
  setMockRegion(env.region ?? 'eu-west-1');
  const captured: PulumiResource[] = [];
  const component = new DeploymentComponent(
    `${definition.service}-${environment}`,
    { definition, environment, platform: DeploymentPlatform.AWS, network: definition.workload.container ? network : undefined },
    {
      // Children inherit the component's transformations: each sees the inputs and options it is created with.
      transformations: [
        (a) => {
          captured.push({ type: a.type, name: a.name, inputs: {}, ignoreChanges: a.opts.ignoreChanges });
          return undefined;
        },
      ],
    },
  );
  const runbook = renderRunbook(component.runbookFacts());
  await settle();
  // Inputs as the engine received them (outputs resolved by the mocks).
  const registered = new Map(REGISTERED.map((r) => [`${r.type} ${r.name}`, r.inputs]));
  const resources = captured.map((c) => ({ ...c, inputs: registered.get(`${c.type} ${c.name}`) ?? {} }));
  return { resources, template: asTemplate(resources), runbook };
}

const one = (d: Deployed, type: string) => {
  const found = d.resources.filter((r) => r.type === type);
  expect(found).toHaveLength(1);
  return found[0];
};

/** Literal expectations from examples/checkout/definition.yaml (as the CloudFormation scenarios). */
const CHECKOUT_FACTS: Record<string, { desired: number; max?: number; trafficMinutes: number }> = {
  'checkout-dev': { desired: 1, trafficMinutes: 0 },
  'checkout-staging': { desired: 2, trafficMinutes: 15 + 15 },
  'checkout-prod': { desired: 4, max: 12, trafficMinutes: 30 },
};

describe('releases over time: every checkout environment (ECS, Pulumi)', () => {
  const deployed = new Map<string, Deployed>();
  beforeAll(async () => {
    for (const e of CHECKOUT.environments) deployed.set(`checkout-${e.name}`, await deploy(CHECKOUT, e.name));
  });

  test('covers every container environment of the examples', () => {
    expect(CHECKOUT.environments.map((e) => `checkout-${e.name}`)).toEqual(Object.keys(CHECKOUT_FACTS));
  });

  describe.each(Object.entries(CHECKOUT_FACTS))('%s', (stack, facts) => {
    const env = CHECKOUT.environments.find((e) => `checkout-${e.name}` === stack)!;
    const trigger = env.alarms.rollbackTrigger;
    const baseline = healthy(trigger.baselineErrorRatePercent);
    const rollbackName = `${stack}-rollback-error-rate`;

    /** The service's inputs with a literal task definition, as `pulumi up` of release `image` gives them. */
    const inputsOf = (d: Deployed, taskDefinition: string) => ({ ...one(d, 'aws:ecs/service:Service').inputs, taskDefinition });
    /** `pulumi up` creates the service (and registers the scalable target). */
    const create = (d: Deployed) => {
      const service = new EcsService(ecsServiceProperties(inputsOf(d, 'v1')), 0, { alarmWindowSeconds: alarmWindowSeconds(d.template) });
      const scaling = scalingOf(d.template);
      if (scaling) service.registerScalableTarget(scaling.min, scaling.max);
      return service;
    };
    /** The next `pulumi up`: state inputs → program inputs, with the service's ignoreChanges. */
    const up = (d: Deployed, service: EcsService, state: Record<string, any>, taskDefinition: string, now: number) => {
      const next = inputsOf(d, taskDefinition);
      const sent = ecsServiceUpdateInputs(state, next, one(d, 'aws:ecs/service:Service').ignoreChanges);
      return {
        deployment: service.cloudFormationUpdate(ecsServiceProperties(sent), now)!,
        state: { ...next, desiredCount: sent.desiredCount ?? state.desiredCount },
      };
    };

    test('first deploy: the service runs the tasks the definition asks for', () => {
      expect(create(deployed.get(stack)!).desiredCount).toBe(facts.desired);
    });

    test('second release: the new image serves after its schedule, the count is kept', () => {
      const d = deployed.get(stack)!;
      const service = create(d);
      const { deployment } = up(d, service, inputsOf(d, 'v1'), 'v2', 3600);
      if (facts.trafficMinutes > 0) expect(deployment.completesAt - deployment.trafficStartsAt).toBe(facts.trafficMinutes * 60);
      expect(service.serving(deployment.completesAt - 1)).toBe('v1');
      expect(service.serving(deployment.completesAt)).toBe('v2');
      expect(service.desiredCount).toBe(facts.desired);
    });

    test.each([false, true])('a release during a scale-out keeps the scaled count (pulumi up --refresh: %s)', (refresh) => {
      const d = deployed.get(stack)!;
      const service = create(d);
      let state: Record<string, any> = inputsOf(d, 'v1');
      if (facts.max) service.autoscaleTo(facts.max);
      // `pulumi up --refresh` reads the live count into the state before diffing.
      if (refresh) state = { ...state, desiredCount: service.desiredCount };
      up(d, service, state, 'v2', 3600);
      expect(service.desiredCount).toBe(facts.max ?? facts.desired);
    });

    const bad: [string, FailureProfile][] = [
      ['target 5xx (5 × the trigger)', { targetErrorRate: (5 * trigger.errorRatePercent) / 100, connectionErrorRate: 0 }],
      ['crash-looping tasks (15% connection errors, load-balancer 502s)', { targetErrorRate: 0, connectionErrorRate: 0.15 }],
    ];
    describe.each(bad)('a bad release: %s', (_what, candidate) => {
      test('at peak traffic the rollback alarm fires within the stated bound and ECS rolls back; the count is kept', () => {
        const d = deployed.get(stack)!;
        const alarm = alarmFromTemplate(d.template, rollbackName);
        const detection = statedDetection(d.runbook, rollbackName);
        for (let seed = 1; seed <= SEEDS; seed++) {
          const service = create(d);
          if (facts.max) service.autoscaleTo(facts.max);
          const { deployment } = up(d, service, inputsOf(d, 'v1'), 'v2', 3600);
          const fired = firstAlarm(alarm, service, deployment, PEAK, candidate, seed, baseline);
          expect(fired).toBeDefined();
          expect(fired! - deployment.trafficStartsAt).toBeLessThanOrEqual(detection);
          expect(fired!).toBeLessThan(deployment.completesAt);
          expect(service.alarm(fired!, rollbackName)).toBe(true);
          service.settle(fired! + 120);
          expect(deployment.status).toBe('ROLLBACK_SUCCESSFUL');
          expect(service.serving(fired! + 120)).toBe('v1');
          expect(service.desiredCount).toBe(facts.max ?? facts.desired);
        }
      });

      test('at quiet traffic it still rolls back before the deployment completes', () => {
        const d = deployed.get(stack)!;
        const alarm = alarmFromTemplate(d.template, rollbackName);
        for (let seed = 1; seed <= SEEDS; seed++) {
          const service = create(d);
          const { deployment } = up(d, service, inputsOf(d, 'v1'), 'v2', 3600);
          const fired = firstAlarm(alarm, service, deployment, QUIET, candidate, seed, baseline);
          expect(fired).toBeDefined();
          expect(fired!).toBeLessThan(deployment.completesAt);
        }
      });
    });

    test('the release after an automatic rollback replaces the revision that kept serving, and a bad one rolls back to it again', () => {
      const d = deployed.get(stack)!;
      const alarm = alarmFromTemplate(d.template, rollbackName);
      const service = create(d);
      if (facts.max) service.autoscaleTo(facts.max);
      const bad = { targetErrorRate: (5 * trigger.errorRatePercent) / 100, connectionErrorRate: 0 };
      const second = up(d, service, inputsOf(d, 'v1'), 'v2', 3600);
      const fired = firstAlarm(alarm, service, second.deployment, PEAK, bad, 1, baseline)!;
      service.alarm(fired, rollbackName);
      service.settle(fired + 120);
      // `pulumi up` failed: the state keeps the inputs of the last successful update (v1).
      const third = up(d, service, inputsOf(d, 'v1'), 'v3', 7200);
      expect(third.deployment.previous).toBe('v1');
      // v3 is bad too: ECS goes back to v1, never to the v2 that was rolled back.
      const again = firstAlarm(alarm, service, third.deployment, PEAK, bad, 2, baseline)!;
      expect(service.alarm(again, rollbackName)).toBe(true);
      service.settle(again + 120);
      expect(service.serving(again + 120)).toBe('v1');
      // Then a good release serves.
      const fourth = up(d, service, inputsOf(d, 'v1'), 'v4', 14400);
      expect(firstAlarm(alarm, service, fourth.deployment, PEAK, baseline, 3, baseline)).toBeUndefined();
      expect(service.serving(fourth.deployment.completesAt)).toBe('v4');
      expect(service.desiredCount).toBe(facts.max ?? facts.desired);
    });

    test('a rotation then a scale-out: every task accepts what any other task issued (the task role reads both stages)', () => {
      const d = deployed.get(stack)!;
      const secrets = d.resources.filter((r) => r.type === 'aws:secretsmanager/secret:Secret');
      expect(secrets.length).toBeGreaterThan(0);
      // The mocks give every resource the ARN arn:aws:mock:<region>:<account>:<type>/<name>.
      const secretArns = secrets.map((r) => `arn:aws:mock:eu-west-1:123456789012:${r.type}/${r.name}`);
      const taskRole = d.resources.find((r) => r.type === 'aws:iam/role:Role' && r.name === `${stack}-task`)!;
      const taskRoleReads = d.resources
        .filter((r) => r.type === 'aws:iam/rolePolicy:RolePolicy' && r.inputs.role === `${taskRole.name}-id`)
        .some((r) =>
          (JSON.parse(r.inputs.policy).Statement as { Action: string | string[]; Resource: unknown }[]).some(
            (st) =>
              [st.Action].flat().includes('secretsmanager:GetSecretValue') &&
              secretArns.every((a) => JSON.stringify(st.Resource).includes(a)),
          ),
        );
      expect(taskRoleReads).toBe(true);
      const service = create(d);
      const secret = new Secret('first');
      const before = Array.from({ length: service.desiredCount }, () => startTask(secret, taskRoleReads));
      secret.rotate('second');
      if (facts.max) service.autoscaleTo(facts.max);
      const after = Array.from({ length: service.desiredCount - before.length }, () => startTask(secret, taskRoleReads));
      const tasks = [...before, ...after];
      for (const a of tasks) for (const b of tasks) expect(accepts(a, secret, b.injected)).toBe(true);
    });

    test('a healthy release at peak traffic is not rolled back', () => {
      const d = deployed.get(stack)!;
      const service = create(d);
      const { deployment } = up(d, service, inputsOf(d, 'v1'), 'v2', 3600);
      expect(firstAlarm(alarmFromTemplate(d.template, rollbackName), service, deployment, PEAK, baseline, 1, baseline)).toBeUndefined();
    });
  });
});

/**
 * Runs the alias deployer `pulumi up` invokes (the real source) against the CodeDeploy model, on
 * a simulated clock: each poll waits 15 s of model time. `alarmAt` is when the rollback alarm
 * fires (undefined: never). Returns the deployer's result or its error.
 */
async function runDeployer(
  alias: CodeDeployAlias,
  input: Record<string, unknown>,
  startedAt: number,
  alarmAt?: number,
): Promise<{ result?: Record<string, unknown>; error?: string; endedAt: number }> {
  let now = startedAt;
  const codedeploy = {
    CodeDeployClient: class {
      send = async (c: { kind: string; input: Record<string, any> }) => {
        if (c.kind === 'CreateDeployment') {
          const spec = JSON.parse(c.input.revision.appSpecContent.content);
          const props = Object.values(spec.Resources[0])[0] as { Properties: { CurrentVersion: string; TargetVersion: string } };
          // CodeDeploy shifts from the version the alias serves (the AppSpec's CurrentVersion must match it).
          expect(props.Properties.CurrentVersion).toBe(alias.serving(now));
          return { deploymentId: alias.deploy(props.Properties.TargetVersion, now).id };
        }
        const d = alias.deployments.find((x) => x.id === c.input.deploymentId)!;
        if (alarmAt !== undefined && now >= alarmAt) alias.alarm(alarmAt);
        alias.serving(now);
        return { deploymentInfo: { status: d.status, errorInformation: d.status === 'Stopped' ? { message: 'alarm' } : undefined } };
      };
    },
    CreateDeploymentCommand: class {
      kind = 'CreateDeployment';
      constructor(public readonly input: unknown) {}
    },
    GetDeploymentCommand: class {
      kind = 'GetDeployment';
      constructor(public readonly input: unknown) {}
    },
  };
  const lambda = {
    LambdaClient: class {
      send = async () => ({ FunctionVersion: alias.serving(now) });
    },
    GetAliasCommand: class {
      constructor(public readonly input: unknown) {}
    },
  };
  const handler = loadHandler(
    ALIAS_DEPLOYER_SOURCE,
    { '@aws-sdk/client-codedeploy': codedeploy, '@aws-sdk/client-lambda': lambda },
    {},
    {
      setTimeout: ((fn: () => void, ms: number) => {
        now += ms / 1000;
        setImmediate(fn);
      }) as unknown as typeof setTimeout,
    },
  );
  // Lambda's 900 s timeout, counted on the model clock.
  const context = { getRemainingTimeInMillis: () => (startedAt + 900 - now) * 1000 };
  try {
    const result = (await handler(input, context)) as Record<string, unknown>;
    return { result, endedAt: now };
  } catch (e) {
    return { error: (e as Error).message, endedAt: now };
  }
}

/**
 * One `pulumi up` of a new version: the invocations of the deployer the program registered, in
 * their dependency order (`-shift`, then `-shift-wait-N`), each given the previous answer as
 * `waitFor` as the program wires it. Ends at the first error, as `pulumi up` does.
 */
async function pulumiUp(
  d: Deployed,
  alias: CodeDeployAlias,
  targetVersion: string,
  startedAt: number,
  alarmAt?: number,
): Promise<{ result?: Record<string, unknown>; error?: string; endedAt: number; invocations: number }> {
  const invocations = d.resources
    .filter((r) => r.type === 'aws:lambda/invocation:Invocation')
    .sort((a, b) => a.name.length - b.name.length || a.name.localeCompare(b.name));
  let at = startedAt;
  let previous: Record<string, unknown> | undefined;
  for (const [i, invocation] of invocations.entries()) {
    const input = { ...JSON.parse(invocation.inputs.input), targetVersion, ...(previous ? { waitFor: JSON.stringify(previous) } : {}) };
    const run = await runDeployer(alias, input, at, alarmAt);
    if (run.error !== undefined) return { ...run, invocations: i + 1 };
    previous = run.result;
    at = run.endedAt;
  }
  return { result: previous, endedAt: at, invocations: invocations.length };
}

describe('releases over time: payments-api (Lambda + CodeDeploy, Pulumi)', () => {
  const deployed = new Map<string, Deployed>();
  beforeAll(async () => {
    for (const e of PAYMENTS.environments) deployed.set(e.name, await deploy(PAYMENTS, e.name));
  });

  describe.each(PAYMENTS.environments.map((e) => [`payments-api-${e.name}`, e] as const))('%s', (stack, env) => {
    const rollbackName = `${stack}-rollback-error-rate`;
    // examples/payments-api/definition.ts: the canary stage bakes 30m in staging and in prod.
    const canaryMinutes = 30;
    const trigger = env.alarms.rollbackTrigger;
    const bad = { targetErrorRate: (5 * trigger.errorRatePercent) / 100, connectionErrorRate: 0 };
    const setup = () => {
      const d = deployed.get(env.name)!;
      const [[, config]] = ofType(d.template, 'AWS::CodeDeploy::DeploymentConfig');
      const invocation = d.resources.find((r) => r.type === 'aws:lambda/invocation:Invocation' && r.name === `${stack}-shift`)!.inputs;
      const input = JSON.parse(invocation.input) as Record<string, unknown>;
      const group = one(d, 'aws:codedeploy/deploymentGroup:DeploymentGroup').inputs;
      return { d, routing: config.Properties!.TrafficRoutingConfig, input, group };
    };
    /** When the rollback alarm fires for a release of `alias` started at 0 whose new version fails as `candidate`. */
    const fires = (d: Deployed, routing: Record<string, any>, startedAt: number, candidate: FailureProfile, seed: number) => {
      const probe = new CodeDeployAlias('1', routing);
      const deployment = probe.deploy('2', 0);
      const feed = releaseFeed({
        ratePerMinute: PEAK,
        newPercent: (i) => probe.newVersionPercent(deployment, i * 60 + 30),
        stable: healthy(trigger.baselineErrorRatePercent),
        candidate,
        random: seededRandom(seed),
      });
      const fired = simulateAlarm(alarmFromTemplate(d.template, rollbackName), feed, {
        datapoints: Math.ceil(deployment.endsAt / 60) + 5,
      }).firstAlarmSeconds;
      return fired === undefined ? undefined : startedAt + fired;
    };

    test('the deployer targets the deployment group whose alarms roll back, with automatic rollback', () => {
      const { input, group } = setup();
      expect(input.deploymentGroupName).toBe(group.deploymentGroupName);
      expect(group.alarmConfiguration.alarms).toContain(rollbackName);
      expect(group.autoRollbackConfiguration.enabled).toBe(true);
      // A 30-minute canary outlasts one deployer invocation (Lambda's 15 minutes): later ones wait for it.
      const invocations = deployed.get(env.name)!.resources.filter((r) => r.type === 'aws:lambda/invocation:Invocation');
      expect(invocations.length).toBeGreaterThanOrEqual(2);
      // The alias itself is left to CodeDeploy after its creation.
      expect(one(deployed.get(env.name)!, 'aws:lambda/alias:Alias').ignoreChanges).toEqual(['functionVersion', 'routingConfig']);
    });

    test('second release: CodeDeploy shifts the alias by the schedule and `pulumi up` returns once it succeeded', async () => {
      const { d, routing } = setup();
      const alias = new CodeDeployAlias('1', routing);
      const run = await pulumiUp(d, alias, '2', 0);
      expect(run.result).toMatchObject({ status: 'Succeeded', version: '2' });
      expect(alias.serving(run.endedAt)).toBe('2');
      // `pulumi up` ends when the shift has (the canary interval is longer than one 15-minute invocation).
      expect(alias.deployments[0].endsAt).toBe(canaryMinutes * 60);
      expect(run.endedAt).toBeGreaterThanOrEqual(alias.deployments[0].endsAt);
      expect(run.endedAt).toBeLessThan(alias.deployments[0].endsAt + 60);
    });

    test('a bad release fails `pulumi up`, and the next release shifts from the version that kept serving', async () => {
      const { d, routing } = setup();
      for (let seed = 1; seed <= SEEDS; seed++) {
        const alias = new CodeDeployAlias('1', routing);
        const fired = fires(d, routing, 0, bad, seed);
        expect(fired).toBeDefined();
        expect(fired!).toBeLessThanOrEqual(statedDetection(d.runbook, rollbackName));
        const second = await pulumiUp(d, alias, '2', 0, fired);
        expect(second.error).toMatch(/Stopped.*back on version 1/);
        // CodeDeploy's automatic rollback is a new deployment; the alias is on version 1 again.
        expect(alias.deployments.at(-1)!.rollbackOf).toBe(alias.deployments[0].id);
        expect(alias.serving(second.endedAt)).toBe('1');
        // Release 3 (the fix) after the automatic rollback: from version 1, not from the rolled-back 2.
        const third = await pulumiUp(d, alias, '3', 3600);
        expect(third.result).toMatchObject({ status: 'Succeeded', version: '3' });
        const shift = alias.deployments.at(-1)!;
        expect([shift.from, shift.to]).toEqual(['1', '3']);
        expect(alias.serving(third.endedAt)).toBe('3');
        // A bad release 4 rolls back to 3, the version that served last.
        const fourth = await pulumiUp(d, alias, '4', 7200, fires(d, routing, 7200, bad, seed + 100));
        expect(fourth.error).toMatch(/back on version 3/);
        expect(alias.serving(fourth.endedAt + 60)).toBe('3');
      }
    });

    test('a retried `pulumi up` with nothing new changes nothing once the alias serves the version', async () => {
      const { d, routing } = setup();
      const alias = new CodeDeployAlias('1', routing);
      await pulumiUp(d, alias, '2', 0);
      const count = alias.deployments.length;
      const again = await pulumiUp(d, alias, '2', 3600);
      expect(again.result).toMatchObject({ status: 'Unchanged' });
      expect(alias.deployments).toHaveLength(count);
    });
  });
});
