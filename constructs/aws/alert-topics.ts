import { RemovalPolicy } from 'aws-cdk-lib/core';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Receivers } from '../../lib/model/receivers';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { alertTopicsRunbookFacts } from '../../lib/runbook/platforms/alert-topics';
import { awsCliOf } from './private/aws-cli';
import { alarmNamesPublishingTo } from './private/alarm-publish';
import { AlertSubscriptions } from './private/alert-subscriptions';
import { ACKNOWLEDGEMENTS } from '../../lib/runbook/platforms/aws-accepted-risks';
import { acknowledge } from './private/acknowledge';

/** Props for `AlertTopics`. */
export interface AlertTopicsProps {
  /** Name prefix, e.g. `checkout-prod`: topics are `<prefix>-critical` and `<prefix>-warning`. */
  readonly namePrefix: string;
  /** Key that encrypts both topics. @default - a new customer-managed key with rotation */
  readonly encryptionKey?: kms.IKey;
  /** What happens to the key when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Who hears the alerts: the pager subscribes to the critical topic (HTTPS), the chat channel to
   * the warning topic through AWS Chatbot (and to the critical topic too when nobody is paged).
   * @default - no subscriptions: subscribe your own
   */
  readonly receivers?: Receivers;
  /** How long the pager forwarder's logs are kept. @default one month */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The two alert routes of a service: critical alarms page (`<prefix>-critical`), warnings notify
 * (`<prefix>-warning`). Both topics are KMS-encrypted and refuse publishing over plain HTTP.
 * Alarms that publish through `AlarmPublishAction` (as `AlarmSet` and `DeadMansSwitch` do) are let
 * in by name: CloudWatch may publish, and use the key, only for them (`aws:SourceArn`) and only
 * from this account (`aws:SourceAccount`). With `receivers`, the pager and chat channel subscribe.
 */
export class AlertTopics extends Construct implements IRunbookContributor {
  /** Pages the on-call. */
  public readonly critical: sns.ITopic;
  /** Notifies the team channel. */
  public readonly warning: sns.ITopic;
  /** Key encrypting the topics. */
  public readonly encryptionKey: kms.IKey;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: AlertTopicsProps,
  ) {
    super(scope, id);
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the alert topics of ${props.namePrefix}`,
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
    const topic = (id: string, severity: string) =>
      new sns.Topic(this, id, {
        topicName: `${props.namePrefix}-${severity}`,
        displayName: `${props.namePrefix} ${severity} alerts`,
        masterKey: this.encryptionKey,
        enforceSSL: true,
      });
    this.critical = topic('Critical', 'critical');
    this.warning = topic('Warning', 'warning');
    if (props.receivers) {
      this.subscriptions = new AlertSubscriptions(this, 'Receivers', {
        namePrefix: props.namePrefix,
        receivers: props.receivers,
        critical: this.critical,
        warning: this.warning,
        removalPolicy: props.removalPolicy,
        logRetention: props.logRetention,
      });
      if (props.receivers.optOutReason !== undefined) {
        // Shown under the runbook's accepted risks, like plain HTTP on purpose.
        acknowledge(this.critical, ACKNOWLEDGEMENTS.pagingOptOut(props.receivers.optOutReason));
      }
    }
  }

  /** The receivers' subscriptions, when `receivers` was given. */
  public readonly subscriptions?: AlertSubscriptions;

  /** The topics' part of the runbook (text in lib/runbook/platforms/alert-topics.ts). */
  public runbookFacts(): RunbookFacts {
    return alertTopicsRunbookFacts({
      namePrefix: this.props.namePrefix,
      receivers: this.props.receivers,
      alarms: { critical: alarmNamesPublishingTo(this.critical), warning: alarmNamesPublishingTo(this.warning) },
      aws: awsCliOf(this),
    });
  }
}
export { AlarmPublishAction, EventRulePublishTarget, grantAlarmPublish } from './private/alarm-publish';
