import { ArnFormat, Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ROTATION_HANDLER } from './handlers';

/** Inputs of `addSecrets`. */
export interface SecretsOptions {
  /** `<service>-<environment>`. */
  readonly base: string;
  /** `<service>/<environment>`: the prefix of the secret names. */
  readonly secretPrefix: string;
  readonly removalPolicy: RemovalPolicy;
}

/** The app's secrets that `addSecrets` creates or imports. */
export interface AppSecrets {
  /** Managed elsewhere; imported by name. */
  readonly dbPassword: secretsmanager.ISecret;
  /** Generated here and rotated every 30 days. */
  readonly signingKey: secretsmanager.Secret;
}

/** The app's secrets, by hand: one managed elsewhere, one generated and rotated by a function. */
export function addSecrets(scope: Construct, options: SecretsOptions): AppSecrets {
  const { base, secretPrefix, removalPolicy } = options;
  const secretsKey = new kms.Key(scope, 'SecretsKey', {
    description: `Encrypts the secrets of ${base}`,
    enableKeyRotation: true,
    removalPolicy,
  });
  const dbPassword = secretsmanager.Secret.fromSecretNameV2(scope, 'DbPassword', `${secretPrefix}/db-password`);
  const signingKey = new secretsmanager.Secret(scope, 'SessionSigningKey', {
    secretName: `${secretPrefix}/session-signing-key`,
    encryptionKey: secretsKey,
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    removalPolicy,
  });
  const rotationLogs = new logs.LogGroup(scope, 'RotationLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy });
  const rotationRole = new iam.Role(scope, 'RotationRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  rotationLogs.grantWrite(rotationRole);
  signingKey.addRotationSchedule('Rotation', {
    rotationLambda: new lambda.SingletonFunction(scope, 'RotationFunction', {
      uuid: '0c3f4c1e-5e3b-4a57-9a59-2b1f0c1d9e21',
      role: rotationRole,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(ROTATION_HANDLER),
      timeout: Duration.seconds(30),
      logGroup: rotationLogs,
    }),
    automaticallyAfter: Duration.days(30),
  });
  // Confused-deputy guard: only Secrets Manager acting for this account's secrets may invoke the rotation function.
  const stack = Stack.of(scope);
  for (const c of stack.node.findAll()) {
    if (c instanceof lambda.CfnPermission && c.principal === 'secretsmanager.amazonaws.com') {
      c.sourceAccount = stack.account;
      c.sourceArn = stack.formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: '*',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    }
  }
  return { dbPassword, signingKey };
}
