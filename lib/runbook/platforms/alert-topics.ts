import type { Receivers } from '../../model/receivers';
import type { AwsCli } from '../aws-cli';
import type { RunbookCommand, RunbookFacts } from '../facts';
import { receiverWords, type PagingFacts } from '../paging';

/** What the AWS targets know about their alert routing, for `awsPagingFacts`. */
export interface AwsPagingInput {
  readonly receivers: Receivers;
  /** Topic names, e.g. `checkout-prod-critical`. */
  readonly topics: { readonly critical: string; readonly warning: string };
  /** Names of the alarms that publish to each topic. */
  readonly alarms: { readonly critical: readonly string[]; readonly warning: readonly string[] };
  /** The AWS CLI of the environment's region. */
  readonly aws: AwsCli;
}

/**
 * Paging facts of the AWS targets: a test page puts a real alarm in ALARM by hand
 * (`set-alarm-state`), so CloudWatch publishes through the same topic policy, key and subscription
 * as a real one; the alarm's action history shows whether the publish succeeded.
 * @see https://docs.aws.amazon.com/cli/latest/reference/cloudwatch/set-alarm-state.html
 */
export function awsPagingFacts(input: AwsPagingInput): PagingFacts {
  const { receivers, topics, alarms, aws } = input;
  const words = receiverWords(receivers);
  const test: RunbookCommand[] = [];
  const page = (alarm: string, topic: string, who: string) => {
    test.push(
      {
        description: `Send a test page: put \`${alarm}\` in ALARM by hand${topic === topics.warning || alarm.endsWith('-dead-mans-switch') ? ' (it rolls nothing back)' : ' (not during a release: it rolls a deployment back)'}`,
        command: aws`cloudwatch set-alarm-state --alarm-name ${alarm} --state-value ALARM --state-reason "Paging test from the runbook"`,
        expected: `${who} hears about ${alarm} within a minute; at its next evaluation the alarm returns to its real state and the OK notification resolves it`,
      },
      {
        description: `Check that CloudWatch could publish the test page to \`${topic}\``,
        command: aws`cloudwatch describe-alarm-history --alarm-name ${alarm} --history-item-type Action --max-records 2 --query 'AlarmHistoryItems[].HistorySummary' --output text`,
        expected: `"Successfully executed action arn:…:${topic}"; "Failed to execute action" means the topic policy or its key refused CloudWatch`,
      },
    );
  };
  // The dead-man's switch pages like any critical alarm but rolls nothing back and stops no
  // feature-flag deployment: a test page through it is harmless, even during a release.
  const critical = alarms.critical.find((a) => a.endsWith('-dead-mans-switch')) ?? alarms.critical[0];
  if (critical) page(critical, topics.critical, words.critical ?? words.warning ?? 'nobody (paging is off)');
  const warning = alarms.warning[0];
  if (warning && words.warning) page(warning, topics.warning, words.warning);
  return { ...words, test };
}

/** What the alert topics' runbook text needs: names, receivers and who publishes, no constructs. */
export interface AlertTopicsRunbookInput {
  readonly namePrefix: string;
  readonly receivers?: Receivers;
  /** Names of the alarms that publish to each topic. */
  readonly alarms: { readonly critical: readonly string[]; readonly warning: readonly string[] };
  readonly aws: AwsCli;
}

const PAGER_NAMES = { pagerduty: 'PagerDuty', opsgenie: 'Opsgenie', https: 'an HTTPS endpoint' } as const;

/** The alert topics: where alarms go, who is subscribed, and how to send a test page. */
export function alertTopicsRunbookFacts(input: AlertTopicsRunbookInput): RunbookFacts {
  const p = input.namePrefix;
  const topics = { critical: `${p}-critical`, warning: `${p}-warning` };
  const r = input.receivers;
  const watch = [`Critical alarms page through SNS topic \`${topics.critical}\`; warnings notify through \`${topics.warning}\`.`];
  if (r?.critical) {
    watch.push(
      `Critical alarms page through ${PAGER_NAMES[r.critical.kind]}: function \`${p}-pager\` (subscribed to \`${topics.critical}\`) reads the key from Secrets Manager secret \`${r.critical.secretName}\` and forwards each notification; its log group \`/aws/lambda/${p}-pager\` shows every forward.`,
    );
  }
  if (r?.warning) {
    watch.push(
      `${r.critical ? 'Warnings' : 'Warnings and critical alarms'} reach ${r.warning.kind === 'slack' ? 'Slack' : 'Microsoft Teams'} channel \`${r.warning.channelId}\` through AWS Chatbot configuration \`${p}-alerts\` (read-only guardrail \`${p}-chat-guardrail\`).`,
    );
  }
  return {
    watch,
    resources: [
      { type: 'AWS::SNS::Topic', name: topics.critical },
      { type: 'AWS::SNS::Topic', name: topics.warning },
    ],
    ...(r ? { paging: awsPagingFacts({ receivers: r, topics, alarms: input.alarms, aws: input.aws }) } : {}),
  };
}
