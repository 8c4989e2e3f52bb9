import { checkReceivers } from '../../lib/model/validate-receivers';
import { problemsOf, PAGER, receiverDefinition } from './support-definition';

describe('each layer of receivers is checked for what it gives', () => {
  test('an environment giving only a warning channel, or only a heartbeat, keeps the service-wide pager', () => {
    expect(
      problemsOf(receiverDefinition({ receivers: PAGER }, { receivers: { warning: { teams: { webhookUrlSecret: 'c/d' } } } })),
    ).toEqual([]);
    expect(
      problemsOf(receiverDefinition({ receivers: PAGER }, { receivers: { heartbeat: { service: 'healthchecks', urlSecret: 'e/f' } } })),
    ).toEqual([]);
  });

  test('a Teams channel with no way in names all three AWS Chatbot ids', () => {
    // AWS Chatbot's Teams channel configuration takes TeamId, TenantId and ChannelId
    // (https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateMicrosoftTeamsChannelConfiguration.html).
    expect(problemsOf(receiverDefinition({ receivers: { ...PAGER, warning: { teams: {} } } }))).toEqual([
      'receivers.warning.teams is missing; give the AWS Chatbot ids ("teamId", "tenantId", "channelId") for AWS, "webhookUrlSecret" for Kubernetes, or both',
    ]);
  });
});

describe('checkReceivers on a partly parsed definition', () => {
  const only = (receivers: unknown) =>
    checkReceivers({ service: 'checkout', receivers: receivers as never, environments: [] }).map((p) => p.message);

  test('a field left undefined (a TypeScript definition spreading optional values) is not an inline credential', () => {
    expect(only({ critical: { opsgenie: { apiKeySecret: 'a/b', apiKey: undefined } } })).toEqual([]);
  });

  test("a secret name that is not a string is left to the schema's type check, not reported again", () => {
    expect(only({ critical: { https: { urlSecret: { name: 'a/b' } } } })).toEqual([]);
  });
});
