/**
 * What each target needs of the receivers to deliver alerts, checked by `glidepath validate` so that
 * it refuses what synthesis would (issue "validate equals synth"), at the line where the receiver
 * is written:
 *
 * - AWS delivers warnings to chat through AWS Chatbot, which needs the workspace (Slack) or the
 *   tenant (Teams) and the channel id (constructs/aws/private/alert-subscriptions.ts);
 * - Kubernetes Alertmanager posts to the channel's incoming webhook, whose URL it reads from
 *   Secrets Manager (constructs/k8s/alertmanager-routing.ts), and reading any receiver credential
 *   needs the environment's region (constructs/k8s/deployment-chart.ts, the SecretStore).
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/slack-setup.html
 * @see https://prometheus.io/docs/alerting/latest/configuration/#slack_config
 */
import type { EnvironmentDefinition } from '../environment';
import { problem, type Problem } from '../problems';
import { receiverSecrets } from '../receivers';
import type { Parsed } from './checkable';

/** `receivers.<field>` of environment `i`: its own when it writes that receiver, else the service's (an environment's receivers override per receiver). */
function receiverPath(parsed: Parsed, i: number, receiver: string, ...field: PropertyKey[]): PropertyKey[] {
  const own = (parsed.environments[i] as { receivers?: Record<string, unknown> } | undefined)?.receivers?.[receiver];
  return own !== undefined ? ['environments', i, 'receivers', receiver, ...field] : ['receivers', receiver, ...field];
}

/** The receiver problems of environment `i` of `service`; `container` says whether the Kubernetes target renders it. */
export function receiverTargetProblems(
  service: string,
  env: EnvironmentDefinition,
  i: number,
  parsed: Parsed,
  container: boolean,
): Problem[] {
  const problems: Problem[] = [];
  const chat = env.receivers.warning;
  if (chat && (chat.channelId === undefined || (chat.kind === 'slack' ? chat.workspaceId : chat.tenantId) === undefined)) {
    const ids = chat.kind === 'slack' ? ['workspaceId', 'channelId'] : ['teamId', 'tenantId', 'channelId'];
    const missing = ids.filter((id) => (chat as unknown as Record<string, unknown>)[id] === undefined);
    problems.push(
      problem(
        receiverPath(parsed, i, 'warning', chat.kind, missing[0]),
        undefined,
        `on AWS warnings reach the ${chat.kind === 'slack' ? 'Slack' : 'Teams'} channel through AWS Chatbot, which needs ${ids.map((id) => `"${id}"`).join(', ')}; add ${missing.map((id) => `"${id}"`).join(', ')} (the ids of the channel authorized in AWS Chatbot)`,
      ),
    );
  }
  if (!container) return problems;
  if (chat && chat.webhookUrlSecret === undefined) {
    problems.push(
      problem(
        receiverPath(parsed, i, 'warning', chat.kind, 'webhookUrlSecret'),
        undefined,
        `on Kubernetes Alertmanager posts warnings to the channel's incoming webhook; store its URL in Secrets Manager and name the secret, e.g. "${service}/{env}/${chat.kind}-webhook-url"`,
      ),
    );
  }
  const credentials = receiverSecrets(env.receivers);
  // With secrets of its own, the environment's missing region is already reported (targets.ts).
  if (credentials.length > 0 && !env.region && env.secrets.length === 0) {
    problems.push(
      problem(
        ['environments', i, 'region'],
        undefined,
        `on Kubernetes Alertmanager of "${env.name}" reads the receivers' credentials (${credentials.map((c) => `"${c.secretName}"`).join(', ')}) from Secrets Manager through the SecretStore, which must name their AWS region; set "region", e.g. "eu-west-1"`,
      ),
    );
  }
  return problems;
}
