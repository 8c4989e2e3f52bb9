import * as aws from '@pulumi/aws';
import type { AwsContext } from './resource-context';

/** The two alert topics of a deployment and the key encrypting them. */
export interface AlertTopics {
  readonly critical: aws.sns.Topic;
  readonly warning: aws.sns.Topic;
  readonly key: aws.kms.Key;
}

/**
 * The `critical` and `warning` alert topics and the key encrypting them. Their policies (who may
 * publish, who may use the key) and subscriptions come from `routeAlerts` once the alarms are known.
 */
export function createAlertTopics(ctx: AwsContext): AlertTopics {
  const { names, tags, opts, keep } = ctx;
  const key = new aws.kms.Key(
    `${names.base}-alert-topics-key`,
    { description: `Encrypts the alert topics of ${names.base}`, enableKeyRotation: true, tags },
    keep,
  );
  const topic = (severity: 'critical' | 'warning') =>
    new aws.sns.Topic(
      names.topic(severity),
      { name: names.topic(severity), displayName: `${names.base} ${severity} alerts`, kmsMasterKeyId: key.arn, tags },
      opts,
    );
  return { critical: topic('critical'), warning: topic('warning'), key };
}
