import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import type { ServiceSignals } from './service-signals';
import { awsCliOf, literalRegion } from './private/aws-cli';

/** Props for `ServiceDashboard`. */
export interface ServiceDashboardProps {
  /** Physical dashboard name, e.g. `checkout-prod`. */
  readonly dashboardName: string;
  /** What to graph. */
  readonly signals: ServiceSignals;
  /** Alarms to show with their state. @default - none */
  readonly alarms?: readonly cloudwatch.IAlarm[];
}

/**
 * The dashboard to keep open during a release: error rate, latency, traffic and saturation of the
 * service, next to the state of its alarms.
 */
export class ServiceDashboard extends Construct implements IRunbookContributor {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ServiceDashboardProps,
  ) {
    super(scope, id);
    const { signals } = props;
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', { dashboardName: props.dashboardName });
    if (props.alarms && props.alarms.length > 0) {
      this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24 }));
    }
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Error rate (%)', left: [signals.errorRatePercent], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Latency (ms)', left: [signals.latencyP95Ms, signals.latencyP99Ms], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Requests', left: [signals.requests], width: 8 }),
    );
    const saturation = [signals.cpuPercent, signals.memoryPercent].filter((m): m is cloudwatch.IMetric => m !== undefined);
    if (saturation.length > 0) {
      this.dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Saturation (%)', left: saturation, width: 24 }));
    }
  }

  public runbookFacts(): RunbookFacts {
    const name = this.props.dashboardName;
    const region = literalRegion(this);
    return {
      dashboard: region
        ? { name, url: `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${name}` }
        : undefined,
      watch: [
        `CloudWatch dashboard \`${name}\`: open it before the release (\`${awsCliOf(this)`cloudwatch get-dashboard --dashboard-name ${name}`}\` shows it exists).`,
      ],
      resources: [{ type: 'AWS::CloudWatch::Dashboard', name }],
    };
  }
}
