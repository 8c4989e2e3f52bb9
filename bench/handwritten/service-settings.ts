import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';

/** The container port the app listens on. */
export const PORT = 8080;
/** The app's health check, for the target groups and the health probe. */
export const HEALTH_CHECK_PATH = '/healthz';
/** The test listener's port (blue/green and canary), reached from inside the VPC only. */
export const TEST_PORT = 9000;
/** The app's image, for the service and the migration tasks. */
export const IMAGE = 'public.ecr.aws/acme/checkout:1.42.0';
/** The app's plain environment variables, for the service and the migration tasks. */
export const APP_ENVIRONMENT = { LOG_LEVEL: 'info', PAYMENTS_API_URL: 'https://payments.internal.acme.example' };
/** The AppConfig configuration profile that holds the feature flags. */
export const FLAGS_PROFILE = 'feature-flags';
/** Where the runbooks are published: every alarm's description links its section. */
export const RUNBOOK_BASE_URL = 'https://runbooks.acme.example/checkout';
/** Never root: the image's user is not trusted to be non-root. */
export const CONTAINER_USER = '1000:1000';

/** What every section of the hand-written stack names and keeps its resources by. */
export interface SectionBasics {
  /** `<service>-<environment>`: the prefix of every physical name. */
  readonly base: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}
