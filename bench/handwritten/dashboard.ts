import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { ServiceAlarms } from './alarms';

/** Inputs of `addDashboard`. */
export interface DashboardOptions {
  /** `<service>-<environment>`: the dashboard's name. */
  readonly base: string;
  readonly alarms: ServiceAlarms;
}

/** The dashboard, by hand: every alarm's state, then error rate, latency, requests and saturation. */
export function addDashboard(scope: Construct, options: DashboardOptions): cloudwatch.Dashboard {
  const { rollback, criticals, warnings, deadMansSwitch, metrics } = options.alarms;
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', { dashboardName: options.base });
  dashboard.addWidgets(
    new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...criticals, ...warnings, rollback, deadMansSwitch], width: 24 }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: 'Error rate (%)', left: [metrics.errorRate], width: 8 }),
    new cloudwatch.GraphWidget({ title: 'Latency (ms)', left: [metrics.p95, metrics.p99], width: 8 }),
    new cloudwatch.GraphWidget({ title: 'Requests', left: [metrics.requests], width: 8 }),
  );
  dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Saturation (%)', left: [metrics.cpu, metrics.memory], width: 24 }));
  return dashboard;
}
