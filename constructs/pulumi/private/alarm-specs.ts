import type * as pulumi from '@pulumi/pulumi';
import type { AlarmPolicy } from '../../../lib/model/alarm-policy';
import { alarmCatalogue } from '../../../lib/plan/alarm-catalogue';
import { cloudWatchAlarmSpecs, type CloudWatchAlarmSpec } from '../../../lib/plan/cloudwatch/alarm-spec';
import type { SignalSpec } from '../../../lib/plan/cloudwatch/metric-spec';
import {
  containerSignalSpecs,
  functionSignalSpecs,
  type ContainerSignalSources,
  type FunctionSignalSources,
} from '../../../lib/plan/cloudwatch/signal-specs';

/** One alarm of the policy, as the plan specifies it for every AWS target (lib/plan/cloudwatch), over Pulumi inputs. */
export type AlarmSpec = CloudWatchAlarmSpec<SignalSpec<pulumi.Input<string>>>;

/** Where the container service's metrics come from (Pulumi inputs for the load balancer's and target groups' names). */
export type ContainerSignals = ContainerSignalSources<pulumi.Input<string>>;

/** Where a function's metrics come from: the alias that serves traffic, and the version this update publishes. */
export type FunctionSignals = FunctionSignalSources<pulumi.Input<string>>;

/** The alarms of a container service from an alarm policy: the same specs `AlarmSet` renders for CloudFormation. */
export function containerAlarmSpecs(policy: AlarmPolicy, signals: ContainerSignals): AlarmSpec[] {
  return cloudWatchAlarmSpecs(alarmCatalogue(policy), containerSignalSpecs(signals));
}

/**
 * The alarms of a function from an alarm policy, measured on its alias like `AlarmSet` over
 * `ProgressiveFunction.signals`. Functions have no CPU or memory saturation alarms.
 */
export function functionAlarmSpecs(policy: AlarmPolicy, signals: FunctionSignals): AlarmSpec[] {
  return cloudWatchAlarmSpecs(alarmCatalogue(policy, { saturation: false }), functionSignalSpecs(signals));
}
