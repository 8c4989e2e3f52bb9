/**
 * Inline source of the function that forwards a critical topic's notifications to the pager
 * (Node.js, AWS SDK v3 from the runtime). It reads the integration key (or URL) from Secrets
 * Manager at run time, by the secret name in `PAGER_KEY_SOURCE` (a name, never the value), and POSTs each SNS notification to the
 * pager's CloudWatch integration in the JSON shape of an SNS HTTPS delivery, so the pager sees
 * what a direct subscription would have sent. An HTTPS subscription would have to hold the key in
 * its endpoint, which SNS shows to anyone allowed `sns:ListSubscriptions`; here the key exists only
 * in Secrets Manager and in the function's memory. A failed POST throws, so Lambda retries the
 * event (asynchronous invocation: two retries).
 *
 * @see https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */
export const PAGER_FORWARDER_SOURCE = `const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const sm = new SecretsManagerClient({});
let credential;
function endpoint(kind, value) {
  if (kind === 'pagerduty') return 'https://events.pagerduty.com/integration/' + encodeURIComponent(value) + '/enqueue';
  if (kind === 'opsgenie') return 'https://api.opsgenie.com/v1/json/cloudwatch?apiKey=' + encodeURIComponent(value);
  return value;
}
exports.handler = async (event) => {
  if (credential === undefined) {
    const secret = await sm.send(new GetSecretValueCommand({ SecretId: process.env.PAGER_KEY_SOURCE }));
    credential = String(secret.SecretString || '').trim();
  }
  const url = endpoint(process.env.PAGER_KIND, credential);
  for (const record of event.Records || []) {
    const s = record.Sns;
    const body = JSON.stringify({ Type: s.Type, MessageId: s.MessageId, TopicArn: s.TopicArn, Subject: s.Subject, Message: s.Message,
      Timestamp: s.Timestamp, SignatureVersion: s.SignatureVersion, Signature: s.Signature, SigningCertURL: s.SigningCertUrl, UnsubscribeURL: s.UnsubscribeUrl });
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': s.Type, 'x-amz-sns-topic-arn': s.TopicArn }, body });
    if (!res.ok) {
      // The credential may have been rotated: read it again on the retry.
      credential = undefined;
      throw new Error('the pager answered ' + res.status + ' for message ' + s.MessageId);
    }
    console.log('forwarded ' + s.MessageId + ' (' + s.Subject + ')');
  }
};
`;
