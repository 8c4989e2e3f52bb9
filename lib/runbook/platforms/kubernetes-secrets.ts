import type { Duration } from '../../model/duration';
import { EXTERNAL_SECRETS_REFRESH_INTERVAL, externalSecretName } from '../../plan/kubernetes/external-secrets';
import type { SecretReference } from '../../model/secrets';
import type { RunbookCommand, RunbookFacts } from '../facts';

/** What the External Secrets runbook text needs: the SecretStore, the secrets by reference, the refresh interval. */
export interface ExternalSecretsRunbookInput {
  /** Namespace of the objects. */
  readonly namespace: string;
  /** Name of the SecretStore, and prefix of the Kubernetes Secrets. */
  readonly name: string;
  /** The secrets, by reference. */
  readonly secrets: readonly Pick<SecretReference, 'name' | 'envVar' | 'secretName' | 'rotationDays'>[];
  /** How often the operator re-reads each secret. @default 1h */
  readonly refreshInterval?: Duration;
}

/** Secrets synced by External Secrets: where each lands, the sync check, how to force a re-read. */
export function externalSecretsRunbookFacts(input: ExternalSecretsRunbookInput): RunbookFacts {
  const ns = `kubectl -n ${input.namespace}`;
  const refresh = input.refreshInterval ?? EXTERNAL_SECRETS_REFRESH_INTERVAL;
  const secretName = (name: string) => externalSecretName(input.name, name);
  const deploy: RunbookCommand[] = [
    {
      description: 'Check that every secret has synced from Secrets Manager',
      command: `${ns} get externalsecrets`,
      expected: 'STATUS "SecretSynced" and READY "True" on every row',
    },
  ];
  return {
    secrets: input.secrets.map((s) => ({
      name: `${s.secretName} → Secret ${input.namespace}/${secretName(s.name)}`,
      envVar: s.envVar,
      rotation: s.rotationDays !== undefined ? `${s.rotationDays}d, re-read every ${refresh}` : undefined,
    })),
    deploy,
    resources: [
      { type: 'external-secrets.io/SecretStore', name: input.name },
      ...input.secrets.map((s) => ({ type: 'external-secrets.io/ExternalSecret', name: secretName(s.name) })),
    ],
    notes: input.secrets.length
      ? [`to re-read a secret now: ${ns} annotate externalsecret ${secretName(input.secrets[0].name)} force-sync="$(date +%s)" --overwrite`]
      : [],
  };
}
