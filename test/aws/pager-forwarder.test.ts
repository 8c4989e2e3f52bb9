import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PAGER_FORWARDER_SOURCE } from '../../lib/handlers/pager-forwarder-code';

/*
 * The pager forwarder's inline source, run as Lambda runs it: `index.handler` with an SNS event
 * (the shape Lambda documents), the AWS SDK replaced by a stand-in Secrets Manager, and fetch
 * recorded. https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */

const SNS_EVENT = {
  Records: [
    {
      EventSource: 'aws:sns',
      Sns: {
        Type: 'Notification',
        MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        TopicArn: 'arn:aws:sns:eu-west-1:111111111111:checkout-prod-critical',
        Subject: 'ALARM: "checkout-prod-critical-error-rate" in EU (Ireland)',
        Message: '{"AlarmName":"checkout-prod-critical-error-rate","NewStateValue":"ALARM"}',
        Timestamp: '2026-12-04T03:00:00.000Z',
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000.pem',
        UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
        MessageAttributes: {},
      },
    },
  ],
};

function load(kind: string, secretValue: () => string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-pager-'));
  const sdk = path.join(dir, 'node_modules', '@aws-sdk', 'client-secrets-manager');
  fs.mkdirSync(sdk, { recursive: true });
  const reads: string[] = [];
  (globalThis as any).__pagerSecret = { reads, value: secretValue };
  fs.writeFileSync(
    path.join(sdk, 'index.js'),
    `class GetSecretValueCommand { constructor(input) { this.input = input; } }
     class SecretsManagerClient { async send(c) { globalThis.__pagerSecret.reads.push(c.input.SecretId); return { SecretString: globalThis.__pagerSecret.value() }; } }
     module.exports = { SecretsManagerClient, GetSecretValueCommand };`,
  );
  fs.writeFileSync(path.join(dir, 'index.js'), PAGER_FORWARDER_SOURCE);
  process.env.PAGER_KIND = kind;
  process.env.PAGER_KEY_SOURCE = 'checkout/prod/pagerduty-integration-key';

  return { handler: require(path.join(dir, 'index.js')).handler as (e: unknown) => Promise<void>, reads };
}

const posts: { url: string; init: any }[] = [];
let status = 200;
const realFetch = globalThis.fetch;
beforeEach(() => {
  posts.length = 0;
  status = 200;
  globalThis.fetch = (async (url: string, init: unknown) => {
    posts.push({ url, init });
    return { ok: status < 300, status } as Response;
  }) as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

describe('pager forwarder', () => {
  test("POSTs the notification in SNS's HTTP JSON shape to PagerDuty's CloudWatch integration, key from Secrets Manager", async () => {
    const { handler, reads } = load('pagerduty', () => ' 0123456789abcdef0123456789abcdef\n');
    await handler(SNS_EVENT);
    expect(reads).toEqual(['checkout/prod/pagerduty-integration-key']);
    expect(posts).toHaveLength(1);
    expect(posts[0].url).toBe('https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue');
    expect(posts[0].init.method).toBe('POST');
    expect(posts[0].init.headers['x-amz-sns-message-type']).toBe('Notification');
    const s = SNS_EVENT.Records[0].Sns;
    // The fields of an SNS HTTP(S) notification: https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html
    expect(JSON.parse(posts[0].init.body)).toEqual({
      Type: s.Type,
      MessageId: s.MessageId,
      TopicArn: s.TopicArn,
      Subject: s.Subject,
      Message: s.Message,
      Timestamp: s.Timestamp,
      SignatureVersion: s.SignatureVersion,
      Signature: s.Signature,
      SigningCertURL: s.SigningCertUrl,
      UnsubscribeURL: s.UnsubscribeUrl,
    });
  });

  test("Opsgenie's CloudWatch integration and a plain HTTPS endpoint", async () => {
    await load('opsgenie', () => '3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d').handler(SNS_EVENT);
    await load('https', () => 'https://pager.example.com/hooks/abc').handler(SNS_EVENT);
    expect(posts.map((p) => p.url)).toEqual([
      'https://api.opsgenie.com/v1/json/cloudwatch?apiKey=3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      'https://pager.example.com/hooks/abc',
    ]);
  });

  test('a refused POST fails the invocation (Lambda retries) and the key is read again, in case it was rotated', async () => {
    let value = 'old-key';
    const { handler, reads } = load('pagerduty', () => value);
    status = 403;
    await expect(handler(SNS_EVENT)).rejects.toThrow(/the pager answered 403 for message 95df01b4/);
    value = 'new-key';
    status = 200;
    await handler(SNS_EVENT);
    expect(reads).toHaveLength(2);
    expect(posts.at(-1)!.url).toContain('/integration/new-key/enqueue');
  });
});
