import { evaluatePolicy, type PolicyDocument, type PolicyRequest } from './support/policy-evaluator';

/*
 * The evaluator against the examples of AWS's documentation, with the outcomes the documentation
 * states. These tests know nothing of glidepath's policies.
 */

const TOPIC = 'arn:aws:sns:us-east-2:111122223333:MyTopic';

/**
 * SNS developer guide, "Amazon SNS access control case examples": granting an AWS service (here
 * Amazon S3) permission to publish, with the confused-deputy conditions.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
 */
const S3_PUBLISH: PolicyDocument = {
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'SNS:Publish',
      Resource: TOPIC,
      Condition: {
        ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:amzn-s3-demo-bucket' },
        StringEquals: { 'aws:SourceAccount': '111122223333' },
      },
    },
  ],
};

/**
 * SNS developer guide, "Amazon SNS security best practices": enforce encryption of data in transit.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html#enforce-encryption-data-in-transit
 */
const SSL_ONLY = {
  Sid: 'AllowPublishThroughSSLOnly',
  Action: 'SNS:Publish',
  Effect: 'Deny' as const,
  Resource: [TOPIC],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  Principal: '*' as const,
};

/**
 * KMS developer guide, "Default key policy": the account root may use IAM policies for the key.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
const DEFAULT_KEY_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
};

const s3Request = (context: Record<string, string>): PolicyRequest => ({
  principal: { service: 's3.amazonaws.com' },
  action: 'sns:Publish',
  resource: TOPIC,
  context,
});

describe('policy evaluation (AWS documentation examples)', () => {
  test('the S3 example allows its bucket in its account', () => {
    expect(
      evaluatePolicy(S3_PUBLISH, s3Request({ 'aws:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket', 'aws:SourceAccount': '111122223333' }))
        .decision,
    ).toBe('Allow');
  });

  test('the S3 example refuses the same bucket name in another account (confused deputy)', () => {
    expect(
      evaluatePolicy(S3_PUBLISH, s3Request({ 'aws:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket', 'aws:SourceAccount': '444455556666' }))
        .decision,
    ).toBe('ImplicitDeny');
  });

  test('a condition key missing from the request makes the condition false', () => {
    expect(evaluatePolicy(S3_PUBLISH, s3Request({ 'aws:SourceAccount': '111122223333' })).decision).toBe('ImplicitDeny');
  });

  test('another service principal is not the one allowed', () => {
    const request = { ...s3Request({ 'aws:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket', 'aws:SourceAccount': '111122223333' }) };
    expect(evaluatePolicy(S3_PUBLISH, { ...request, principal: { service: 'cloudwatch.amazonaws.com' } }).decision).toBe('ImplicitDeny');
  });

  test('actions compare case-insensitively ("SNS:Publish" allows "sns:Publish"), resources do not', () => {
    const ok = s3Request({ 'aws:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket', 'aws:SourceAccount': '111122223333' });
    expect(evaluatePolicy(S3_PUBLISH, ok).decision).toBe('Allow');
    expect(evaluatePolicy(S3_PUBLISH, { ...ok, resource: TOPIC.toLowerCase() }).decision).toBe('ImplicitDeny');
  });

  test('an explicit deny overrides an allow: the SSL-only deny refuses plain HTTP', () => {
    const both: PolicyDocument = { Statement: [...(S3_PUBLISH.Statement as []), SSL_ONLY] };
    const context = { 'aws:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket', 'aws:SourceAccount': '111122223333' };
    expect(evaluatePolicy(both, s3Request({ ...context, 'aws:SecureTransport': 'true' })).decision).toBe('Allow');
    expect(evaluatePolicy(both, s3Request({ ...context, 'aws:SecureTransport': 'false' }))).toEqual({
      decision: 'ExplicitDeny',
      statement: 'AllowPublishThroughSSLOnly',
    });
  });

  test('a policy with only the SSL-only deny allows nothing: the default is deny', () => {
    const context = {
      'aws:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket',
      'aws:SourceAccount': '111122223333',
      'aws:SecureTransport': 'true',
    };
    expect(evaluatePolicy({ Statement: [SSL_ONLY] }, s3Request(context)).decision).toBe('ImplicitDeny');
  });

  test("the default key policy lets the account's principals in, not a service principal", () => {
    const key = 'arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const base = { action: 'kms:GenerateDataKey', resource: key, context: {} };
    expect(evaluatePolicy(DEFAULT_KEY_POLICY, { ...base, principal: { aws: 'arn:aws:iam::111122223333:role/Admin' } }).decision).toBe(
      'Allow',
    );
    expect(evaluatePolicy(DEFAULT_KEY_POLICY, { ...base, principal: { aws: 'arn:aws:iam::444455556666:role/Admin' } }).decision).toBe(
      'ImplicitDeny',
    );
    expect(evaluatePolicy(DEFAULT_KEY_POLICY, { ...base, principal: { service: 'cloudwatch.amazonaws.com' } }).decision).toBe(
      'ImplicitDeny',
    );
  });

  test('ArnLike matches wildcards within each ARN segment only', () => {
    const policy: PolicyDocument = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: TOPIC,
          Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-2:111122223333:alarm:*' } },
        },
      ],
    };
    const ask = (arn: string) =>
      evaluatePolicy(policy, {
        principal: { service: 'cloudwatch.amazonaws.com' },
        action: 'sns:Publish',
        resource: TOPIC,
        context: { 'aws:SourceArn': arn },
      }).decision;
    expect(ask('arn:aws:cloudwatch:us-east-2:111122223333:alarm:checkout-prod-critical-error-rate')).toBe('Allow');
    expect(ask('arn:aws:cloudwatch:us-east-2:444455556666:alarm:checkout-prod-critical-error-rate')).toBe('ImplicitDeny');
    expect(ask('arn:aws:cloudwatch:eu-west-1:111122223333:alarm:x')).toBe('ImplicitDeny');
  });

  test('values of one key are ORed, keys and operators are ANDed; negated operators need every value to differ', () => {
    const policy: PolicyDocument = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 'sns:Publish',
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceAccount': ['111122223333', '444455556666'] },
            StringNotEquals: { 'aws:SourceVpc': ['vpc-1', 'vpc-2'] },
          },
        },
      ],
    };
    const ask = (context: Record<string, string>) =>
      evaluatePolicy(policy, { principal: { service: 'x.amazonaws.com' }, action: 'sns:Publish', resource: TOPIC, context }).decision;
    expect(ask({ 'aws:SourceAccount': '444455556666', 'aws:SourceVpc': 'vpc-3' })).toBe('Allow');
    expect(ask({ 'aws:SourceAccount': '444455556666', 'aws:SourceVpc': 'vpc-2' })).toBe('ImplicitDeny');
    expect(ask({ 'aws:SourceAccount': '777788889999', 'aws:SourceVpc': 'vpc-3' })).toBe('ImplicitDeny');
  });

  test('an operator it does not know fails loudly instead of guessing', () => {
    const policy: PolicyDocument = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: '*',
          Resource: '*',
          Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
        },
      ],
    };
    expect(() => evaluatePolicy(policy, s3Request({ 'aws:MultiFactorAuthAge': '10' }))).toThrow(/NumericLessThan/);
  });
});
