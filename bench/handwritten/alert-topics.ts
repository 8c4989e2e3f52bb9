import { Aws, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** Inputs of `addAlertTopics`. */
export interface AlertTopicsOptions {
  /** `<service>-<environment>`: the prefix of the topic names. */
  readonly base: string;
  readonly region: string;
  readonly removalPolicy: RemovalPolicy;
}

/** The alarms (names after `<base>-`) that notify each topic: only they may publish and use the key. */
export const CRITICAL_ALARMS = ['rollback-error-rate', 'critical-error-rate', 'critical-latency-p99', 'dead-mans-switch'];
export const WARNING_ALARMS = ['warning-error-rate', 'warning-latency-p95', 'warning-cpu', 'warning-memory'];

/** The critical and warning topics that `addAlertTopics` creates. */
export interface AlertTopics {
  readonly critical: sns.Topic;
  readonly warning: sns.Topic;
}

/**
 * The alert topics, by hand: encrypted with a key of their own, that CloudWatch may use and publish
 * to only for this stack's alarms (the confused-deputy guard: aws:SourceAccount and aws:SourceArn).
 */
export function addAlertTopics(scope: Construct, options: AlertTopicsOptions): AlertTopics {
  const { base } = options;
  const alarmArns = (kinds: readonly string[]) =>
    kinds.map((kind) => `arn:aws:cloudwatch:${options.region}:${Aws.ACCOUNT_ID}:alarm:${base}-${kind}`);
  const guard = (kinds: readonly string[]) => ({
    StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    ArnLike: { 'aws:SourceArn': alarmArns(kinds) },
  });
  const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  const topicKey = new kms.Key(scope, 'TopicKey', {
    description: `Encrypts the alert topics of ${base}`,
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy,
  });
  topicKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToUseTheKey',
      principals: [cloudWatch],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: guard([...CRITICAL_ALARMS.slice(0, 3), ...WARNING_ALARMS, CRITICAL_ALARMS[3]]),
    }),
  );
  const topic = (id: string, severity: string, kinds: readonly string[]) => {
    const t = new sns.Topic(scope, id, {
      topicName: `${base}-${severity}`,
      displayName: `${base} ${severity} alerts`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    t.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [t.topicArn],
        conditions: guard(kinds),
      }),
    );
    return t;
  };
  return { critical: topic('Critical', 'critical', CRITICAL_ALARMS), warning: topic('Warning', 'warning', WARNING_ALARMS) };
}
