import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ManagedSecret, type ManagedSecretProps } from '../../constructs/aws/managed-secret';

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Effect: string;
}

function statementsOf(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

function build(overrides: Partial<ManagedSecretProps> = {}) {
  const stack = new Stack(new App(), 'CheckoutProd', { env: { account: '111111111111', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'SecretsKey');
  const session = new ManagedSecret(stack, 'Session', {
    secretName: 'checkout/prod/session-signing-key',
    rotationDays: 30,
    length: 48,
    encryptionKey: key,
    ...overrides,
  });
  const webhook = new ManagedSecret(stack, 'Webhook', { secretName: 'checkout/prod/webhook-token', rotationDays: 90, encryptionKey: key });
  return { stack, session, webhook, template: Template.fromStack(stack) };
}

const built = build();
const { template } = built;
const SESSION = { Ref: Match.stringLikeRegexp('^Session') };

describe('ManagedSecret', () => {
  test('generates the value with the given length and name, encrypted with the key', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'checkout/prod/session-signing-key',
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretsKey'), 'Arn'] },
      SecretString: Match.absent(),
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'checkout/prod/webhook-token',
      GenerateSecretString: { PasswordLength: 32 },
    });
  });

  test('rotates every rotationDays with the rotation function', () => {
    const fn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^GlidepathSecretRotation'), 'Arn'] };
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: SESSION,
      RotationLambdaARN: fn,
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: Match.stringLikeRegexp('^Webhook') },
      RotationLambdaARN: fn,
      RotationRules: { ScheduleExpression: 'rate(90 days)' },
    });
  });

  test('two secrets in one stack share one rotation function and one log group', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Code: { ZipFile: Match.stringLikeRegexp('finishSecret') },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^GlidepathSecretRotationLogs') } },
    });
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
    });
  });

  test('the rotation function may touch each secret only with the rotation actions, scoped to that secret', () => {
    const secretStatements = statementsOf(template).filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    const rotation = [
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
    ];
    expect(secretStatements).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: rotation, Resource: { Ref: expect.stringMatching(/^Session/) } },
        { Effect: 'Allow', Action: rotation, Resource: { Ref: expect.stringMatching(/^Webhook/) } },
        { Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
      ]),
    );
    expect(secretStatements).toHaveLength(3);
    // UpdateSecret would let the function change the secret's key or description.
    expect(JSON.stringify(secretStatements)).not.toContain('secretsmanager:UpdateSecret"');
  });

  test("only Secrets Manager acting for this account's secrets in this region may invoke the rotation function", () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (p) => p.Properties.Principal === 'secretsmanager.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0].Properties).toMatchObject({
      SourceAccount: '111111111111',
      SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:111111111111:secret:*']] },
    });
  });

  test('the rotation function may use the key only through Secrets Manager', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GlidepathSecretRotationRole'), 'Arn'] } },
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
          }),
        ]),
      },
    });
  });

  test('secrets and the rotation log group are retained by default', () => {
    // RetainExceptOnCreate: the rollback of a failed first create deletes the secret, so the retry
    // can create it again under the same name.
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'RetainExceptOnCreate', Properties: { RetentionInDays: 365 } });
    // The DeleteSecret deny (aws-cdk-lib's, for rotated secrets) refers to the secret, so a
    // rollback deletes it before the secret (reverse dependency order) and does not block it.
    const denies = Object.values(template.findResources('AWS::SecretsManager::ResourcePolicy'));
    expect(denies.length).toBeGreaterThan(0);
    for (const d of denies) {
      expect(JSON.stringify(d.Properties.ResourcePolicy)).toContain('secretsmanager:DeleteSecret');
      expect(d.Properties.SecretId).toEqual({ Ref: expect.any(String) });
    }
  });

  test('secrets and the rotation log group follow the removal policy', () => {
    const t = build({ removalPolicy: RemovalPolicy.DESTROY }).template;
    t.hasResource('AWS::SecretsManager::Secret', { Properties: { Name: 'checkout/prod/session-signing-key' }, DeletionPolicy: 'Delete' });
    t.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  test.each([0, 1001, 7.5])('fails when rotationDays is %d', (rotationDays) => {
    expect(() => build({ rotationDays })).toThrow(
      `ManagedSecret 'rotationDays' (${rotationDays}) must be a whole number between 1 and 1000`,
    );
  });

  test('runbook facts name the secret and how to rotate it, never a value', () => {
    const facts = built.session.runbookFacts();
    expect(facts.resources).toEqual([{ type: 'AWS::SecretsManager::Secret', name: 'checkout/prod/session-signing-key' }]);
    expect(facts.notes?.[0]).toContain('aws secretsmanager rotate-secret --secret-id checkout/prod/session-signing-key');
    expect(facts.notes?.[0]).toContain('every 30 days');
  });
});
