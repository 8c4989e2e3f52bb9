import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { EnvironmentDefinition } from '../../../lib/model/environment';
import { ExternalSecrets } from '../external-secrets';

/**
 * The environment's secrets in the namespace: an `ExternalSecrets` store reading Secrets Manager
 * in the environment's region (through the IRSA service account when a role is named), or
 * nothing when the environment declares no secret.
 */
export function createExternalSecrets(chart: Construct, env: EnvironmentDefinition, namespace: string): ExternalSecrets | undefined {
  if (env.secrets.length === 0) return undefined;
  if (!env.region) {
    throw new Error(
      `environments[${env.order}].region is not set for "${env.name}"; the External Secrets SecretStore needs the AWS region of the Secrets Manager secrets (${env.secrets
        .map((s) => `"${s.secretName}"`)
        .join(', ')}); set "region", e.g. "eu-west-1"`,
    );
  }
  const roleArn = env.kubernetes.secretStoreRoleArn;
  if (roleArn) {
    // An explicit identity for the SecretStore (JWT auth through IRSA), not the operator's own.
    new k8s.KubeServiceAccount(chart, 'SecretStoreServiceAccount', {
      metadata: { name: `${namespace}-external-secrets`, namespace, annotations: { 'eks.amazonaws.com/role-arn': roleArn } },
      automountServiceAccountToken: false,
    });
  }
  return new ExternalSecrets(chart, 'Secrets', {
    namespace,
    name: namespace,
    region: env.region,
    secrets: env.secrets,
    serviceAccountName: roleArn ? `${namespace}-external-secrets` : undefined,
  });
}
