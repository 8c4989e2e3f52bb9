import type { AwsCall } from '../aws-command-model';
import type { Evidence } from '../screen';
import { Fail, iso, type Clock, type Resource, type Templates } from './templates';

/**
 * Alarms of the other services of the account in every region: what `describe-alarms` without
 * names or prefix also lists. The shared database the service depends on has been in ALARM since
 * just before the incident's errors began; a team silenced its staging alarms for maintenance.
 */
const OTHER_ALARMS: readonly { name: string; state: 'OK' | 'ALARM'; since: number; actionsEnabled: boolean }[] = [
  { name: 'orders-db-prod-cpu', state: 'ALARM', since: -1560, actionsEnabled: true },
  ...['orders', 'inventory', 'search', 'shipping', 'identity', 'notifications'].flatMap((svc) =>
    ['prod', 'staging'].flatMap((env) =>
      ['error-rate', 'latency-p99', 'cpu', 'memory', '5xx'].map((metric) => ({
        name: `${svc}-${env}-${metric}`,
        state: 'OK' as const,
        since: -2 * 86400,
        actionsEnabled: !(svc === 'search' && env === 'staging'),
      })),
    ),
  ),
];

/** What the reader of "What changed?" must see: the dependency in ALARM. */
export const DEPENDENCY_ALARM = OTHER_ALARMS[0].name;

/**
 * The incident of an alarm that pages now: the errors began 25 minutes ago (logs plane,
 * FIRST_ERROR_AT) and the alarm flapped: ALARM 22, 16 and 11 minutes ago, OK between.
 */
const INCIDENT_TRANSITIONS: readonly (readonly [number, string])[] = [
  [-1320, 'ALARM'],
  [-1140, 'OK'],
  [-960, 'ALARM'],
  [-840, 'OK'],
  [-660, 'ALARM'],
];

/**
 * CloudWatch alarms: state, whether their actions are enabled, and history.
 * `disable-alarm-actions` keeps the state visible but sends nothing: nobody is paged until
 * `enable-alarm-actions` (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DisableAlarmActions.html).
 * `set-alarm-state` (--alarm-name, --state-value and --state-reason required) sets the state for a
 * moment and runs the actions of that state like a real transition, if they are enabled; the next
 * evaluation returns the alarm to its real state
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html): the
 * runbook's paging test. The model records the transition and the action in the alarm's history.
 * Alarm evaluation itself is modelled in test/aws/support/cloudwatch-alarm-simulator.ts; here the
 * incident decides which alarms are in ALARM.
 */
export class AlarmsPlane {
  private readonly actions = new Map<string, boolean>();
  /** Seconds each alarm's actions were disabled, summed, and since when they are disabled now. */
  private readonly disabledSince = new Map<string, number>();
  /** History items written by `set-alarm-state`, newest last. */
  private readonly history: { AlarmName: string; Timestamp: string; HistoryItemType: string; HistorySummary: string }[] = [];

  constructor(
    private readonly t: Templates,
    private readonly clock: Clock,
    /** Alarms in ALARM: the incident the runbook is followed for. */
    public firing: string[],
  ) {}

  public actionsEnabled(name: string): boolean {
    return this.actions.get(name) ?? true;
  }

  /** Alarms whose actions are disabled now: nobody would be paged by them. */
  public silenced(): string[] {
    return [...this.actions].filter(([, on]) => !on).map(([n]) => n);
  }

  public inAlarm(name: string | undefined): boolean {
    return name !== undefined && this.firing.includes(name);
  }

  /**
   * An alarm's history before the drill, oldest first: created 30 days ago, a transition to ALARM
   * and back every 12 hours (a warning that flaps at the nightly peak), each running the alarm's
   * actions (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions),
   * and, for an alarm that pages now, the incident (INCIDENT_TRANSITIONS).
   * CloudWatch keeps 30 days of alarm history.
   */
  private pastHistory(
    name: string,
    props: Record<string, unknown>,
    arnOf: (action: unknown) => string,
  ): { AlarmName: string; Timestamp: string; HistoryItemType: string; HistorySummary: string; HistoryData?: string }[] {
    const items: { AlarmName: string; Timestamp: string; HistoryItemType: string; HistorySummary: string; HistoryData?: string }[] = [];
    const actions = (state: string) => ((props[`${state === 'OK' ? 'OK' : 'Alarm'}Actions`] as unknown[] | undefined) ?? []).map(arnOf);
    const transition = (at: number, from: string, to: string) => {
      items.push({
        AlarmName: name,
        Timestamp: iso(at),
        HistoryItemType: 'StateUpdate',
        HistorySummary: `Alarm updated from ${from} to ${to}`,
        HistoryData: JSON.stringify({
          version: '1.0',
          oldState: { stateValue: from },
          newState: {
            stateValue: to,
            stateReason:
              to === 'ALARM'
                ? `Threshold Crossed: 3 out of the last 3 datapoints [6.1 (${iso(at - 60).slice(0, 16)}), 5.8, 5.4] were greater than or equal to the threshold.`
                : 'Threshold Crossed: no datapoint breached the threshold.',
          },
        }),
      });
      for (const a of actions(to))
        items.push({
          AlarmName: name,
          Timestamp: iso(at + 1),
          HistoryItemType: 'Action',
          HistorySummary: `Successfully executed action ${a}`,
        });
    };
    items.push({
      AlarmName: name,
      Timestamp: iso(-30 * 86400),
      HistoryItemType: 'ConfigurationUpdate',
      HistorySummary: `Alarm "${name}" created`,
    });
    for (let at = -30 * 86400 + 3600; at < -3 * 3600; at += 12 * 3600) {
      transition(at, 'OK', 'ALARM');
      transition(at + 600, 'ALARM', 'OK');
    }
    items.push({
      AlarmName: name,
      Timestamp: iso(-2 * 3600),
      HistoryItemType: 'ConfigurationUpdate',
      HistorySummary: `Alarm "${name}" updated`,
    });
    if (this.inAlarm(name)) for (const [at, to] of INCIDENT_TRANSITIONS) transition(at, to === 'ALARM' ? 'OK' : 'ALARM', to);
    return items;
  }

  /** What the reader must see of an alarm that pages now: each transition to ALARM of the incident; the dependency in ALARM. */
  public evidence(): Evidence[] {
    const dependency: Evidence = {
      reads: (argv) => argv[0] === 'cloudwatch' && argv[1] === 'describe-alarms' && !argv.includes('--alarm-names'),
      what: 'the dependency in ALARM',
      mustShow: [DEPENDENCY_ALARM],
      sections: /^What changed/,
    };
    return [
      dependency,
      ...this.firing.map((name) => ({
        reads: (argv: readonly string[]) =>
          argv[0] === 'cloudwatch' &&
          argv[1] === 'describe-alarm-history' &&
          argv.includes(name) &&
          !['Action', 'ConfigurationUpdate'].includes(argv[argv.indexOf('--history-item-type') + 1]),
        what: `the transitions of ${name} to ALARM`,
        mustShow: INCIDENT_TRANSITIONS.filter(([, to]) => to === 'ALARM').map(([at]) => iso(at)),
      })),
    ];
  }

  /** An alarm action as CloudWatch records it: the topic's ARN (a `Ref` to a topic of the stack resolved). */
  private actionArn(alarm: Resource, action: unknown): string {
    if (typeof action === 'string') return action;
    const topic = this.t.ref(alarm.stack, action);
    const name = typeof topic?.props.TopicName === 'string' ? topic.props.TopicName : (topic?.logicalId ?? 'topic');
    return `arn:aws:sns:${alarm.stack.region}:111111111111:${name}`;
  }

  public respond(call: AwsCall, region: string): unknown {
    const names = call.options.get('--alarm-names') ?? [];
    switch (call.operation) {
      case 'describe-alarm-history': {
        const name = call.options.get('--alarm-name')?.[0];
        const alarm = this.t.need('AWS::CloudWatch::Alarm', name, region);
        const type = call.options.get('--history-item-type')?.[0];
        // `--max-records` is the operation's page size: given by hand, the CLI makes one call and
        // prints that page; without it the CLI follows every page
        // (aws/aws-cli awscli/customizations/paginate.py, check_should_enable_pagination).
        const max = Number(call.options.get('--max-records')?.[0] ?? Infinity);
        const items = [
          ...this.pastHistory(name!, alarm.props, (a) => this.actionArn(alarm, a)),
          ...this.history.filter((h) => h.AlarmName === name),
        ];
        // Newest first, as CloudWatch returns them.
        return {
          AlarmHistoryItems: items
            .filter((h) => !type || h.HistoryItemType === type)
            .reverse()
            .slice(0, max),
        };
      }
      case 'describe-alarms': {
        const prefix = call.options.get('--alarm-name-prefix')?.[0];
        const state = call.options.get('--state-value')?.[0];
        const own = this.t.all('AWS::CloudWatch::Alarm', region);
        const all = [...own.map((r) => String(r.props.AlarmName)), ...OTHER_ALARMS.map((o) => o.name)];
        for (const n of names) this.t.need('AWS::CloudWatch::Alarm', n, region);
        const selected = names.length > 0 ? names : all.filter((n) => !prefix || n.startsWith(prefix));
        return {
          MetricAlarms: selected
            .map((n) => {
              const other = OTHER_ALARMS.find((o) => o.name === n);
              const ownAlarm = own.find((r) => r.props.AlarmName === n);
              const props = ownAlarm?.props ?? {};
              const alarm = other ? other.state === 'ALARM' : this.inAlarm(n);
              return {
                AlarmName: n,
                AlarmArn: `arn:aws:cloudwatch:${region}:111111111111:alarm:${n}`,
                ActionsEnabled: other ? other.actionsEnabled : this.actionsEnabled(n),
                OKActions:
                  (props.OKActions as unknown[] | undefined)?.map((a) => (ownAlarm ? this.actionArn(ownAlarm, a) : String(a))) ?? [],
                AlarmActions: (props.AlarmActions as unknown[] | undefined)?.map((a) =>
                  ownAlarm ? this.actionArn(ownAlarm, a) : String(a),
                ) ?? [`arn:aws:sns:${region}:111111111111:${n.split('-')[0]}-alerts`],
                StateValue: alarm ? 'ALARM' : 'OK',
                StateReason: alarm
                  ? 'Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold'
                  : 'Threshold Crossed: no datapoint breached',
                StateUpdatedTimestamp: iso(other ? other.since : alarm ? -660 : -3 * 3600),
                MetricName: typeof props.MetricName === 'string' ? props.MetricName : 'CPUUtilization',
                Namespace: typeof props.Namespace === 'string' ? props.Namespace : 'AWS/ECS',
                Statistic: 'Average',
                Period: 60,
                EvaluationPeriods: typeof props.EvaluationPeriods === 'number' ? props.EvaluationPeriods : 3,
                Threshold: typeof props.Threshold === 'number' ? props.Threshold : 80,
                ComparisonOperator:
                  typeof props.ComparisonOperator === 'string' ? props.ComparisonOperator : 'GreaterThanOrEqualToThreshold',
              };
            })
            .filter((a) => !state || a.StateValue === state),
          CompositeAlarms: [],
        };
      }
      case 'disable-alarm-actions':
      case 'enable-alarm-actions':
        if (names.length === 0) throw new Fail(`aws cloudwatch ${call.operation}: --alarm-names is empty`);
        for (const n of names) {
          this.t.need('AWS::CloudWatch::Alarm', n, region);
          this.actions.set(n, call.operation === 'enable-alarm-actions');
          if (call.operation === 'disable-alarm-actions') this.disabledSince.set(n, this.clock.now);
        }
        return undefined;
      case 'set-alarm-state': {
        const name = call.options.get('--alarm-name')?.[0];
        const alarm = this.t.need('AWS::CloudWatch::Alarm', name, region);
        const state = call.options.get('--state-value')?.[0] ?? '';
        if (!['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(state))
          throw new Fail(`--state-value "${state}" is not OK, ALARM or INSUFFICIENT_DATA`);
        if (!call.options.get('--state-reason')?.[0]) throw new Fail('aws cloudwatch set-alarm-state: --state-reason is required');
        const now = iso(this.clock.now);
        this.history.push({
          AlarmName: name!,
          Timestamp: now,
          HistoryItemType: 'StateUpdate',
          HistorySummary: `Alarm updated to ${state}`,
        });
        const actions =
          (alarm.props[`${state === 'OK' ? 'OK' : state === 'ALARM' ? 'Alarm' : 'InsufficientData'}Actions`] as unknown[] | undefined) ??
          [];
        if (this.actionsEnabled(name!))
          for (const a of actions)
            this.history.push({
              AlarmName: name!,
              Timestamp: now,
              HistoryItemType: 'Action',
              HistorySummary: `Successfully executed action ${this.actionArn(alarm, a)}`,
            });
        return undefined;
      }
      case 'get-metric-statistics': {
        for (const d of call.options.get('--dimensions') ?? []) {
          const m = /^Name=FunctionName,Value=(.+)$/.exec(d);
          if (m) this.t.need('AWS::Lambda::Function', m[1], region);
        }
        for (const o of ['--start-time', '--end-time']) {
          const v = call.options.get(o)?.[0] ?? '';
          if (Number.isNaN(Date.parse(v))) throw new Fail(`${o} "${v}" is not a timestamp`);
        }
        return { Label: call.options.get('--metric-name')?.[0], Datapoints: [] };
      }
      case 'get-dashboard':
        this.t.need('AWS::CloudWatch::Dashboard', call.options.get('--dashboard-name')?.[0], region);
        return { DashboardName: call.options.get('--dashboard-name')?.[0] };
      default:
        throw new Fail(`the drill does not simulate aws cloudwatch ${call.operation} yet: add it to AlarmsPlane`);
    }
  }
}
