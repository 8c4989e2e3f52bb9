import { checkReceivers } from '../../lib/model/validate-receivers';
import { problemsOf } from './support-definition';

/** A container service with a prod environment; `extra` fields go at the top of the definition. */
function definition(extra: Record<string, unknown> = {}, prod: Record<string, unknown> = {}): any {
  return {
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    workload: { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    runbookBaseUrl: 'https://runbooks.example.com/checkout',
    ...extra,
    environments: [
      { name: 'staging', rollout: { strategy: 'rolling' } },
      { name: 'prod', rollout: { strategy: 'rolling' }, ...prod },
    ],
  };
}

const PAGER = { critical: { pagerDuty: { integrationKeySecret: 'checkout/{env}/pagerduty' } } };

describe('each layer of receivers is checked for what it gives', () => {
  test('an environment giving only a warning channel, or only a heartbeat, keeps the service-wide pager', () => {
    expect(problemsOf(definition({ receivers: PAGER }, { receivers: { warning: { teams: { webhookUrlSecret: 'c/d' } } } }))).toEqual([]);
    expect(
      problemsOf(definition({ receivers: PAGER }, { receivers: { heartbeat: { service: 'healthchecks', urlSecret: 'e/f' } } })),
    ).toEqual([]);
  });

  test('a Teams channel with no way in names all three AWS Chatbot ids', () => {
    // AWS Chatbot's Teams channel configuration takes TeamId, TenantId and ChannelId
    // (https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateMicrosoftTeamsChannelConfiguration.html).
    expect(problemsOf(definition({ receivers: { ...PAGER, warning: { teams: {} } } }))).toEqual([
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
