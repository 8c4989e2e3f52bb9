import { Stack } from 'aws-cdk-lib/core';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * Lets `principals` decrypt `secret` with its customer managed key when the key is imported (an
 * existing secret's `kmsKeyArn`): `grantRead` cannot change an imported key's policy, so the
 * permission goes on the principals, usable only through Secrets Manager in the stack's region.
 * A key the stack owns gets its grant in the key policy from `grantRead` already.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 */
export function grantImportedKeyDecrypt(secret: secretsmanager.ISecret, ...principals: iam.IGrantable[]): void {
  const key = secret.encryptionKey;
  if (!key || key instanceof kms.Key) return;
  const region = Stack.of(secret).region;
  for (const principal of principals) {
    principal.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
      }),
    );
  }
}
