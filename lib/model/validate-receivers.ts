import { formatPath, problem, type Problem } from './problems';
import { isProduction } from './private/resolve';
import type { ReceiversInput } from './receivers';

/** The parts of a (possibly partly parsed) definition the receiver rules read. */
export interface ReceiverCheckable {
  readonly service: string;
  readonly receivers?: ReceiversInput;
  readonly runbookBaseUrl?: string;
  readonly environments: readonly (
    { readonly name: string; readonly production?: boolean; readonly receivers?: ReceiversInput } | undefined
  )[];
}

/** Secrets Manager names: letters, digits and `/_+=.@-`, plus `{env}`. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@{}-]+$/;
/** Values that are credentials, not names: URLs, 32-hex keys (PagerDuty), UUIDs (Opsgenie), tokens. */
const CREDENTIAL_SHAPES = [
  /:\/\//,
  /^[0-9a-f]{32}$/i,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /\bxox[abpr]-/,
  /^(bearer|basic)\s/i,
];

const INLINE: Record<string, string> = {
  integrationKey: 'integrationKeySecret',
  apiKey: 'apiKeySecret',
  url: 'urlSecret',
  webhookUrl: 'webhookUrlSecret',
};

/**
 * Checks the receivers of a definition: credentials only by secret name, exactly one destination
 * per role, and a production environment that pages someone (or says why it does not) and links
 * its pages to a published runbook.
 */
export function checkReceivers(def: ReceiverCheckable): Problem[] {
  const problems: Problem[] = [];
  checkLayer(def.receivers, ['receivers'], problems);
  def.environments.forEach((env, i) => {
    if (!env) return;
    const at = ['environments', i, 'receivers'];
    checkLayer(env.receivers, at, problems);
    if (!isProduction(env as Parameters<typeof isProduction>[0])) return;
    const critical = env.receivers?.critical ?? def.receivers?.critical;
    const where = env.receivers?.critical ? at : ['receivers'];
    if (critical === undefined) {
      problems.push(
        problem(
          [...at, 'critical'],
          undefined,
          `production environment "${env.name}" pages nobody when a critical alarm fires; declare "receivers.critical" (pagerDuty, opsgenie or https, by Secrets Manager secret name) here or at the top of the definition, or "enabled: false" with a "reason" (listed under accepted risks)`,
        ),
      );
    } else if (critical.enabled !== false && def.runbookBaseUrl === undefined) {
      problems.push(
        problem(
          ['runbookBaseUrl'],
          undefined,
          `production environment "${env.name}" pages someone (${formatPath([...where, 'critical'])}), and a page must link to its runbook section; set "runbookBaseUrl" to where the rendered runbooks are published, e.g. "https://runbooks.example.com/${def.service}"`,
        ),
      );
    }
  });
  return problems;
}

function checkLayer(receivers: ReceiversInput | undefined, at: PropertyKey[], problems: Problem[]): void {
  if (!receivers) return;
  const { critical, warning, heartbeat } = receivers;
  if (critical) {
    const given = (['pagerDuty', 'opsgenie', 'https'] as const).filter((k) => critical[k] !== undefined);
    if (critical.enabled === false) {
      if (critical.reason === undefined) {
        problems.push(
          problem(
            [...at, 'critical', 'enabled'],
            false,
            'paging nobody needs a "reason" next to "enabled: false" (it is listed under accepted risks); or declare pagerDuty, opsgenie or https',
          ),
        );
      }
      if (given.length > 0) {
        problems.push(
          problem(
            [...at, 'critical', 'enabled'],
            false,
            `"${given[0]}" is declared but paging is off; remove "enabled: false" or "${given[0]}"`,
          ),
        );
      }
    } else {
      if (critical.reason !== undefined) {
        problems.push(problem([...at, 'critical', 'reason'], critical.reason, 'a reason is only needed with "enabled: false"; remove it'));
      }
      if (given.length !== 1) {
        problems.push(
          problem(
            [...at, 'critical'],
            given.length === 0 ? undefined : given.join(', '),
            'give exactly one of "pagerDuty", "opsgenie" or "https" (or "enabled: false" with a "reason")',
          ),
        );
      }
    }
    checkCredentials(critical.pagerDuty, [...at, 'critical', 'pagerDuty'], problems);
    checkCredentials(critical.opsgenie, [...at, 'critical', 'opsgenie'], problems);
    checkCredentials(critical.https, [...at, 'critical', 'https'], problems);
  }
  if (warning) {
    if ((warning.slack === undefined) === (warning.teams === undefined)) {
      problems.push(problem([...at, 'warning'], warning.slack ? 'slack, teams' : undefined, 'give exactly one of "slack" or "teams"'));
    }
    for (const kind of ['slack', 'teams'] as const) {
      const channel = warning[kind];
      if (!channel) continue;
      checkCredentials(channel, [...at, 'warning', kind], problems);
      // A Slack channel id is always given (Alertmanager posts to it too); the workspace makes it an AWS Chatbot channel.
      const chatbot = kind === 'slack' ? ['workspaceId'] : ['teamId', 'tenantId', 'channelId'];
      const record = channel as Record<string, unknown>;
      const some = chatbot.filter((k) => record[k] !== undefined);
      if (some.length > 0 && some.length < chatbot.length) {
        const missing = chatbot.find((k) => record[k] === undefined)!;
        problems.push(
          problem(
            [...at, 'warning', kind, missing],
            undefined,
            `AWS Chatbot needs ${chatbot.map((k) => `"${k}"`).join(', ')} together; add "${missing}"`,
          ),
        );
      }
      if (some.length === 0 && record.webhookUrlSecret === undefined) {
        problems.push(
          problem(
            [...at, 'warning', kind],
            undefined,
            `give the AWS Chatbot ids (${chatbot.map((k) => `"${k}"`).join(', ')}) for AWS, "webhookUrlSecret" for Kubernetes, or both`,
          ),
        );
      }
    }
  }
  if (heartbeat) checkCredentials(heartbeat, [...at, 'heartbeat'], problems);
}

/** Refuses credentials written inline, and secret names that are really the credential. */
function checkCredentials(fields: object | undefined, at: PropertyKey[], problems: Problem[]): void {
  if (!fields) return;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key in INLINE) {
      problems.push(
        problem(
          [...at, key],
          '<redacted>',
          `credentials are never written in a definition; store it in Secrets Manager and give the secret's name as "${INLINE[key]}", e.g. "checkout/{env}/pager"`,
        ),
      );
    } else if (key.endsWith('Secret') && typeof value === 'string') {
      if (CREDENTIAL_SHAPES.some((shape) => shape.test(value))) {
        problems.push(
          problem(
            [...at, key],
            '<redacted>',
            `this looks like the credential itself, not the name of a secret; store it in Secrets Manager and give the secret's name, e.g. "checkout/{env}/pager"`,
          ),
        );
      } else if (!SECRET_NAME.test(value)) {
        problems.push(
          problem(
            [...at, key],
            '<redacted>',
            'is not a Secrets Manager secret name; use letters, digits and /_+=.@- (and {env}), e.g. "checkout/{env}/pager"',
          ),
        );
      }
    }
  }
}
