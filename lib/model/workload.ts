import { z } from 'zod';
import { Duration } from './duration';
import { containerUserField } from './container-user';
import { durationField, positiveInt } from './private/fields';
import { imageReference } from './private/image-reference';

/** Longest health check path an Application Load Balancer target group accepts. */
export const HEALTH_CHECK_PATH_MAX = 1024;

/** Fargate-valid CPU units. */
const FARGATE_CPU = [256, 512, 1024, 2048, 4096, 8192, 16384] as const;

/** Plain (non-secret) configuration passed to the workload as environment variables. */
const plainEnvironment = z
  .record(
    // Lambda, ECS and POSIX shells accept these; a "=" or a space in a name cannot be set at all.
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
      error:
        'is not an environment variable name; use letters, digits and underscores, starting with a letter or underscore, e.g. "LOG_LEVEL"',
    }),
    z.string(),
  )
  .meta({
    description: 'Plain configuration values. Secrets never go here: declare them under `secrets`.',
  });

/**
 * A long-running container behind a load balancer (ECS Fargate on AWS, a Deployment or Rollout on
 * Kubernetes).
 */
export const containerWorkloadSchema = z
  .strictObject({
    /** Image reference, pinned by tag or digest (e.g. `public.ecr.aws/acme/checkout:1.42.0`). */
    image: imageReference.describe('Image reference, pinned by tag or digest, e.g. "public.ecr.aws/acme/checkout:1.42.0".'),
    /** Port the container listens on. */
    port: z.number().int().min(1).max(65535).describe('Port the container listens on.'),
    /** HTTP path that answers 200 when the container is ready, e.g. `/healthz`. */
    healthCheckPath: z
      .string()
      .regex(/^\//, { error: 'must be an absolute HTTP path starting with "/", e.g. "/healthz"' })
      // The load balancer's target group takes at most 1,024 characters (CloudFormation refuses more).
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
      .max(HEALTH_CHECK_PATH_MAX, {
        error: `is longer than ${HEALTH_CHECK_PATH_MAX} characters, which the AWS load balancer's health check refuses; use a short path such as "/healthz"`,
      })
      .describe('HTTP path that answers 200 when the container is ready, e.g. "/healthz"; at most 1024 characters.'),
    /** CPU units (1024 = 1 vCPU). @default 512 */
    cpu: z
      .number()
      .refine((v) => (FARGATE_CPU as readonly number[]).includes(v), {
        error: `is not a Fargate CPU size; use one of ${FARGATE_CPU.join(', ')}`,
      })
      .meta({ description: 'CPU units (1024 = 1 vCPU), a Fargate size. Default 512.', enum: [...FARGATE_CPU] })
      .default(512),
    /** Memory in MiB. @default 1024 */
    memoryMiB: positiveInt.default(1024).describe('Memory in MiB. Default 1024.'),
    /** Tasks or pods to run. @default 2 */
    desiredCount: positiveInt.default(2).describe('Tasks or pods to run. Default 2.'),
    /** Plain configuration. @default - none */
    environment: plainEnvironment.default({}),
    /** User the container runs as; never root. @default "1000:1000" */
    user: containerUserField,
  })
  .describe('A long-running container behind a load balancer (ECS Fargate on AWS, a Deployment or Rollout on Kubernetes).');

/**
 * A function invoked per request (Lambda on AWS).
 */
export const functionWorkloadSchema = z
  .strictObject({
    /** Lambda runtime identifier, e.g. `nodejs22.x`, `python3.13`. */
    runtime: z
      .string()
      .regex(/^(nodejs\d+\.x|python3\.\d+|java\d+|dotnet\d+|ruby\d\.\d+|provided\.al2023)$/, {
        error: 'is not a Lambda runtime identifier; use e.g. "nodejs22.x", "python3.13", "java21"',
      })
      .describe('Lambda runtime identifier, e.g. "nodejs22.x", "python3.13", "java21".'),
    /** Handler, e.g. `index.handler`. */
    handler: z.string().min(1).describe('Handler, e.g. "index.handler".'),
    /** Directory holding the function code, relative to the definition file. */
    code: z.string().min(1).describe('Directory holding the function code, relative to the definition file.'),
    /** Memory in MiB. @default 256 */
    memoryMiB: z.number().int().min(128).max(10240).default(256).describe('Memory in MiB, 128 to 10240. Default 256.'),
    /** Invocation timeout. @default 10s */
    timeout: durationField.default(() => Duration.seconds(10)).describe('Invocation timeout. Default "10s".'),
    /** Plain configuration. @default - none */
    environment: plainEnvironment.default({}),
  })
  .describe('A function invoked per request (Lambda on AWS).');

/** What runs: exactly one of `container` or `function`. */
export const workloadSchema = z
  .strictObject({
    container: containerWorkloadSchema.optional(),
    function: functionWorkloadSchema.optional(),
  })
  .refine((w) => (w.container === undefined) !== (w.function === undefined), {
    error: 'must declare exactly one of "container" or "function"',
  })
  // The JSON Schema cannot see the refinement; with two known fields this says "exactly one".
  .meta({ minProperties: 1, maxProperties: 1 });

/** A container workload, as validated. */
export type ContainerWorkload = z.output<typeof containerWorkloadSchema>;
/** A function workload, as validated. */
export type FunctionWorkload = z.output<typeof functionWorkloadSchema>;
/** The workload, as validated. */
export type Workload = z.output<typeof workloadSchema>;

/** Whether the workload is a container. */
export function isContainer(workload: Workload): workload is Workload & { container: ContainerWorkload } {
  return workload.container !== undefined;
}

/** Whether the workload is a function. */
export function isFunction(workload: Workload): workload is Workload & { function: FunctionWorkload } {
  return workload.function !== undefined;
}
