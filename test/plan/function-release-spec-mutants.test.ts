import { APPROVE, approvalActionName } from '../../lib/plan/approval-action';
import { CHAT_NOTIFICATION_ACTIONS } from '../../lib/plan/chat-guardrail';
import { AutoRollbackEvent, functionReleaseSpec, routingSlug } from '../../lib/plan/function-release-spec';
import { secretArnVariable, secretVariable } from '../../lib/plan/secret-bindings';

/**
 * The AWS release facts of a function and the small AWS names every target shares, every fixture
 * built inside its test. Expected values from the AWS documentation:
 * - CodeDeploy automatic rollback events: https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_AutoRollbackConfiguration.html
 *   (`DEPLOYMENT_FAILURE`, `DEPLOYMENT_STOP_ON_ALARM`, `DEPLOYMENT_STOP_ON_REQUEST`)
 * - a function's log group `/aws/lambda/<function name>`: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
 * - AWS Chatbot's read-only notification permissions: https://docs.aws.amazon.com/chatbot/latest/adminguide/chatbot-iam-policies.html
 */

describe('functionReleaseSpec', () => {
  test('names the application, group and config after the function; rolls back on failure, on request and on alarm', () => {
    expect(functionReleaseSpec('payments-api-prod', { type: 'canary', percentage: 10, intervalMinutes: 5 })).toEqual({
      functionName: 'payments-api-prod',
      aliasName: 'live',
      applicationName: 'payments-api-prod',
      deploymentGroupName: 'payments-api-prod',
      deploymentConfigName: 'payments-api-prod-canary-10pct-5m',
      logGroupName: '/aws/lambda/payments-api-prod',
      autoRollbackEvents: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'],
      smokeHookName: 'payments-api-prod-smoke-tests',
    });
    expect(Object.values(AutoRollbackEvent).sort()).toEqual([
      'DEPLOYMENT_FAILURE',
      'DEPLOYMENT_STOP_ON_ALARM',
      'DEPLOYMENT_STOP_ON_REQUEST',
    ]);
  });

  test('another alias can be named', () => {
    expect(functionReleaseSpec('f', { type: 'all-at-once' }, 'current').aliasName).toBe('current');
  });

  test('the routing is part of the config name, since CodeDeploy configs are immutable', () => {
    expect(routingSlug({ type: 'canary', percentage: 5, intervalMinutes: 15 })).toBe('canary-5pct-15m');
    expect(routingSlug({ type: 'linear', percentage: 10, intervalMinutes: 2 })).toBe('linear-10pct-every-2m');
    expect(routingSlug({ type: 'all-at-once' })).toBe('all-at-once');
    expect(functionReleaseSpec('f', { type: 'linear', percentage: 25, intervalMinutes: 3 }).deploymentConfigName).toBe(
      'f-linear-25pct-every-3m',
    );
  });
});

test('secret variables: a container gets the value under the name, a function the ARN under <name>_SECRET_ARN', () => {
  expect(secretArnVariable('DB_PASSWORD')).toBe('DB_PASSWORD_SECRET_ARN');
  expect(secretVariable('DB_PASSWORD', true)).toBe('DB_PASSWORD_SECRET_ARN');
  expect(secretVariable('DB_PASSWORD', false)).toBe('DB_PASSWORD');
});

test('the manual approval: "Approve" before a wave, "<stack>.Approve" between a change set and its execution', () => {
  expect(APPROVE).toBe('Approve');
  expect(approvalActionName()).toBe('Approve');
  expect(approvalActionName('checkout-prod')).toBe('checkout-prod.Approve');
});

test('the chat guardrail holds only the read-only CloudWatch actions a notification needs', () => {
  expect([...CHAT_NOTIFICATION_ACTIONS].sort()).toEqual([
    'cloudwatch:DescribeAlarmHistory',
    'cloudwatch:DescribeAlarms',
    'cloudwatch:GetMetricData',
  ]);
});
