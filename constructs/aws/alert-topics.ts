import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';

/** Props for `AlertTopics`. */
export interface AlertTopicsProps {
  /** Name prefix, e.g. `checkout-prod`: topics are `<prefix>-critical` and `<prefix>-warning`. */
  readonly namePrefix: string;
  /** Key that encrypts both topics. @default - a new customer-managed key with rotation */
  readonly encryptionKey?: kms.IKey;
  /** What happens to the key when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The two alert routes of a service: critical alarms page (`<prefix>-critical`), warnings notify
 * (`<prefix>-warning`). Both topics are KMS-encrypted and refuse publishing over plain HTTP.
 * Subscribe your pager and chat integrations to them.
 */
export class AlertTopics extends Construct implements IRunbookContributor {
  /** Pages the on-call. */
  public readonly critical: sns.ITopic;
  /** Notifies the team channel. */
  public readonly warning: sns.ITopic;
  /** Key encrypting the topics. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the alert topics of ${props.namePrefix}`,
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
    // CloudWatch alarms publish to encrypted topics only when the key lets them.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = (id: string, severity: string) =>
      new sns.Topic(this, id, {
        topicName: `${props.namePrefix}-${severity}`,
        displayName: `${props.namePrefix} ${severity} alerts`,
        masterKey: this.encryptionKey,
        enforceSSL: true,
      });
    this.critical = topic('Critical', 'critical');
    this.warning = topic('Warning', 'warning');
    this.names = { critical: `${props.namePrefix}-critical`, warning: `${props.namePrefix}-warning` };
  }

  private readonly names: { critical: string; warning: string };

  public runbookFacts(): RunbookFacts {
    return {
      watch: [`Critical alarms page through SNS topic \`${this.names.critical}\`; warnings notify through \`${this.names.warning}\`.`],
      resources: [
        { type: 'AWS::SNS::Topic', name: this.names.critical },
        { type: 'AWS::SNS::Topic', name: this.names.warning },
      ],
    };
  }
}
