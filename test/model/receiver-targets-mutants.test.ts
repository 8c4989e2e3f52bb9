/**
 * What each target needs of the receivers (lib/model/validate/receiver-targets.ts), through
 * `validateDefinition` with the target rules, on small definitions built in each test. The ids come
 * from AWS Chatbot's channel configurations: Slack takes SlackWorkspaceId and SlackChannelId
 * (https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateSlackChannelConfiguration.html),
 * Teams takes TeamId, TenantId and ChannelId
 * (https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateMicrosoftTeamsChannelConfiguration.html);
 * Alertmanager's slack_config and msteams_config post to the channel's webhook URL
 * (https://prometheus.io/docs/alerting/latest/configuration/#slack_config).
 */
import { DefinitionError, validateDefinition } from '../../lib/model';
import { PAGER, receiverDefinition } from './support-definition';

/** The messages of the receiver problems (and the region problems they cause) the target rules find. */
function receiverProblems(input: unknown): string[] {
  try {
    validateDefinition(input, { targetRules: true });
    return [];
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    return err.problems.map((p) => p.message).filter((m) => /receivers|SecretStore/.test(m));
  }
}

const SLACK_AWS = { workspaceId: 'T0123', channelId: 'C0123' };
const TEAMS_AWS = {
  teamId: '00000000-0000-0000-0000-000000000001',
  tenantId: '00000000-0000-0000-0000-000000000002',
  channelId: '19%3Aabc%40thread.tacv2',
};
/** Every environment in one region, so only the receivers are judged. */
const inRegion = (def: any): any => {
  def.environments.forEach((e: any) => (e.region = 'eu-west-1'));
  return def;
};
const functionWorkload = (def: any): any => {
  def.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: '.' } };
  def.environments.forEach((e: any) => (e.rollout = { strategy: 'canary' }));
  return def;
};

describe('AWS: a chat channel needs the ids AWS Chatbot takes', () => {
  test('a Slack channel with a channel id and a webhook only (the schema requires the channel id): the workspace id, at the environment that writes it', () => {
    const def = inRegion(
      receiverDefinition({ receivers: PAGER }, { receivers: { warning: { slack: { channelId: 'C0123', webhookUrlSecret: 'c/d' } } } }),
    );
    expect(receiverProblems(def)).toEqual([
      'environments[1].receivers.warning.slack.workspaceId is missing; on AWS warnings reach the Slack channel through AWS Chatbot, which needs "workspaceId", "channelId"; add "workspaceId" (the ids of the channel authorized in AWS Chatbot)',
    ]);
  });

  test('a Teams channel with a webhook only: the team, tenant and channel ids, at the environment that writes it', () => {
    const def = inRegion(receiverDefinition({ receivers: PAGER }, { receivers: { warning: { teams: { webhookUrlSecret: 'c/d' } } } }));
    expect(receiverProblems(def)).toEqual([
      'environments[1].receivers.warning.teams.teamId is missing; on AWS warnings reach the Teams channel through AWS Chatbot, which needs "teamId", "tenantId", "channelId"; add "teamId", "tenantId", "channelId" (the ids of the channel authorized in AWS Chatbot)',
    ]);
  });

  test('a function service needs the AWS Chatbot ids too, but no webhook', () => {
    const def = inRegion(
      functionWorkload(receiverDefinition({ receivers: { ...PAGER, warning: { teams: { webhookUrlSecret: 'a/b' } } } })),
    );
    expect(receiverProblems(def)).toEqual([
      'receivers.warning.teams.teamId is missing; on AWS warnings reach the Teams channel through AWS Chatbot, which needs "teamId", "tenantId", "channelId"; add "teamId", "tenantId", "channelId" (the ids of the channel authorized in AWS Chatbot)',
    ]);
    const complete = inRegion(functionWorkload(receiverDefinition({ receivers: { ...PAGER, warning: { slack: SLACK_AWS } } })));
    expect(receiverProblems(complete)).toEqual([]);
  });

  test('channels with every id and a webhook are accepted on both targets', () => {
    expect(
      receiverProblems(
        inRegion(receiverDefinition({ receivers: { ...PAGER, warning: { slack: { ...SLACK_AWS, webhookUrlSecret: 'a/b' } } } })),
      ),
    ).toEqual([]);
    expect(
      receiverProblems(
        inRegion(receiverDefinition({ receivers: { ...PAGER, warning: { teams: { ...TEAMS_AWS, webhookUrlSecret: 'a/b' } } } })),
      ),
    ).toEqual([]);
  });
});

describe('Kubernetes: Alertmanager posts to the webhook, and reads credentials in the environment region', () => {
  test('a Slack channel with the AWS ids only: the webhook secret, named after the service and kind', () => {
    const def = inRegion(receiverDefinition({ receivers: { ...PAGER, warning: { slack: SLACK_AWS } } }));
    expect(receiverProblems(def)).toEqual([
      `receivers.warning.slack.webhookUrlSecret is missing; on Kubernetes Alertmanager posts warnings to the channel's incoming webhook; store its URL in Secrets Manager and name the secret, e.g. "checkout/{env}/slack-webhook-url"`,
    ]);
  });

  test('a Teams channel of one environment with the AWS ids only: at that environment, named teams', () => {
    const def = inRegion(receiverDefinition({ receivers: PAGER }, { receivers: { warning: { teams: TEAMS_AWS } } }));
    expect(receiverProblems(def)).toEqual([
      `environments[1].receivers.warning.teams.webhookUrlSecret is missing; on Kubernetes Alertmanager posts warnings to the channel's incoming webhook; store its URL in Secrets Manager and name the secret, e.g. "checkout/{env}/teams-webhook-url"`,
    ]);
  });

  test('credentials without a region: each environment names its own secrets; not for a function, nor with a region', () => {
    const def = receiverDefinition({ receivers: PAGER });
    def.environments[1].region = 'eu-west-1';
    expect(receiverProblems(def)).toEqual([
      `environments[0].region is missing; on Kubernetes Alertmanager of "staging" reads the receivers' credentials ("checkout/staging/pagerduty") from Secrets Manager through the SecretStore, which must name their AWS region; set "region", e.g. "eu-west-1"`,
    ]);
    expect(receiverProblems(functionWorkload(receiverDefinition({ receivers: PAGER })))).toEqual([]);
    expect(receiverProblems(inRegion(receiverDefinition({ receivers: PAGER })))).toEqual([]);
  });

  test('no credentials, no region needed: a disabled pager', () => {
    const def = receiverDefinition({ receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } } });
    expect(receiverProblems(def)).toEqual([]);
  });
});
