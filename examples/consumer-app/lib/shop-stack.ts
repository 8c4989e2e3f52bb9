import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct } from 'constructs';
import { resolveAlarmPolicy } from 'glidepath';
import { AlarmSet, AlertTopics, DeadMansSwitch, ManagedSecret, ProgressiveFargateService } from 'glidepath/aws';

/**
 * The shop's existing infrastructure: its own VPC, ECS cluster, an uploads bucket with a thumbnail
 * function. glidepath adds the release safety around the web service: encrypted alert topics, a
 * rotated session key, a canary that rolls back on alarm, and a dead-man's switch.
 */
export class ShopStack extends Stack {
  /** The web service, with its glidepath deployment. */
  public readonly web: ProgressiveFargateService;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // --- What the shop had before glidepath -------------------------------------------------
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, clusterName: 'shop' });
    const uploads = new s3.Bucket(this, 'Uploads', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const thumbnailer = new lambda.Function(this, 'Thumbnailer', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'lambda', 'thumbnailer')),
      timeout: Duration.seconds(30),
      environment: { UPLOADS_BUCKET: uploads.bucketName },
    });
    uploads.grantReadWrite(thumbnailer);
    uploads.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(thumbnailer), { prefix: 'products/' });

    // --- glidepath, added construct by construct ----------------------------------------------
    const alerts = new AlertTopics(this, 'Alerts', { namePrefix: 'shop-web' });
    const sessionKey = new ManagedSecret(this, 'SessionKey', { secretName: 'shop/web/session-key', rotationDays: 30 });

    this.web = new ProgressiveFargateService(this, 'Web', {
      cluster, // the shop's own cluster; the runbook reads its name ("shop") from it
      serviceName: 'shop-web',
      image: 'public.ecr.aws/acme/shop-web:4.2.0',
      containerPort: 8080,
      healthCheckPath: '/healthz',
      desiredCount: 3,
      // 10 % of traffic for 5 minutes, then the rest; 10 minutes of bake time before the old tasks stop.
      deployment: { strategy: 'CANARY', stepPercent: 10, stepBakeMinutes: 5, bakeMinutes: 10, minimumHealthyPercent: 100, maximumPercent: 200 },
      environment: { UPLOADS_BUCKET: uploads.bucketName },
      secrets: [{ envVar: 'SESSION_KEY', secret: sessionKey.secret }],
    });

    const alarms = new AlarmSet(this, 'Alarms', {
      namePrefix: 'shop-web',
      policy: resolveAlarmPolicy({ critical: { p99LatencyMs: 3000 } }),
      signals: this.web.signals,
      criticalTopic: alerts.critical,
      warningTopic: alerts.warning,
    });
    // The rollback alarm and every critical alarm stop a deployment and roll it back.
    alarms.deploymentAlarms.forEach((alarm) => this.web.addDeploymentAlarm(alarm));

    new DeadMansSwitch(this, 'DeadMansSwitch', {
      alarmName: 'shop-web-dead-mans-switch',
      heartbeat: this.web.signals.heartbeat,
      heartbeatDescription: 'ECS CPU samples of shop-web',
      topic: alerts.critical,
    });
  }
}
