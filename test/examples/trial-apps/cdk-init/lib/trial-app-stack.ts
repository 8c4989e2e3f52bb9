import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { type Construct } from 'constructs';
import { resolveAlarmPolicy } from 'glidepath';
import { AlarmSet, AlertTopics, DeadMansSwitch, ManagedSecret, ProgressiveFargateService } from 'glidepath/aws';

export class TrialAppStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    // The README's snippet, as written there.
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, clusterName: 'shop' });
    const alerts = new AlertTopics(this, 'Alerts', { namePrefix: 'shop-web' });
    const sessionKey = new ManagedSecret(this, 'SessionKey', { secretName: 'shop/web/session-key', rotationDays: 30 });
    const web = new ProgressiveFargateService(this, 'Web', {
      cluster,
      serviceName: 'shop-web',
      image: 'public.ecr.aws/acme/shop-web:4.2.0',
      containerPort: 8080,
      healthCheckPath: '/healthz',
      deployment: { strategy: 'CANARY', stepPercent: 10, stepBakeMinutes: 5, bakeMinutes: 10, minimumHealthyPercent: 100, maximumPercent: 200 },
      secrets: [{ envVar: 'SESSION_KEY', secret: sessionKey.secret }],
    });
    const alarms = new AlarmSet(this, 'Alarms', {
      namePrefix: 'shop-web',
      policy: resolveAlarmPolicy({ critical: { p99LatencyMs: 3000 } }),
      signals: web.signals,
      criticalTopic: alerts.critical,
      warningTopic: alerts.warning,
    });
    alarms.deploymentAlarms.forEach((alarm) => web.addDeploymentAlarm(alarm));
    new DeadMansSwitch(this, 'DeadMansSwitch', {
      alarmName: 'shop-web-dead-mans-switch',
      heartbeat: web.signals.heartbeat,
      heartbeatDescription: 'ECS CPU samples of shop-web',
      topic: alerts.critical,
    });
  }
}
