import { PagerKind, type Receivers } from '../model/receivers';
import { AlarmSeverity } from '../plan/alarm-catalogue';
import type { RunbookCommand } from './command';

/** Who hears each kind of alarm, in words, and how to prove it: what a target's routing contributes. */
export interface PagingFacts {
  /** Who a critical alarm pages, e.g. "PagerDuty (on-call)"; absent when nobody is paged. */
  readonly critical?: string;
  /** Who hears a warning, e.g. "Slack channel C0123". */
  readonly warning?: string;
  /** Who hears the rollback trigger: on AWS an alarm on the critical topic; on Kubernetes an analysis that pages nobody. @default - as critical */
  readonly rollback?: string;
  /** Who hears the heartbeat (Watchdog), e.g. "healthchecks (pages when it stops)". */
  readonly heartbeat?: string;
  /** Commands that send a test page and show it arrived, per target. */
  readonly test: readonly RunbookCommand[];
}

/** Who hears an alarm of this severity, for the triage table. */
export function whoHears(paging: PagingFacts | undefined, severity: AlarmSeverity): string {
  if (!paging) return 'not declared (see receivers)';
  switch (severity) {
    case AlarmSeverity.WARNING:
      return paging.warning ?? 'nobody';
    case AlarmSeverity.ROLLBACK:
      return paging.rollback ?? paging.critical ?? `nobody paged${paging.warning ? `; ${paging.warning}` : ''}`;
    case AlarmSeverity.HEARTBEAT:
      return paging.heartbeat ?? 'nobody: declare receivers.heartbeat';
    default:
      // Critical alarms, the dead-man's switch and (on AWS) the rollback alarm page.
      return paging.critical ?? `nobody paged${paging.warning ? `; ${paging.warning}` : ''}`;
  }
}

/** The "Check that paging works" section: the test page commands, in a bash block each. */
export function renderPagingCheck(
  out: string[],
  paging: PagingFacts | undefined,
  steps: (commands: readonly RunbookCommand[]) => string[],
): void {
  if (!paging || paging.test.length === 0) return;
  out.push(
    '## Check that paging works',
    '',
    'Before the first release, after changing receivers, and every quarter: send a test page and confirm that it arrives where the triage table says.',
    '',
  );
  out.push(...steps(paging.test));
}

/** The paging facts of a tree: the first contributor's (one routing per runbook). */
export function mergePaging(all: readonly { readonly paging?: PagingFacts }[]): PagingFacts | undefined {
  return all.find((f) => f.paging)?.paging;
}

const PAGER_LABEL: Record<PagerKind, string> = {
  [PagerKind.PAGERDUTY]: 'PagerDuty',
  [PagerKind.OPSGENIE]: 'Opsgenie',
  [PagerKind.HTTPS]: 'the pager endpoint',
};

/** Who a service's receivers are, in words, on any target. */
export function receiverWords(receivers: Receivers): { critical?: string; warning?: string; heartbeat?: string } {
  const chat = receivers.warning;
  return {
    critical: receivers.critical ? `${PAGER_LABEL[receivers.critical.kind]} (on-call)` : undefined,
    warning: chat
      ? `${chat.kind === 'slack' ? 'Slack' : 'Microsoft Teams'} channel${chat.channelId ? ` \`${chat.channelId}\`` : ''}`
      : undefined,
    heartbeat: receivers.heartbeat ? `${receivers.heartbeat.service} (pages when it stops)` : undefined,
  };
}
