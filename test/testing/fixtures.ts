import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AlarmSet, AlertTopics, DeadMansSwitch, ManagedSecret, ProgressiveFargateService } from '../../constructs/aws';
import { resolveAlarmPolicy } from '../../lib/model';
import type { EcsDeploymentSettings } from '../../lib/plan';

/** ECS settings by name, as a user writes them without a definition. */
export const SETTINGS = {
  canary5: { strategy: 'CANARY', stepPercent: 5, stepBakeMinutes: 5, bakeMinutes: 10, minimumHealthyPercent: 100, maximumPercent: 200 },
  linear25: { strategy: 'LINEAR', stepPercent: 25, stepBakeMinutes: 4, bakeMinutes: 15, minimumHealthyPercent: 100, maximumPercent: 200 },
  rolling: { strategy: 'ROLLING', minimumHealthyPercent: 50, maximumPercent: 150 },
} satisfies Record<string, EcsDeploymentSettings>;

/**
 * A user's own stack (own VPC and cluster) with glidepath constructs added by hand: alert topics,
 * alarms that roll the service back, a dead-man's switch and a rotated secret.
 */
export function shopStack(options: { deployment?: EcsDeploymentSettings; app?: App } = {}): Stack {
  const app = options.app ?? new App({ context: require('aws-cdk-lib/recommended-feature-flags.json') });
  const stack = new Stack(app, 'Shop', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, clusterName: 'shop' });
  const topics = new AlertTopics(stack, 'Alerts', { namePrefix: 'shop' });
  const session = new ManagedSecret(stack, 'SessionKey', { secretName: 'shop/session-key', rotationDays: 30 });
  const service = new ProgressiveFargateService(stack, 'Web', {
    cluster,
    serviceName: 'shop-web',
    image: 'public.ecr.aws/acme/shop:1.0.0',
    containerPort: 8080,
    healthCheckPath: '/healthz',
    deployment: options.deployment ?? SETTINGS.canary5,
    environment: { LOG_LEVEL: 'info' },
    secrets: [{ envVar: 'SESSION_KEY', secret: session.secret }],
  });
  const alarms = new AlarmSet(stack, 'Alarms', {
    namePrefix: 'shop-web',
    policy: resolveAlarmPolicy(),
    signals: service.signals,
    criticalTopic: topics.critical,
    warningTopic: topics.warning,
  });
  alarms.deploymentAlarms.forEach((a) => service.addDeploymentAlarm(a));
  new DeadMansSwitch(stack, 'DeadMansSwitch', {
    alarmName: 'shop-web-dead-mans-switch',
    heartbeat: service.signals.heartbeat,
    heartbeatDescription: 'ECS CPU samples of shop-web',
    topic: topics.critical,
  });
  return stack;
}
