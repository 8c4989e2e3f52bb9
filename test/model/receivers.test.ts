import { DefinitionError, HeartbeatService, PagerKind, validateDefinition } from '../../lib/model';
import { PAGER, receiverDefinition } from './support-definition';

function problems(input: unknown): string[] {
  try {
    validateDefinition(input);
  } catch (err) {
    if (err instanceof DefinitionError) return err.problems.map((p) => p.message);
    throw err;
  }
  return [];
}

describe('receivers', () => {
  test('resolve per environment: the service default, {env} filled, an environment replacing a role', () => {
    const def = validateDefinition(
      receiverDefinition(
        {
          receivers: {
            ...PAGER,
            warning: { slack: { workspaceId: 'T0123', channelId: 'C0123', webhookUrlSecret: 'checkout/{env}/slack' } },
            heartbeat: { service: 'healthchecks', urlSecret: 'checkout/{env}/hc' },
          },
        },
        { receivers: { critical: { opsgenie: { apiKeySecret: 'checkout/prod/opsgenie' } } } },
      ),
    );
    expect(def.environments[0].receivers).toEqual({
      critical: { kind: PagerKind.PAGERDUTY, secretName: 'checkout/staging/pagerduty' },
      optOutReason: undefined,
      warning: { kind: 'slack', workspaceId: 'T0123', channelId: 'C0123', webhookUrlSecret: 'checkout/staging/slack' },
      heartbeat: { service: HeartbeatService.HEALTHCHECKS, urlSecret: 'checkout/staging/hc' },
    });
    expect(def.environments[1].receivers.critical).toEqual({ kind: PagerKind.OPSGENIE, secretName: 'checkout/prod/opsgenie' });
    expect(def.environments[1].receivers.warning?.channelId).toBe('C0123');
  });

  test('fails when a production environment pages nobody', () => {
    expect(problems(receiverDefinition())).toEqual([
      'environments[1].receivers.critical is missing; production environment "prod" pages nobody when a critical alarm fires; declare "receivers.critical" (pagerDuty, opsgenie or https, by Secrets Manager secret name) here or at the top of the definition, or "enabled: false" with a "reason" (listed under accepted risks)',
    ]);
  });

  test('accepts paging turned off with a reason, and keeps the reason for the accepted risks', () => {
    const reason = 'Internal tool; the team watches the channel in office hours';
    const def = validateDefinition(receiverDefinition({ receivers: { critical: { enabled: false, reason } } }));
    expect(def.environments[1].receivers).toMatchObject({ critical: undefined, optOutReason: reason });
  });

  test('fails when paging is off without a reason, or with a pager declared too', () => {
    expect(problems(receiverDefinition({ receivers: { critical: { enabled: false } } }))).toEqual([
      'receivers.critical.enabled is false; paging nobody needs a "reason" next to "enabled: false" (it is listed under accepted risks); or declare pagerDuty, opsgenie or https',
    ]);
    expect(
      problems(
        receiverDefinition({ receivers: { critical: { enabled: false, reason: 'long enough reason', https: { urlSecret: 'x/y' } } } }),
      ),
    ).toEqual(['receivers.critical.enabled is false; "https" is declared but paging is off; remove "enabled: false" or "https"']);
  });

  test('fails when a role names two destinations, or none', () => {
    expect(
      problems(
        receiverDefinition({ receivers: { critical: { pagerDuty: { integrationKeySecret: 'a/b' }, https: { urlSecret: 'c/d' } } } }),
      ),
    ).toEqual([
      'receivers.critical is "pagerDuty, https"; give exactly one of "pagerDuty", "opsgenie" or "https" (or "enabled: false" with a "reason")',
    ]);
    expect(problems(receiverDefinition({ receivers: { ...PAGER, warning: {} } }))).toEqual([
      'receivers.warning is missing; give exactly one of "slack" or "teams"',
    ]);
  });

  test('refuses a credential written inline, without echoing it', () => {
    const key = '0123456789abcdef0123456789abcdef';
    const found = problems(
      receiverDefinition({ receivers: { critical: { pagerDuty: { integrationKeySecret: 'a/b', integrationKey: key } } } }),
    );
    expect(found).toEqual([
      'receivers.critical.pagerDuty.integrationKey is "<redacted>"; credentials are never written in a definition; store it in Secrets Manager and give the secret\'s name as "integrationKeySecret", e.g. "checkout/{env}/pager"',
    ]);
    expect(found.join('\n')).not.toContain(key);
  });

  test.each([
    ['a PagerDuty key', '0123456789abcdef0123456789abcdef'],
    ['a webhook URL', 'https://hooks.slack.com/services/T000/B000/XXXX'],
    ['an Opsgenie key', '3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
  ])('refuses %s given where the secret name goes, without echoing it', (_, value) => {
    const found = problems(receiverDefinition({ receivers: { critical: { https: { urlSecret: value } } } }));
    expect(found).toEqual([
      'receivers.critical.https.urlSecret is "<redacted>"; this looks like the credential itself, not the name of a secret; store it in Secrets Manager and give the secret\'s name, e.g. "checkout/{env}/pager"',
    ]);
    expect(found.join('\n')).not.toContain(value);
  });

  test('fails when production pages someone and the pages cannot link to a published runbook', () => {
    const def = receiverDefinition({ receivers: PAGER });
    delete def.runbookBaseUrl;
    expect(problems(def)).toEqual([
      'runbookBaseUrl is missing; production environment "prod" pages someone (receivers.critical), and a page must link to its runbook section; set "runbookBaseUrl" to where the rendered runbooks are published, e.g. "https://runbooks.example.com/checkout"',
    ]);
  });

  test('fails when the AWS Chatbot ids are half given, or a channel has no way in at all', () => {
    expect(problems(receiverDefinition({ receivers: { ...PAGER, warning: { slack: { channelId: 'C0123' } } } }))).toEqual([
      'receivers.warning.slack is missing; give the AWS Chatbot ids ("workspaceId") for AWS, "webhookUrlSecret" for Kubernetes, or both',
    ]);
    expect(
      problems(
        receiverDefinition({
          receivers: {
            ...PAGER,
            warning: { teams: { teamId: '5f0c2a1e-8d3b-4c6a-9e7f-1a2b3c4d5e6f', channelId: '19%3Aa%40thread.tacv2' } },
          },
        }),
      ),
    ).toEqual([
      'receivers.warning.teams.tenantId is missing; AWS Chatbot needs "teamId", "tenantId", "channelId" together; add "tenantId"',
    ]);
  });

  test('fails on a Teams channel id as shown in the app rather than URL-encoded', () => {
    expect(
      problems(
        receiverDefinition({ receivers: { ...PAGER, warning: { teams: { webhookUrlSecret: 'a/b', channelId: '19:abc@thread.tacv2' } } } }),
      )[0],
    ).toMatch(
      /^receivers\.warning\.teams\.channelId is "19:abc@thread.tacv2"; it is not a Teams channel id as AWS Chatbot takes it: URL-encoded/,
    );
  });
});
