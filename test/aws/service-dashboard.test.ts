import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ServiceDashboard } from '../../constructs/aws/service-dashboard';
import type { ServiceSignals } from '../../constructs/aws/service-signals';

const metric = (metricName: string) =>
  new cloudwatch.Metric({ namespace: 'Test', metricName, dimensionsMap: { Service: 'checkout-prod' } });

function signals(withSaturation: boolean): ServiceSignals {
  return {
    errorRatePercent: metric('ErrorRate'),
    latencyP99Ms: metric('LatencyP99'),
    latencyP95Ms: metric('LatencyP95'),
    requests: metric('Requests'),
    cpuPercent: withSaturation ? metric('CPUUtilization') : undefined,
    memoryPercent: withSaturation ? metric('MemoryUtilization') : undefined,
    heartbeat: metric('Heartbeat'),
    source: 'test',
  };
}

/** The dashboard body with tokens rendered as their CloudFormation references. */
function body(withSaturation: boolean, alarms: boolean) {
  const stack = new Stack(new App(), 'S');
  const alarm = new cloudwatch.Alarm(stack, 'Alarm', {
    alarmName: 'checkout-prod-critical-error-rate',
    metric: metric('ErrorRate'),
    threshold: 5,
    evaluationPeriods: 1,
  });
  const dashboard = new ServiceDashboard(stack, 'Dashboard', {
    dashboardName: 'checkout-prod',
    signals: signals(withSaturation),
    alarms: alarms ? [alarm] : undefined,
  });
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  const parts = resource.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const text = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p).replace(/"/g, "'"))).join('');
  return {
    dashboard,
    name: resource.Properties.DashboardName,
    widgets: JSON.parse(text).widgets as { type: string; properties: { title: string } }[],
  };
}

describe('ServiceDashboard', () => {
  test('named after the service: alarm states first, then error rate, latency, traffic and saturation', () => {
    const { name, widgets } = body(true, true);
    expect(name).toBe('checkout-prod');
    expect(widgets.map((w) => `${w.type}: ${w.properties.title}`)).toEqual([
      'alarm: Alarms',
      'metric: Error rate (%)',
      'metric: Latency (ms)',
      'metric: Requests',
      'metric: Saturation (%)',
    ]);
  });

  test('no alarm widget without alarms, no saturation widget without CPU and memory signals', () => {
    expect(body(false, false).widgets.map((w) => w.properties.title)).toEqual(['Error rate (%)', 'Latency (ms)', 'Requests']);
  });

  test('runbook facts name the dashboard', () => {
    expect(body(false, false).dashboard.runbookFacts().resources).toEqual([{ type: 'AWS::CloudWatch::Dashboard', name: 'checkout-prod' }]);
  });
});
