import * as vm from 'node:vm';
import { PULUMI_MIGRATION_RUNNER_SOURCE } from '../../constructs/pulumi/private/migrations';

/* The expand-migration runner `pulumi up` invokes, run against a fake ECS API. */
async function run(exitCode: number | undefined, stopsAfterPolls: number, remainingMs = 600000) {
  const calls: { command: string; input: Record<string, unknown> }[] = [];
  let polls = 0;
  const command = (name: string) =>
    class {
      constructor(public input: Record<string, unknown>) {
        calls.push({ command: name, input });
      }
    };
  const ecs = {
    ECSClient: class {
      async send() {
        const last = calls[calls.length - 1].command;
        if (last === 'RunTask') return { tasks: [{ taskArn: 'arn:aws:ecs:eu-west-1:1:task/checkout-prod/abc' }] };
        polls += 1;
        const stopped = polls >= stopsAfterPolls;
        return {
          tasks: [
            {
              lastStatus: stopped ? 'STOPPED' : 'RUNNING',
              containers: [{ name: 'migrate', exitCode: stopped ? exitCode : undefined }],
              stoppedReason: 'Essential container in task exited',
            },
          ],
        };
      }
    },
    RunTaskCommand: command('RunTask'),
    DescribeTasksCommand: command('DescribeTasks'),
    StopTaskCommand: command('StopTask'),
  };
  let remaining = remainingMs;
  const module = { exports: {} as { invoke?: (e: unknown, c: unknown) => Promise<unknown> } };
  const sandbox = {
    require: (id: string) => (id === '@aws-sdk/client-ecs' ? ecs : {}),
    module,
    exports: module.exports,
    setTimeout: (f: () => void, ms: number) => {
      remaining -= ms;
      f();
    },
    console: { log: () => undefined },
    JSON,
    Promise,
    Error,
    String,
    Buffer,
  };
  vm.runInNewContext(`${PULUMI_MIGRATION_RUNNER_SOURCE}\nmodule.exports = exports;`, sandbox);
  const event = {
    Migration: 'add-order-notes',
    Cluster: 'arn:cluster',
    TaskDefinition: 'arn:td',
    Subnets: ['s-1'],
    SecurityGroups: ['sg-1'],
    LogGroup: '/ecs/checkout-prod-migrate-add-order-notes',
  };
  const result = await module.exports.invoke!(event, { getRemainingTimeInMillis: () => remaining }).then(
    (value) => ({ value }),
    (e: Error) => ({ error: e.message }),
  );
  return { result, calls };
}

test('runs the task in the service network and returns when it exits 0', async () => {
  const { result, calls } = await run(0, 3);
  expect(result).toEqual({ value: { TaskArn: 'arn:aws:ecs:eu-west-1:1:task/checkout-prod/abc' } });
  expect(calls[0]).toEqual({
    command: 'RunTask',
    input: expect.objectContaining({
      cluster: 'arn:cluster',
      taskDefinition: 'arn:td',
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['s-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
    }),
  });
});

test('throws (so pulumi up fails before the service update) when the task exits non-zero', async () => {
  expect((await run(1, 1)).result).toEqual({
    error: expect.stringMatching(
      /^migration add-order-notes failed \(exit code 1, .*aws logs tail \/ecs\/checkout-prod-migrate-add-order-notes$/,
    ),
  });
});

test('throws when the task is still running at the time limit, and stops the task', async () => {
  const { result, calls } = await run(0, 1000, 60000);
  expect(result).toEqual({
    error: expect.stringMatching(
      /^migration add-order-notes still running at the time limit; stopped arn:aws:ecs:eu-west-1:1:task\/checkout-prod\/abc/,
    ),
  });
  expect(calls.at(-1)!.command).toBe('StopTask');
});
