import { ArnFormat, type RemovalPolicy, type Stack } from 'aws-cdk-lib/core';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { EnvironmentDefinition } from '../../../lib/model/environment';
import type { ResourceNames } from '../../../lib/plan/names';
import { ManagedSecret } from '../managed-secret';

/** A secret the workload reads, and the environment variable it reads it into. */
export interface WorkloadSecret {
  /** The environment variable the workload reads the secret from. */
  readonly envVar: string;
  /** The secret (created and rotated here, or imported by name). */
  readonly secret: secretsmanager.ISecret;
}

/**
 * The environment's secrets, as children of the stack (IDs `Secret-<name>`, `SecretKey-<name>`,
 * `SecretsKey`): generated ones are created, rotated and encrypted with one customer-managed key;
 * the others are imported by name, with their key when the definition names one.
 */
export function environmentSecrets(
  stack: Stack,
  env: EnvironmentDefinition,
  names: ResourceNames,
  removalPolicy: RemovalPolicy,
): WorkloadSecret[] {
  const generated = env.secrets.filter((s) => s.generated);
  const secretsKey =
    generated.length > 0
      ? new kms.Key(stack, 'SecretsKey', { description: `Encrypts the secrets of ${names.base}`, enableKeyRotation: true, removalPolicy })
      : undefined;
  return env.secrets.map((s) => ({
    envVar: s.envVar,
    secret: s.generated
      ? new ManagedSecret(stack, `Secret-${s.name}`, {
          secretName: s.secretName,
          rotationDays: s.rotationDays as number,
          length: s.length,
          encryptionKey: secretsKey,
          removalPolicy,
        }).secret
      : s.kmsKeyArn
        ? // With its key, grantRead adds kms:Decrypt (through Secrets Manager) for the roles that read it.
          secretsmanager.Secret.fromSecretAttributes(stack, `Secret-${s.name}`, {
            secretPartialArn: stack.formatArn({
              service: 'secretsmanager',
              resource: 'secret',
              resourceName: s.secretName,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
            encryptionKey: kms.Key.fromKeyArn(stack, `SecretKey-${s.name}`, s.kmsKeyArn),
          })
        : secretsmanager.Secret.fromSecretNameV2(stack, `Secret-${s.name}`, s.secretName),
  }));
}
