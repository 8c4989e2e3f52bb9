import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HealthProbe, HealthProbeTarget } from '../../constructs/aws/health-probe';
import { healthProbeSource } from '../../lib/handlers/health-probe-code';
import { alarmFromTemplate, simulateAlarm } from './support/cloudwatch-alarm-simulator';
import { DeadMansSwitch } from '../../constructs/aws/dead-mans-switch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { loadHandler } from './inline-code';

const CHECK = { name: 'health', method: 'GET', path: '/healthz', expectedStatus: 200, maxLatencyMs: 5000, headers: {} };

describe('HealthProbe', () => {
  const stack = new Stack(new App(), 'Probe', { env: { region: 'eu-west-1', account: '111111111111' } });
  const probe = new HealthProbe(stack, 'Probe', {
    serviceName: 'checkout-prod',
    functionName: 'checkout-prod-health-probe',
    target: HealthProbeTarget.url('https://checkout.acme.example'),
    check: CHECK,
  });
  new DeadMansSwitch(stack, 'Switch', {
    alarmName: 'checkout-prod-dead-mans-switch',
    heartbeat: probe.metric,
    heartbeatDescription: probe.description,
    missingMinutes: 5,
    topic: new sns.Topic(stack, 'Topic'),
  });
  const template = Template.fromStack(stack);

  test('runs every minute, whatever the traffic', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'checkout-prod-health-probe',
      Environment: { Variables: Match.objectLike({ SERVICE: 'checkout-prod', PROBE_URL: 'https://checkout.acme.example' }) },
    });
  });

  test('may publish metrics in the Glidepath namespace only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'cloudwatch:PutMetricData',
            Resource: '*',
            Condition: { StringEquals: { 'cloudwatch:namespace': 'Glidepath' } },
          }),
        ]),
      },
    });
  });

  test("the dead-man's switch on it: a quiet night with a healthy service never pages; an unreachable one pages after 5 minutes", () => {
    const alarm = alarmFromTemplate(template.toJSON() as Parameters<typeof alarmFromTemplate>[0], 'checkout-prod-dead-mans-switch');
    expect(alarm.treatMissingData).toBe('breaching');
    // No user requests at all; the probe still passes once a minute.
    const quiet = simulateAlarm(alarm, (m) => (m.namespace === 'Glidepath' && m.metricName === 'HealthProbe' ? 1 : undefined), {
      datapoints: 8 * 60,
    });
    expect(quiet.firstAlarmSeconds).toBeUndefined();
    // Down from minute 60: the probe's checks fail and nothing is published.
    const down = simulateAlarm(alarm, (_m, i) => (i < 60 ? 1 : undefined), { datapoints: 120 });
    expect(down.firstAlarmSeconds! - 60 * 60).toBe(5 * 60 + 60);
  });

  test('stays within the 4 KB CloudFormation allows for inline code', () => {
    expect(healthProbeSource().length).toBeLessThan(4096);
  });
});

describe('the inline probe', () => {
  let server: http.Server;
  let url: string;
  let status = 200;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.statusCode = req.url === '/healthz' ? status : 404;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function cloudWatch() {
    const published: unknown[] = [];
    return {
      published,
      module: {
        CloudWatchClient: class {
          send = async (command: { input: unknown }) => published.push(command.input);
        },
        PutMetricDataCommand: class {
          constructor(public readonly input: unknown) {}
        },
      },
    };
  }
  const env = () => ({
    SERVICE: 'checkout-prod',
    PROBE_URL: url,
    PROBE_CHECK: JSON.stringify({ check: CHECK, settings: { attempts: 1, backoffMs: 0, timeoutMs: 10000 } }),
  });

  test('publishes one HealthProbe datapoint when the check passes', async () => {
    status = 200;
    const cw = cloudWatch();
    const ok = await loadHandler(healthProbeSource(), { '@aws-sdk/client-cloudwatch': cw.module, '@aws-sdk/client-lambda': {} }, env())();
    expect(ok).toBe(true);
    expect(cw.published).toEqual([
      {
        Namespace: 'Glidepath',
        MetricData: [{ MetricName: 'HealthProbe', Dimensions: [{ Name: 'Service', Value: 'checkout-prod' }], Value: 1, Unit: 'Count' }],
      },
    ]);
  });

  test('publishes nothing when the service answers 503 (silence is what the switch alarms on)', async () => {
    status = 503;
    const cw = cloudWatch();
    const ok = await loadHandler(healthProbeSource(), { '@aws-sdk/client-cloudwatch': cw.module, '@aws-sdk/client-lambda': {} }, env())();
    expect(ok).toBe(false);
    expect(cw.published).toEqual([]);
  });
});
