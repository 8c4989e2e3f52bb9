/**
 * Read-only CloudWatch actions AWS Chatbot needs to render an alarm notification (its graph and
 * history). On every target the chat channel's role and its guardrail hold only these, so nobody in
 * the channel can change anything through chat: a guardrail caps what any chat user may do.
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/chatbot-iam-policies.html
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/understanding-permissions.html#channel-guardrails
 */
export const CHAT_NOTIFICATION_ACTIONS: readonly string[] = [
  'cloudwatch:DescribeAlarms',
  'cloudwatch:DescribeAlarmHistory',
  'cloudwatch:GetMetricData',
];
