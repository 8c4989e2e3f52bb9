import { accessSchema, type Access } from './incident-response';
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { alarmPolicySchema, type AlarmPolicy } from './alarm-policy';
import { deadMansSwitchSchema, type DeadMansSwitchPolicy } from './dead-mans-switch';
import { AWS_REGIONS } from './private/aws-regions';
import { kubernetesSchema, type KubernetesSettings } from './kubernetes';
import { dnsLabel, percent, positiveInt } from './private/fields';
import { receiversSchema, type Receivers } from './receivers';
import { rolloutSchema, type Rollout } from './rollout';
import type { SecretReference } from './secrets';
import { tlsSchema, type Tls } from './tls';
import { trafficSchema, type Traffic } from './traffic';

/** What happens to stateful resources (secrets, keys, log groups) when the stack is deleted. */
export enum RetentionPolicy {
  /** Keep them (the default for production). */
  RETAIN = 'retain',
  /** Delete them with the stack (the default elsewhere). */
  DESTROY = 'destroy',
}

/** Capacity of one environment; overrides the workload's. */
export const capacitySchema = z
  .strictObject({
    /** Tasks or pods to run. @default - the workload's desiredCount */
    desiredCount: positiveInt.optional().describe("Tasks or pods to run. Default: the workload's desiredCount."),
    /** Scale between these bounds on CPU when both are given. @default - no autoscaling */
    minCount: positiveInt.optional().describe('Lower bound for CPU autoscaling (give maxCount too). Default: no autoscaling.'),
    /** @default - no autoscaling */
    maxCount: positiveInt.optional().describe('Upper bound for CPU autoscaling (give minCount too). Default: no autoscaling.'),
    /** Target CPU utilization for autoscaling, %. @default 60 */
    targetCpuPercent: percent.optional().describe('Target CPU utilization for autoscaling, %. Default 60.'),
  })
  .describe("Capacity of this environment; overrides the workload's.");

/** One environment the service ships to, in promotion order. */
export const environmentSchema = z
  .strictObject({
    /** Name, e.g. `dev`, `staging`, `prod`, `pr-123`. */
    name: dnsLabel(20).describe(
      'Environment name, e.g. "dev", "staging", "prod": lower-case letters, digits and hyphens, at most 20 characters.',
    ),
    /** Whether this environment serves real users (strictest checks). @default name is "prod" or "production" */
    production: z
      .boolean()
      .optional()
      .describe('Whether this environment serves real users (strictest checks). Default: true when the name is "prod" or "production".'),
    /** Whether a human approves before this environment deploys. @default production */
    approval: z.boolean().optional().describe('Whether a human approves before this environment deploys. Default: production.'),
    /** AWS account id. @default - the CLI's environment */
    account: z
      .string()
      .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' })
      .optional()
      .describe("AWS account id (12 digits). Default: the CLI's environment."),
    /** AWS region. @default - the CLI's environment */
    region: z
      .string()
      .refine((region) => AWS_REGIONS.includes(region), {
        error: (issue) => {
          const near = closestRegion(issue.input as string);
          return `must be an AWS region such as "eu-west-1"${near ? ` (did you mean "${near}"?)` : ''}, one of those in aws-cdk-lib's region facts`;
        },
      })
      .meta({ enum: [...AWS_REGIONS] })
      .optional()
      .describe('AWS region, e.g. "eu-west-1". Default: the CLI\'s environment.'),
    /** How a new version rolls out here. */
    rollout: rolloutSchema.describe('How a new version rolls out in this environment.'),
    /** Capacity here. @default - the workload's */
    capacity: capacitySchema.optional(),
    /** Alarm thresholds here, merged over the service's policy. @default - the service's */
    alarms: alarmPolicySchema.optional().describe("Alarm thresholds here, merged field by field over the service's alarms."),
    /** Dead-man's switch here, merged over the service's. @default - the service's */
    deadMansSwitch: deadMansSwitchSchema.optional().describe("Dead-man's switch here, merged over the service's."),
    /** Retention of stateful resources. @default retain in production, destroy elsewhere */
    retention: z
      .enum(RetentionPolicy)
      .optional()
      .describe(
        'What happens to secrets, keys and log groups when the stack is deleted. Default: "retain" in production, "destroy" elsewhere.',
      ),
    /** HTTPS on the load balancer. @default - none: production container services must set it */
    tls: tlsSchema.optional(),
    /**
     * ACM certificate for HTTPS on the load balancer. @default - HTTP only
     * @deprecated use `tls.certificateArn`
     */
    certificateArn: z
      .string()
      .regex(/^arn:aws[-a-z]*:acm:/, { error: 'must be an ACM certificate ARN' })
      .optional()
      .describe('ACM certificate ARN for HTTPS on the load balancer. Default: HTTP only.'),
    /** Kubernetes settings here, merged over the service's. @default - the service's */
    kubernetes: kubernetesSchema.optional(),
    /** Who hears about alerts here, each role replacing the service's. @default - the service's */
    receivers: receiversSchema.optional(),
    /** The AWS profile and kubectl context the runbook uses here. @default - the current ones */
    access: accessSchema.optional(),
    /** Expected request rate here, for the detection-power check. @default - by environment kind, with a warning */
    traffic: trafficSchema.optional(),
  })
  .describe('One environment the service ships to, in promotion order.');

/** An environment as written. */
export type EnvironmentInput = z.output<typeof environmentSchema>;

/** Capacity, resolved. */
export interface Capacity {
  readonly desiredCount: number;
  /** Present when autoscaling is on. */
  readonly scaling?: { readonly minCount: number; readonly maxCount: number; readonly targetCpuPercent: number };
}

/** One environment with every default filled: what the targets render. */
export interface EnvironmentDefinition {
  readonly name: string;
  /** Position in the promotion order (0 = first). */
  readonly order: number;
  readonly production: boolean;
  readonly approval: boolean;
  readonly account?: string;
  readonly region?: string;
  readonly rollout: Rollout;
  readonly capacity: Capacity;
  readonly alarms: AlarmPolicy;
  readonly deadMansSwitch: DeadMansSwitchPolicy;
  readonly retention: RetentionPolicy;
  readonly secrets: readonly SecretReference[];
  /** HTTPS on the load balancer; absent when the definition says nothing. */
  readonly tls?: Tls;
  /** Kubernetes target settings (Prometheus, analysis, Ingress, metrics). */
  readonly kubernetes: KubernetesSettings;
  /** Who is paged and notified (environment over service). */
  readonly receivers: Receivers;
  /** The AWS profile and kubectl context of this environment. */
  readonly access: Access;
  /** Expected request rate (declared, or the environment kind's default). */
  readonly traffic: Traffic;
}

/** The known region closest to a misspelt one, if it is close. */
function closestRegion(written: string): string | undefined {
  if (typeof written !== 'string' || written.length > 40) return undefined;
  const best = closest(written, [...AWS_REGIONS]);
  return distance(written, best) <= 2 ? best : undefined;
}
