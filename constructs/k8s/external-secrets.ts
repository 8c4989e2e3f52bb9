import { Construct } from 'constructs';
import type { Duration } from '../../lib/model/duration';
import type { SecretReference } from '../../lib/model/secrets';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { EXTERNAL_SECRET_KEY, EXTERNAL_SECRETS_REFRESH_INTERVAL, externalSecretName } from '../../lib/plan/kubernetes/external-secrets';
import { externalSecretsRunbookFacts } from '../../lib/runbook/platforms/kubernetes-secrets';
import { KubeExternalSecret, KubeSecretStore } from './private/crds';
import { promDuration } from './private/units';

/** Props of `ExternalSecrets`. */
export interface ExternalSecretsProps {
  /** Namespace of the objects. */
  readonly namespace: string;
  /** Name of the SecretStore, and prefix of the Kubernetes Secrets (`<prefix>-<secret name>`). */
  readonly name: string;
  /** AWS region of the Secrets Manager secrets. */
  readonly region: string;
  /** The secrets, by reference (physical Secrets Manager name); never values. */
  readonly secrets: readonly Pick<SecretReference, 'name' | 'envVar' | 'secretName' | 'rotationDays'>[];
  /**
   * How often the operator re-reads each secret. Must be shorter than every rotation period so a
   * rotated value arrives before the old one is retired.
   * @default 1h
   */
  readonly refreshInterval?: Duration;
  /**
   * Service account whose IAM role (IRSA) reads the secrets.
   * @default - the External Secrets controller's own identity (EKS Pod Identity or IRSA)
   */
  readonly serviceAccountName?: string;
}

/** How the workload receives one secret: an environment variable from a key of a Kubernetes Secret. */
export interface SecretEnvironmentVariable {
  /** Environment variable the container reads. */
  readonly envVar: string;
  /** Kubernetes Secret the operator writes. */
  readonly secretName: string;
  /** Key of the value in that Secret. */
  readonly key: string;
}

/**
 * External Secrets Operator resources (`external-secrets.io/v1`) that copy AWS Secrets Manager
 * secrets into Kubernetes Secrets: one `SecretStore` for the namespace and one `ExternalSecret` per
 * secret. The manifests hold references only; values stay in Secrets Manager and in the cluster.
 *
 * @see https://external-secrets.io/latest/provider/aws-secrets-manager/
 */
export class ExternalSecrets extends Construct implements IRunbookContributor {
  /** Key of the value inside each Kubernetes Secret. */
  public static readonly KEY = EXTERNAL_SECRET_KEY;

  /** What the workload's containers read, in declaration order. */
  public readonly environmentVariables: readonly SecretEnvironmentVariable[];
  /** The refresh interval. */
  public readonly refreshInterval: Duration;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ExternalSecretsProps,
  ) {
    super(scope, id);
    this.refreshInterval = props.refreshInterval ?? EXTERNAL_SECRETS_REFRESH_INTERVAL;
    props.secrets.forEach((secret, i) => {
      if (secret.rotationDays !== undefined && this.refreshInterval.toSeconds() >= secret.rotationDays * 86400) {
        throw new Error(
          `secrets[${i}] ("${secret.name}") rotates every ${secret.rotationDays}d but refreshInterval is ${this.refreshInterval}; make refreshInterval shorter than the rotation, so the Secret (and, through Reloader, the pods) has the new value before the old one is retired`,
        );
      }
    });
    new KubeSecretStore(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        provider: {
          aws: {
            service: 'SecretsManager',
            region: props.region,
            ...(props.serviceAccountName ? { auth: { jwt: { serviceAccountRef: { name: props.serviceAccountName } } } } : {}),
          },
        },
      },
    });
    this.environmentVariables = props.secrets.map((secret) => {
      const target = this.kubernetesSecretName(secret.name);
      new KubeExternalSecret(this, secret.name, {
        metadata: { name: target, namespace: props.namespace },
        spec: {
          refreshInterval: promDuration(this.refreshInterval),
          secretStoreRef: { name: props.name, kind: 'SecretStore' },
          target: { name: target, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
          data: [{ secretKey: ExternalSecrets.KEY, remoteRef: { key: secret.secretName } }],
        },
      });
      return { envVar: secret.envVar, secretName: target, key: ExternalSecrets.KEY };
    });
  }

  /** Name of the Kubernetes Secret (and ExternalSecret) for a secret, e.g. `checkout-prod-db-password`. */
  public kubernetesSecretName(name: string): string {
    return externalSecretName(this.props.name, name);
  }

  /** The secrets' part of the runbook (text in lib/runbook/platforms/kubernetes-secrets.ts). */
  public runbookFacts(): RunbookFacts {
    return externalSecretsRunbookFacts({ ...this.props, refreshInterval: this.refreshInterval });
  }
}
