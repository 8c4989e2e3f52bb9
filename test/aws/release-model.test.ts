import { AppConfigEnvironment, ConflictException } from './support/release-model/appconfig';
import { Account, CloudFormationStack, type Resources } from './support/release-model/cloudformation-stack';
import { CodeDeployAlias } from './support/release-model/codedeploy-lambda';
import { EcsService } from './support/release-model/ecs-service';
import { accepts, Secret, startTask } from './support/release-model/secrets-manager';
import { drawMinute, poisson, seededRandom } from './support/release-model/traffic';

/**
 * The release model's rules, each against the behaviour its documentation page states (see the
 * model files for the links). Inputs are literal service properties, not glidepath output.
 */

const canary = {
  TaskDefinition: 'app:1',
  DesiredCount: 4,
  DeploymentConfiguration: {
    Strategy: 'CANARY',
    CanaryConfiguration: { CanaryPercent: 10, CanaryBakeTimeInMinutes: 5 },
    BakeTimeInMinutes: 10,
    Alarms: { AlarmNames: ['app-rollback'], Enable: true, Rollback: true },
  },
};

describe('ECS service (CloudFormation desired count)', () => {
  test('a new service without DesiredCount starts 1 task; registering the scalable target raises it to the minimum', () => {
    const s = new EcsService({ TaskDefinition: 'app:1' });
    expect(s.desiredCount).toBe(1);
    s.registerScalableTarget(4, 12);
    expect(s.desiredCount).toBe(4);
  });

  test('an update with DesiredCount resets what autoscaling chose (aws/aws-cdk#13130); one without leaves it', () => {
    const withCount = new EcsService(canary);
    withCount.registerScalableTarget(4, 12);
    withCount.autoscaleTo(12);
    withCount.cloudFormationUpdate({ ...canary, TaskDefinition: 'app:2' }, 600);
    expect(withCount.desiredCount).toBe(4);

    const { DesiredCount: _omitted, ...without } = canary;
    const kept = new EcsService(without);
    kept.registerScalableTarget(4, 12);
    kept.autoscaleTo(12);
    kept.cloudFormationUpdate({ ...without, TaskDefinition: 'app:2' }, 600);
    expect(kept.desiredCount).toBe(12);
  });
});

describe('ECS service deployments', () => {
  test('canary: the canary percentage for the canary bake time, then everything, then the bake time', () => {
    const s = new EcsService(canary, 0, { taskStartSeconds: 60 });
    const d = s.cloudFormationUpdate({ ...canary, TaskDefinition: 'app:2' }, 0)!;
    expect([59, 60, 359, 360].map((t) => s.newRevisionPercent(d, t))).toEqual([0, 10, 10, 100]);
    expect(d.completesAt).toBe(60 + 5 * 60 + 10 * 60);
    expect(s.serving(d.completesAt - 1)).toBe('app:1');
    expect(s.serving(d.completesAt)).toBe('app:2');
    expect(d.status).toBe('SUCCESSFUL');
  });

  test('linear: equal steps held for the step bake time', () => {
    const linear = {
      ...canary,
      DeploymentConfiguration: { Strategy: 'LINEAR', LinearConfiguration: { StepPercent: 25, StepBakeTimeInMinutes: 2 } },
    };
    const s = new EcsService(linear, 0, { taskStartSeconds: 0 });
    const d = s.cloudFormationUpdate({ ...linear, TaskDefinition: 'app:2' }, 0)!;
    expect([0, 120, 240, 360].map((t) => s.newRevisionPercent(d, t))).toEqual([25, 50, 75, 100]);
  });

  test('an alarm during the bake time rolls back: ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL, and the old revision serves', () => {
    const s = new EcsService(canary, 0, { taskStartSeconds: 60, rollbackSeconds: 30 });
    const d = s.cloudFormationUpdate({ ...canary, TaskDefinition: 'app:2' }, 0)!;
    expect(s.alarm(500, 'app-rollback')).toBe(true);
    expect(d.status).toBe('ROLLBACK_REQUESTED');
    s.settle(d.finishedAt! - 1);
    expect(d.status).toBe('ROLLBACK_IN_PROGRESS');
    s.settle(d.finishedAt!);
    expect(d.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(s.serving(2000)).toBe('app:1');
    expect(s.newRevisionPercent(d, 600)).toBe(0);
  });

  test('an alarm after the deployment completed changes nothing; an alarm not in the configuration neither', () => {
    const s = new EcsService(canary, 0, { taskStartSeconds: 60 });
    const d = s.cloudFormationUpdate({ ...canary, TaskDefinition: 'app:2' }, 0)!;
    expect(s.alarm(100, 'someone-elses-alarm')).toBe(false);
    expect(s.alarm(d.completesAt + 1, 'app-rollback')).toBe(false);
    expect(s.serving(d.completesAt + 1)).toBe('app:2');
  });

  test('the circuit breaker stops a crash-looping rolling or blue/green deployment; canary has none', () => {
    const rolling = {
      TaskDefinition: 'app:1',
      DesiredCount: 4,
      DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
    };
    const r = new EcsService(rolling, 0, { taskStartSeconds: 60 });
    r.setBehaviour('app:2', { crashLooping: true });
    const d = r.cloudFormationUpdate({ ...rolling, TaskDefinition: 'app:2' }, 0)!;
    r.settle(3600);
    expect(d.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(d.rollbackReason).toBe('circuit breaker');
    // threshold max(3, ceil(4 / 2)) = 3 failed launches: one wave of 4
    expect(d.finishedAt).toBe(60 + 30);

    const c = new EcsService(canary, 0, { taskStartSeconds: 60 });
    c.setBehaviour('app:2', { crashLooping: true });
    const stuck = c.cloudFormationUpdate({ ...canary, TaskDefinition: 'app:2' }, 0)!;
    c.settle(3 * 3600);
    expect(stuck.status).toBe('IN_PROGRESS');
  });

  test('ECS swaps the target groups: each deployment puts the new revision behind the other one', () => {
    const s = new EcsService(canary, 0, { taskStartSeconds: 0 });
    const first = s.cloudFormationUpdate({ ...canary, TaskDefinition: 'app:2' }, 0)!;
    s.settle(first.completesAt);
    const second = s.cloudFormationUpdate({ ...canary, TaskDefinition: 'app:3' }, first.completesAt + 60)!;
    expect([first.newGroup, second.newGroup]).toEqual([1, 0]);
  });
});

describe('CloudFormation', () => {
  const template = (policy: string): Resources => ({
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/ecs/app' }, DeletionPolicy: policy },
    Service: { Type: 'AWS::ECS::Service', Properties: { Logs: { Ref: 'Logs' } } },
  });

  test('Retain on a failed first create: the retry fails on the name left behind', () => {
    const account = new Account();
    const first = new CloudFormationStack(account, 'app');
    expect(first.create(template('Retain'), 'Service').status).toBe('ROLLBACK_COMPLETE');
    first.delete();
    const retry = new CloudFormationStack(account, 'app').create(template('Retain'));
    expect(retry).toMatchObject({ status: 'ROLLBACK_COMPLETE', reason: 'Logs: AWS::Logs::LogGroup /ecs/app already exists' });
  });

  test('RetainExceptOnCreate: the failed create removes it, the retry succeeds, and a later deletion keeps it', () => {
    const account = new Account();
    new CloudFormationStack(account, 'app').create(template('RetainExceptOnCreate'), 'Service');
    const retry = new CloudFormationStack(account, 'app');
    expect(retry.create(template('RetainExceptOnCreate')).status).toBe('CREATE_COMPLETE');
    retry.delete();
    expect(account.names.get('AWS::Logs::LogGroup /ecs/app')).toBe('retained');
  });

  test("a secret's DeleteSecret deny goes first on rollback (it refers to the secret), so it does not keep the name taken", () => {
    const deny = { Statement: [{ Effect: 'Deny', Action: 'secretsmanager:DeleteSecret', Principal: { AWS: 'root' }, Resource: '*' }] };
    const account = new Account();
    const op = new CloudFormationStack(account, 'app').create(
      {
        Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'app/prod/key' }, DeletionPolicy: 'RetainExceptOnCreate' },
        Policy: { Type: 'AWS::SecretsManager::ResourcePolicy', Properties: { SecretId: { Ref: 'Secret' }, ResourcePolicy: deny } },
        Service: { Type: 'AWS::ECS::Service', Properties: {}, DependsOn: 'Policy' },
      },
      'Service',
    );
    expect(op.status).toBe('ROLLBACK_COMPLETE');
    expect(account.names.has('AWS::SecretsManager::Secret app/prod/key')).toBe(false);
  });

  test('a failed update sends custom resources an Update with their previous properties', () => {
    const stack = new CloudFormationStack(new Account(), 'app');
    const v1: Resources = {
      Migration: { Type: 'Custom::Migration', Properties: { TaskDefinition: 'app:1' } },
      Service: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: 'app:1' }, DependsOn: 'Migration' },
    };
    stack.create(v1);
    const v2 = JSON.parse(JSON.stringify(v1).replace(/app:1/g, 'app:2'));
    const op = stack.update(v2, 'Service');
    expect(op.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(op.customResourceRequests.map((r) => [r.RequestType, r.StackStatus, r.ResourceProperties.TaskDefinition])).toEqual([
      ['Update', 'UPDATE_IN_PROGRESS', 'app:2'],
      ['Update', 'UPDATE_ROLLBACK_IN_PROGRESS', 'app:1'],
    ]);
  });
});

describe('Secrets Manager rotation', () => {
  test('finishSecret: the new version is AWSCURRENT, the old one AWSPREVIOUS; two rotations on, the first is gone', () => {
    const s = new Secret('a');
    s.rotate('b');
    expect([s.get('AWSCURRENT'), s.get('AWSPREVIOUS')]).toEqual(['b', 'a']);
    s.rotate('c');
    expect([s.get('AWSCURRENT'), s.get('AWSPREVIOUS')]).toEqual(['c', 'b']);
  });

  test('tasks started on either side of a rotation disagree, unless they may read both stages', () => {
    const s = new Secret('a');
    const old = startTask(s, false);
    s.rotate('b');
    const fresh = startTask(s, false);
    expect(accepts(old, s, fresh.injected)).toBe(false);
    const oldReader = { ...old, canRead: true };
    const freshReader = { ...fresh, canRead: true };
    expect(accepts(oldReader, s, fresh.injected)).toBe(true);
    expect(accepts(freshReader, s, old.injected)).toBe(true);
  });
});

describe('AppConfig', () => {
  const strategy = { DeploymentDurationInMinutes: 10, FinalBakeTimeInMinutes: 5 };
  test('one deployment per environment at a time', () => {
    const env = new AppConfigEnvironment();
    env.start('1', strategy, 0, 'stack');
    expect(() => env.start('2', { DeploymentDurationInMinutes: 0 }, 60, 'kill-switch')).toThrow(ConflictException);
    expect(env.start('2', { DeploymentDurationInMinutes: 0 }, 15 * 60, 'kill-switch').state).toBe('DEPLOYING');
    expect(env.served(15 * 60)).toBe('2');
  });

  test('a monitor in ALARM rolls the deployment back to the version before', () => {
    const env = new AppConfigEnvironment();
    env.start('1', { DeploymentDurationInMinutes: 0 }, 0, 'stack');
    env.start('2', strategy, 60, 'stack');
    env.alarm(120);
    expect(env.served(3600)).toBe('1');
  });
});

describe('CodeDeploy (Lambda)', () => {
  test('canary 10% for 5 minutes, then all; an alarm stops it and a new deployment rolls back', () => {
    const alias = new CodeDeployAlias('1', { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 10, CanaryInterval: 5 } });
    const d = alias.deploy('2', 0);
    expect([0, 299, 300].map((t) => alias.newVersionPercent(d, t))).toEqual([10, 10, 100]);
    const rollback = alias.alarm(120)!;
    expect(d.status).toBe('Stopped');
    expect(rollback).toMatchObject({ rollbackOf: d.id, to: '1', status: 'Succeeded' });
    expect(alias.deployments.at(-1)!.id).not.toBe(d.id);
    expect(alias.serving(3600)).toBe('1');
  });
});

describe('traffic', () => {
  test('Poisson arrivals have the rate as mean and variance', () => {
    const random = seededRandom(7);
    for (const rate of [3, 200]) {
      const xs = Array.from({ length: 4000 }, () => poisson(rate, random));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
      expect(Math.abs(mean - rate) / rate).toBeLessThan(0.05);
      expect(Math.abs(variance - rate) / rate).toBeLessThan(0.1);
    }
  });

  test('errors thin the arrivals by their probability', () => {
    const random = seededRandom(11);
    let requests = 0;
    let errors = 0;
    for (let i = 0; i < 200; i++) {
      const m = drawMinute(500, { targetErrorRate: 0.02, connectionErrorRate: 0.1 }, random);
      requests += m.requests;
      errors += m.connectionErrors;
    }
    expect(Math.abs(errors / requests - 0.1)).toBeLessThan(0.01);
  });
});
