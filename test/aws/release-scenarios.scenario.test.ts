import * as path from 'node:path';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { synthesizeAws } from '../../constructs/aws/synthesize';
import { MIGRATION_RUNNER_SOURCE } from '../../lib/handlers/migration-runner-code';
import { loadDefinitionFile } from '../../lib/model';
import { alarmFromTemplate, simulateAlarm } from './support/cloudwatch-alarm-simulator';
import { loadHandler } from './inline-code';
import { Account, CloudFormationStack } from './support/release-model/cloudformation-stack';
import { CodeDeployAlias } from './support/release-model/codedeploy-lambda';
import { releaseFeed } from './support/release-model/scenario-feed';
import {
  firstAlarm,
  firstDeploy,
  ofType,
  PEAK,
  QUIET,
  scalingOf,
  serviceProperties,
  statedDeploymentBound,
  statedDetection,
  type Template,
} from './support/release-model/scenario-steps';
import { accepts, Secret, startTask } from './support/release-model/secrets-manager';
import { healthy, seededRandom, type FailureProfile } from './support/release-model/traffic';

/**
 * Releases over time for every AWS example environment, through the stateful release model
 * (test/aws/support/release-model) fed with the synthesized templates: first deploy, the next
 * release, a bad release rolled back by the alarms with Poisson traffic following the schedule's
 * weights (peak and quiet), a release during a scale-out, a rotation followed by a scale-out, a
 * migration failing halfway, and a failed first create retried. Expected values are the
 * definitions' literals and the runbook's stated bounds.
 *
 * `GLIDEPATH_LONG_SCENARIOS=1` repeats the traffic scenarios over 200 seeds (default 3).
 */

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const CHECKOUT = loadDefinitionFile(path.join(EXAMPLES, 'checkout', 'definition.yaml'));
const PAYMENTS = loadDefinitionFile(path.join(EXAMPLES, 'payments-api', 'definition.ts'));
const ARTIFACTS = [synthesizeAws(CHECKOUT), synthesizeAws(PAYMENTS)];
const SEEDS = process.env.GLIDEPATH_LONG_SCENARIOS ? 200 : 3;

const templateOf = (stack: string): Template =>
  JSON.parse(ARTIFACTS.map((a) => a.templates[`${stack}.template.json`]).find((t) => t !== undefined)!);
const runbookOf = (stack: string): string => ARTIFACTS.map((a) => a.runbooks[`${stack}.md`]).find((r) => r !== undefined)!;

const CONTAINER_STACKS = CHECKOUT.environments.map((e) => ({ stack: `checkout-${e.name}`, env: e }));

/** Literal expectations from examples/checkout/definition.yaml: tasks, scaling and step bakes. */
const CHECKOUT_FACTS: Record<string, { desired: number; max?: number; trafficMinutes: number }> = {
  // rolling: replaced as soon as the new tasks are healthy
  'checkout-dev': { desired: 1, trafficMinutes: 0 },
  // canary 10% for 15m, then 100% for the 15m bake
  'checkout-staging': { desired: 2, trafficMinutes: 15 + 15 },
  // blue/green: 100% for the 30m bake; minCount 4, maxCount 12
  'checkout-prod': { desired: 4, max: 12, trafficMinutes: 30 },
};

describe('releases over time: every checkout environment (ECS, CloudFormation)', () => {
  test('covers every container environment of the examples', () => {
    expect(CONTAINER_STACKS.map((c) => c.stack)).toEqual(Object.keys(CHECKOUT_FACTS));
  });

  describe.each(CONTAINER_STACKS.map((c) => [c.stack, c] as const))('%s', (stack, { env }) => {
    const t = templateOf(stack);
    const runbook = runbookOf(stack);
    const facts = CHECKOUT_FACTS[stack];
    const rollbackName = `${stack}-rollback-error-rate`;
    const alarm = alarmFromTemplate(t, rollbackName);
    const detection = statedDetection(runbook, rollbackName);
    const trigger = env.alarms.rollbackTrigger;
    const baseline = healthy(trigger.baselineErrorRatePercent);

    test('first deploy: the service runs the tasks the definition asks for', () => {
      const account = new Account();
      expect(new CloudFormationStack(account, stack).create(t.Resources).status).toBe('CREATE_COMPLETE');
      expect(firstDeploy(t).desiredCount).toBe(facts.desired);
    });

    test('second release: the new image serves after its schedule, within the wait the runbook states', () => {
      const service = firstDeploy(t);
      const d = service.cloudFormationUpdate(serviceProperties(t, 'v2'), 3600)!;
      if (facts.trafficMinutes > 0) expect(d.completesAt - d.trafficStartsAt).toBe(facts.trafficMinutes * 60);
      expect(service.serving(d.completesAt - 1)).toBe('v1');
      expect(service.serving(d.completesAt)).toBe('v2');
      expect(d.status).toBe('SUCCESSFUL');
      expect(d.completesAt - d.startedAt).toBeLessThanOrEqual(statedDeploymentBound(runbook));
      expect(service.desiredCount).toBe(facts.desired);
    });

    test('a release during a scale-out keeps the scaled count (no DesiredCount reset mid-deploy)', () => {
      const service = firstDeploy(t);
      const scaling = scalingOf(t);
      if (scaling) service.autoscaleTo(facts.max!);
      service.cloudFormationUpdate(serviceProperties(t, 'v2'), 3600);
      expect(service.desiredCount).toBe(facts.max ?? facts.desired);
    });

    const bad: [string, FailureProfile][] = [
      // Target 5xx well above the trigger.
      ['target 5xx (5 × the trigger)', { targetErrorRate: (5 * trigger.errorRatePercent) / 100, connectionErrorRate: 0 }],
      // Crashing or resetting tasks: the load balancer answers 502 for 15% of the new version's
      // requests, which a 10% canary dilutes to 1.5% of the load balancer's traffic.
      ['crash-looping tasks (15% connection errors, load-balancer 502s)', { targetErrorRate: 0, connectionErrorRate: 0.15 }],
    ];
    describe.each(bad)('a bad release: %s', (_what, candidate) => {
      test.each([SEEDS])(
        'at peak traffic the rollback alarm fires within the stated bound after the new version takes traffic, and ECS rolls back (%d seeds)',
        (seeds) => {
          for (let seed = 1; seed <= seeds; seed++) {
            const service = firstDeploy(t);
            const d = service.cloudFormationUpdate(serviceProperties(t, 'v2'), 3600)!;
            const fired = firstAlarm(alarm, service, d, PEAK, candidate, seed, baseline);
            expect(fired).toBeDefined();
            expect(fired! - d.trafficStartsAt).toBeLessThanOrEqual(detection);
            // Still inside the deployment (the last step's bake): ECS rolls back only then.
            expect(fired!).toBeLessThan(d.completesAt);
            expect(service.alarm(fired!, rollbackName)).toBe(true);
            service.settle(fired! + 120);
            expect(d.status).toBe('ROLLBACK_SUCCESSFUL');
            expect(service.serving(fired! + 120)).toBe('v1');
            expect(service.desiredCount).toBe(facts.desired);
            // A canary step long enough to judge catches it before the full shift.
            const first = service.weightSteps(d)[0];
            const second = service.weightSteps(d)[1];
            if (first.percent < 100 && second && second.at - first.at >= detection) {
              expect(fired!).toBeLessThan(second.at);
            }
          }
        },
      );

      // At 60 requests a minute a 10% canary gets about 6 a minute, under the 10 a period the
      // per-version rate needs: it is judged once it has all the traffic. Poisson noise can also
      // leave one minute under the threshold, so detection may take a period more than stated;
      // the deployment's bake still covers it.
      test('at quiet traffic it still rolls back before the deployment completes', () => {
        const late: number[] = [];
        for (let seed = 1; seed <= SEEDS; seed++) {
          const service = firstDeploy(t);
          const d = service.cloudFormationUpdate(serviceProperties(t, 'v2'), 3600)!;
          const fired = firstAlarm(alarm, service, d, QUIET, candidate, seed, baseline);
          expect(fired).toBeDefined();
          const full = service.weightSteps(d).find((s) => s.percent === 100)!.at;
          expect(fired!).toBeLessThan(d.completesAt);
          expect(fired! - full).toBeLessThanOrEqual(detection + 2 * alarm.periodSeconds);
          if (fired! - full > detection) late.push(seed);
        }
        if (process.env.GLIDEPATH_LONG_SCENARIOS) {
          console.log(
            `${stack} ${_what} at ${QUIET}/min: detection later than the stated ${detection}s in ${late.length} of ${SEEDS} seeds`,
          );
        }
      });
    });

    // 8% of the canary's requests refused at connection: the load balancer as a whole sees
    // 0.9% (stable baseline) + 0.8% = 1.7%, under the 2% trigger; only the canary's own target
    // group, counting TargetConnectionErrorCount, shows 8%.
    test('the canary step of a crash-looping release is judged on its own target group: caught at 10% before the full shift', () => {
      const service = firstDeploy(t);
      const d = service.cloudFormationUpdate(serviceProperties(t, 'v2'), 3600)!;
      const steps = service.weightSteps(d);
      if (steps[0].percent === 100) return; // blue/green and rolling have no partial step
      // Held long enough to judge: the same release against a canary step of 10 minutes.
      const long = { ...serviceProperties(t, 'v2') };
      long.DeploymentConfiguration = {
        ...long.DeploymentConfiguration,
        CanaryConfiguration: { ...long.DeploymentConfiguration.CanaryConfiguration, CanaryBakeTimeInMinutes: 10 },
      };
      const held = firstDeploy(t);
      const dd = held.cloudFormationUpdate(long, 3600)!;
      const [canary, rest] = held.weightSteps(dd);
      const fired = firstAlarm(alarm, held, dd, PEAK, { targetErrorRate: 0, connectionErrorRate: 0.08 }, 1, baseline);
      expect(canary.percent).toBe(10);
      expect(fired).toBeDefined();
      expect(fired!).toBeLessThan(rest.at);
    });

    test('a healthy release at peak traffic is not rolled back', () => {
      const service = firstDeploy(t);
      const d = service.cloudFormationUpdate(serviceProperties(t, 'v2'), 3600)!;
      expect(firstAlarm(alarm, service, d, PEAK, baseline, 1, baseline)).toBeUndefined();
    });

    test('a rotation then a scale-out: every task accepts what any other task issued (the task role reads both stages)', () => {
      const generated = ofType(t, 'AWS::SecretsManager::Secret');
      expect(generated.length).toBeGreaterThan(0);
      const secretIds = generated.map(([id]) => id);
      // The task role's policy in the template decides whether a task may call GetSecretValue.
      const taskRoleReads = ofType(t, 'AWS::IAM::Policy').some(
        ([, p]) =>
          JSON.stringify(p.Properties!.Roles).includes('ServiceTaskDefinitionTaskRole') &&
          p.Properties!.PolicyDocument.Statement.some(
            (s: { Action: string[] | string; Resource: unknown }) =>
              [s.Action].flat().includes('secretsmanager:GetSecretValue') &&
              secretIds.some((id) => JSON.stringify(s.Resource).includes(id)),
          ),
      );
      expect(taskRoleReads).toBe(true);
      const service = firstDeploy(t);
      const secret = new Secret('first');
      const before = Array.from({ length: service.desiredCount }, () => startTask(secret, taskRoleReads));
      secret.rotate('second');
      if (scalingOf(t)) service.autoscaleTo(facts.max!);
      const after = Array.from({ length: service.desiredCount - before.length }, () => startTask(secret, taskRoleReads));
      const tasks = [...before, ...after];
      for (const a of tasks) for (const b of tasks) expect(accepts(a, secret, b.injected)).toBe(true);
    });

    test('a failed first create is retried: nothing the rollback left behind blocks the retry', () => {
      const account = new Account();
      const [[serviceId]] = ofType(t, 'AWS::ECS::Service');
      const first = new CloudFormationStack(account, stack);
      expect(first.create(t.Resources, serviceId).status).toBe('ROLLBACK_COMPLETE');
      first.delete();
      const retry = new CloudFormationStack(account, stack).create(t.Resources);
      expect(retry).toMatchObject({ status: 'CREATE_COMPLETE' });
    });
  });

  describe('checkout-prod: a migration failing halfway', () => {
    const t = templateOf('checkout-prod');
    let server: http.Server;
    let url: string;
    const answers: Record<string, unknown>[] = [];
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          answers.push(JSON.parse(body));
          res.end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test('the stack rolls back, the previous migration is not run again, and the previous version keeps serving', async () => {
      const [[migrationId]] = ofType(t, 'Custom::GlidepathMigration');
      const account = new Account();
      const stack = new CloudFormationStack(account, 'checkout-prod');
      stack.create(t.Resources);
      const service = firstDeploy(t);
      // The next release changes the image; its migration task fails halfway (exit code 1).
      const v2 = JSON.parse(JSON.stringify(t.Resources).replace(/checkout:1\.42\.0/g, 'checkout:1.43.0'));
      const op = stack.update(v2, migrationId);
      expect(op.status).toBe('UPDATE_ROLLBACK_COMPLETE');

      // Replay every request the migration got through the real runner, against ECS and CloudFormation fakes.
      const runTasks: string[] = [];
      for (const request of op.customResourceRequests.filter((r) => r.LogicalResourceId === migrationId)) {
        const ecs = {
          ECSClient: class {
            send = async (command: { kind: string; input: Record<string, unknown> }) => {
              if (command.kind === 'RunTask') {
                runTasks.push(JSON.stringify(command.input.taskDefinition));
                return { tasks: [{ taskArn: 'arn:task/1' }] };
              }
              return {
                tasks: [
                  { lastStatus: 'STOPPED', containers: [{ name: 'migrate', exitCode: 1 }], stoppedReason: 'Essential container exited' },
                ],
              };
            };
          },
          RunTaskCommand: class {
            kind = 'RunTask';
            constructor(public readonly input: unknown) {}
          },
          DescribeTasksCommand: class {
            kind = 'DescribeTasks';
            constructor(public readonly input: unknown) {}
          },
          StopTaskCommand: class {
            kind = 'StopTask';
            constructor(public readonly input: unknown) {}
          },
        };
        const cloudformation = {
          CloudFormationClient: class {
            send = async () => ({ Stacks: [{ StackStatus: request.StackStatus }] });
          },
          DescribeStacksCommand: class {
            constructor(public readonly input: unknown) {}
          },
        };
        const handler = loadHandler(
          MIGRATION_RUNNER_SOURCE,
          { '@aws-sdk/client-ecs': ecs, '@aws-sdk/client-cloudformation': cloudformation, https: http },
          {},
          { setTimeout: ((fn: () => void) => setImmediate(fn)) as unknown as typeof setTimeout },
        );
        await handler(
          { ...request, ResponseURL: url, StackId: 'checkout-prod', RequestId: 'r', PhysicalResourceId: 'add-order-notes' },
          { getRemainingTimeInMillis: () => 600_000 },
        );
      }
      // The failing release ran once; the rollback (previous properties) ran nothing.
      expect(runTasks).toHaveLength(1);
      expect(answers.map((a) => a.Status)).toEqual(['FAILED', 'SUCCESS']);
      // The service depends on the migration: it never saw the new task definition.
      expect(service.serving(7200)).toBe('v1');
      expect(service.desiredCount).toBe(4);
    });
  });
});

describe('releases over time: payments-api (Lambda + CodeDeploy, CloudFormation)', () => {
  describe.each(PAYMENTS.environments.map((e) => [`payments-api-${e.name}`, e] as const))('%s', (stack, env) => {
    const t = templateOf(stack);
    const runbook = runbookOf(stack);
    const rollbackName = `${stack}-rollback-error-rate`;
    const alarm = alarmFromTemplate(t, rollbackName);
    const detection = statedDetection(runbook, rollbackName);
    const [[, config]] = ofType(t, 'AWS::CodeDeploy::DeploymentConfig');
    const routing = config.Properties!.TrafficRoutingConfig;
    const trigger = env.alarms.rollbackTrigger;

    test('a bad release is stopped and a new CodeDeploy deployment restores the previous version', () => {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const alias = new CodeDeployAlias('1', routing);
        const d = alias.deploy('2', 0);
        const feed = releaseFeed({
          ratePerMinute: PEAK,
          newPercent: (i) => alias.newVersionPercent(d, i * 60 + 30),
          stable: healthy(trigger.baselineErrorRatePercent),
          candidate: { targetErrorRate: (5 * trigger.errorRatePercent) / 100, connectionErrorRate: 0 },
          random: seededRandom(seed),
        });
        const fired = simulateAlarm(alarm, feed, { datapoints: Math.ceil(d.endsAt / 60) + 5 }).firstAlarmSeconds;
        expect(fired).toBeDefined();
        expect(fired!).toBeLessThanOrEqual(detection);
        expect(fired!).toBeLessThan(d.endsAt);
        const rollback = alias.alarm(fired!)!;
        expect(rollback.rollbackOf).toBe(d.id);
        expect(alias.deployments.at(-1)!.id).toBe(rollback.id);
        expect(alias.serving(d.endsAt + 60)).toBe('1');
      }
    });

    test('a failed first create is retried: the named log group is gone with the rollback', () => {
      const account = new Account();
      const [[aliasId]] = ofType(t, 'AWS::Lambda::Alias');
      const first = new CloudFormationStack(account, stack);
      expect(first.create(t.Resources, aliasId).status).toBe('ROLLBACK_COMPLETE');
      first.delete();
      expect(new CloudFormationStack(account, stack).create(t.Resources).status).toBe('CREATE_COMPLETE');
    });
  });
});
