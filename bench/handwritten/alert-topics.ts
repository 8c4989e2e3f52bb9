import type { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** Inputs of `addAlertTopics`. */
export interface AlertTopicsOptions {
  /** `<service>-<environment>`: the prefix of the topic names. */
  readonly base: string;
  readonly removalPolicy: RemovalPolicy;
}

/** The critical and warning topics that `addAlertTopics` creates. */
export interface AlertTopics {
  readonly critical: sns.Topic;
  readonly warning: sns.Topic;
}

/** The alert topics, by hand: encrypted with a key of their own that CloudWatch may use. */
export function addAlertTopics(scope: Construct, options: AlertTopicsOptions): AlertTopics {
  const { base } = options;
  const topicKey = new kms.Key(scope, 'TopicKey', {
    description: `Encrypts the alert topics of ${base}`,
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy,
  });
  topicKey.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  const topic = (id: string, severity: string) =>
    new sns.Topic(scope, id, {
      topicName: `${base}-${severity}`,
      displayName: `${base} ${severity} alerts`,
      masterKey: topicKey,
      enforceSSL: true,
    });
  return { critical: topic('Critical', 'critical'), warning: topic('Warning', 'warning') };
}
