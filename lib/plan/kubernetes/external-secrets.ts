import { Duration } from '../../model/duration';

/** How often External Secrets re-reads a secret unless told otherwise. */
export const EXTERNAL_SECRETS_REFRESH_INTERVAL = Duration.hours(1);

/** Key of the value inside each Kubernetes Secret External Secrets writes. */
export const EXTERNAL_SECRET_KEY = 'value';

/** Name of the Kubernetes Secret (and ExternalSecret) of a secret: `<store name>-<secret name>`, e.g. `checkout-prod-db-password`. */
export function externalSecretName(storeName: string, secretName: string): string {
  return `${storeName}-${secretName}`;
}
