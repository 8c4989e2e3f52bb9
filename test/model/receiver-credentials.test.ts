import { DefinitionError, validateDefinition } from '../../lib/model';
import { PAGER, receiverDefinition } from './support-definition';

const LOOKS_LIKE =
  'this looks like the credential itself, not the name of a secret; store it in Secrets Manager and give the secret\'s name, e.g. "checkout/{env}/pager"';
const NOT_A_NAME = 'is not a Secrets Manager secret name; use letters, digits and /_+=.@- (and {env}), e.g. "checkout/{env}/pager"';

function problems(input: unknown): string[] {
  try {
    validateDefinition(input);
  } catch (err) {
    if (err instanceof DefinitionError) return err.problems.map((p) => p.message);
    throw err;
  }
  return [];
}

const withUrlSecret = (urlSecret: string) => problems(receiverDefinition({ receivers: { critical: { https: { urlSecret } } } }));

describe('credentials are referenced by Secrets Manager name, never written', () => {
  test.each([
    ['a Slack bot token', 'xoxb-1234-5678-abcd'],
    ['a Slack app token inside a name', 'prefix-xoxp-99'],
    ['a bearer header', 'Bearer abc.def'],
    ['a basic header, any case', 'basic dXNlcjpwYXNz'],
    ['a PagerDuty key in capitals', '0123456789ABCDEF0123456789ABCDEF'],
    ['an Opsgenie key in capitals', '3F2B1C4D-5E6F-4A7B-8C9D-0E1F2A3B4C5D'],
    ['a URL of any scheme', 'sftp://host/path'],
  ])('refuses %s where the secret name goes', (_, value) => {
    expect(withUrlSecret(value)).toEqual([`receivers.critical.https.urlSecret is "<redacted>"; ${LOOKS_LIKE}`]);
  });

  test.each([
    ['every character Secrets Manager allows, and {env}', 'team_a/{env}/pager+1=x.y@z-w'],
    ['31 hex digits (not a PagerDuty key)', '0123456789abcdef0123456789abcde'],
    ['a 32-hex-digit suffix of a longer name', 'pager/0123456789abcdef0123456789abcdef'],
    ['a name that merely mentions bearer', 'bearer-token-secret'],
  ])('accepts %s', (_, value) => {
    expect(withUrlSecret(value)).toEqual([]);
  });

  test.each([
    ['a space', 'checkout pager'],
    ['a hash', 'checkout#pager'],
  ])('refuses a secret name with %s', (_, value) => {
    expect(withUrlSecret(value)).toEqual([`receivers.critical.https.urlSecret is "<redacted>"; ${NOT_A_NAME}`]);
  });

  test('inline Opsgenie, Slack and heartbeat credentials each name the field to use instead', () => {
    const found = problems(
      receiverDefinition({
        receivers: {
          critical: { opsgenie: { apiKeySecret: 'a/b', apiKey: 'k' } },
          warning: { slack: { channelId: 'C1', webhookUrlSecret: 'c/d', webhookUrl: 'https://hooks.slack.com/x' } },
          heartbeat: { service: 'healthchecks', urlSecret: 'e/f', url: 'https://hc-ping.com/x' },
        },
      }),
    );
    expect(found).toEqual([
      'receivers.critical.opsgenie.apiKey is "<redacted>"; credentials are never written in a definition; store it in Secrets Manager and give the secret\'s name as "apiKeySecret", e.g. "checkout/{env}/pager"',
      'receivers.warning.slack.webhookUrl is "<redacted>"; credentials are never written in a definition; store it in Secrets Manager and give the secret\'s name as "webhookUrlSecret", e.g. "checkout/{env}/pager"',
      'receivers.heartbeat.url is "<redacted>"; credentials are never written in a definition; store it in Secrets Manager and give the secret\'s name as "urlSecret", e.g. "checkout/{env}/pager"',
    ]);
  });

  test("a heartbeat's secret name is checked like a pager's", () => {
    expect(
      problems(
        receiverDefinition({ receivers: { ...PAGER, heartbeat: { service: 'healthchecks', urlSecret: 'https://hc-ping.com/abc' } } }),
      ),
    ).toEqual([`receivers.heartbeat.urlSecret is "<redacted>"; ${LOOKS_LIKE}`]);
  });
});

describe('one destination per role, and production pages someone with a runbook link', () => {
  test('a reason without "enabled: false" is refused', () => {
    expect(
      problems(receiverDefinition({ receivers: { critical: { ...PAGER.critical, reason: 'the team watches the channel' } } })),
    ).toEqual(['receivers.critical.reason is "the team watches the channel"; a reason is only needed with "enabled: false"; remove it']);
  });

  test('no pager at all is refused without naming one', () => {
    expect(problems(receiverDefinition({ receivers: { critical: {} } }))).toEqual([
      'receivers.critical is missing; give exactly one of "pagerDuty", "opsgenie" or "https" (or "enabled: false" with a "reason")',
    ]);
  });

  test('both Slack and Teams for warnings is refused, naming both', () => {
    expect(
      problems(
        receiverDefinition({
          receivers: { ...PAGER, warning: { slack: { channelId: 'C1', webhookUrlSecret: 'a/b' }, teams: { webhookUrlSecret: 'c/d' } } },
        }),
      ),
    ).toEqual(['receivers.warning is "slack, teams"; give exactly one of "slack" or "teams"']);
  });

  test('a Slack channel with a workspace, or a Teams channel with only a webhook, is enough', () => {
    expect(problems(receiverDefinition({ receivers: { ...PAGER, warning: { slack: { workspaceId: 'T1', channelId: 'C1' } } } }))).toEqual(
      [],
    );
    expect(problems(receiverDefinition({ receivers: { ...PAGER, warning: { teams: { webhookUrlSecret: 'c/d' } } } }))).toEqual([]);
  });

  test("an environment's own pager is named when the runbook link is missing", () => {
    const def = receiverDefinition({}, { receivers: PAGER });
    delete def.runbookBaseUrl;
    expect(problems(def)).toEqual([
      'runbookBaseUrl is missing; production environment "prod" pages someone (environments[1].receivers.critical), and a page must link to its runbook section; set "runbookBaseUrl" to where the rendered runbooks are published, e.g. "https://runbooks.example.com/checkout"',
    ]);
  });

  test('production with paging off (and a reason) needs no runbook link', () => {
    const def = receiverDefinition({ receivers: { critical: { enabled: false, reason: 'Internal tool; office hours only' } } });
    delete def.runbookBaseUrl;
    expect(problems(def)).toEqual([]);
  });

  test("an environment's own receivers are checked at its own path", () => {
    expect(problems(receiverDefinition({ receivers: PAGER }, { receivers: { critical: { enabled: false } } }))).toEqual([
      'environments[1].receivers.critical.enabled is false; paging nobody needs a "reason" next to "enabled: false" (it is listed under accepted risks); or declare pagerDuty, opsgenie or https',
    ]);
  });
});
