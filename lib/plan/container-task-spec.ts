import { DEFAULT_CONTAINER_USER } from '../model/container-user';
import { Duration } from '../model/duration';
import type { ContainerWorkload } from '../model/workload';

/** Name of the application container; the load balancer target and the runbook name it. */
export const APP_CONTAINER_NAME = 'app';

/** What a container service's task and load balancer are built from. */
export interface ContainerTaskInput {
  /** Physical name of the service and task family, e.g. `checkout-prod`. */
  readonly serviceName: string;
  /** Container image reference. */
  readonly image: string;
  /** Port the container listens on. */
  readonly containerPort: number;
  /** HTTP path answering 200 when ready. */
  readonly healthCheckPath: string;
  /** CPU units. @default 512 */
  readonly cpu?: number;
  /** Memory in MiB. @default 1024 */
  readonly memoryMiB?: number;
  /** Port of the test listener that reaches the new version before production traffic. @default 9000 */
  readonly testListenerPort?: number;
  /** User (`uid[:gid]`) the container runs as. @default DEFAULT_CONTAINER_USER ("1000:1000") */
  readonly user?: string;
  /** Whether the service's data (logs, access logs) outlives the stack. @default true */
  readonly retained?: boolean;
  /** Refuse to delete the load balancer until this is turned off. @default - `retained` */
  readonly deletionProtection?: boolean;
}

/** TLS policies of the HTTPS listener. */
export enum ListenerTlsPolicy {
  /** TLS 1.3 and 1.2 with post-quantum hybrid key exchange (aws-cdk-lib's `SslPolicy.TLS13_12_PQ`). */
  TLS13_12_PQ = 'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
}

/** The production listener when it serves HTTPS. */
export interface HttpsListenerSpec {
  /** Port of the HTTPS listener. */
  readonly port: number;
  readonly tlsPolicy: ListenerTlsPolicy;
  /** The plain-HTTP port, answered with a permanent redirect (301) to HTTPS. */
  readonly redirectFromPort: number;
}

/** The target group's health check. */
export interface TargetHealthCheckSpec {
  readonly path: string;
  /** HTTP codes that count as healthy. */
  readonly healthyHttpCodes: string;
  readonly interval: Duration;
  readonly timeout: Duration;
  readonly healthyThresholdCount: number;
  readonly unhealthyThresholdCount: number;
}

/** The load balancer and its target groups. */
export interface LoadBalancerSpec {
  /** Reject requests with header fields that are not valid HTTP (request smuggling). */
  readonly dropInvalidHeaderFields: boolean;
  /** The load balancer refuses deletion (on when the environment retains its data). */
  readonly deletionProtection: boolean;
  /** Port of the production listener when it serves plain HTTP. */
  readonly httpPort: number;
  /** The production listener when the environment has a certificate. */
  readonly https: HttpsListenerSpec;
  /** How long a draining target keeps its in-flight requests. */
  readonly deregistrationDelay: Duration;
  readonly healthCheck: TargetHealthCheckSpec;
  /** Port of the test listener (VPC only) of traffic-shifting deployments. */
  readonly testListenerPort: number;
  /** Priority and path pattern of the production and test listener rules. */
  readonly rulePriority: number;
  readonly rulePathPattern: string;
  /** Access logs: S3 key prefix and how long objects are kept. */
  readonly accessLogs: { readonly prefix: string; readonly expiration: Duration };
}

/** The task definition's application container. */
export interface TaskContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly port: number;
  /** Name of the port mapping. */
  readonly portName: string;
  /** The container cannot write to its image: a compromised process cannot plant files. */
  readonly readonlyRootFilesystem: boolean;
  readonly user: string;
  /** Time in-flight requests get to finish after SIGTERM, before SIGKILL. */
  readonly stopTimeout: Duration;
  /** awslogs: log group name and stream prefix. */
  readonly logging: { readonly logGroupName: string; readonly streamPrefix: string };
}

/**
 * The numbers and hardening of a container service on AWS, written once for every AWS target
 * (`ProgressiveFargateService` through CloudFormation, `DeploymentComponent` through Pulumi). The
 * cross-target test compares what each target renders from it.
 */
export interface ContainerTaskSpec {
  /** Task definition family. */
  readonly family: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly container: TaskContainerSpec;
  readonly loadBalancer: LoadBalancerSpec;
  /** Time new tasks get before load balancer health checks count. */
  readonly healthCheckGracePeriod: Duration;
}

/** The task inputs a definition's container states, for the service `serviceName` (both AWS targets start from these). */
export function containerTaskInputOf(
  serviceName: string,
  container: ContainerWorkload,
): Pick<ContainerTaskInput, 'serviceName' | 'image' | 'containerPort' | 'healthCheckPath' | 'cpu' | 'memoryMiB'> {
  return {
    serviceName,
    image: container.image,
    containerPort: container.port,
    healthCheckPath: container.healthCheckPath,
    cpu: container.cpu,
    memoryMiB: container.memoryMiB,
  };
}

/** The task, container and load balancer settings of a container service. */
export function containerTaskSpec(input: ContainerTaskInput): ContainerTaskSpec {
  return {
    family: input.serviceName,
    cpu: input.cpu ?? 512,
    memoryMiB: input.memoryMiB ?? 1024,
    container: {
      name: APP_CONTAINER_NAME,
      image: input.image,
      port: input.containerPort,
      portName: 'http',
      readonlyRootFilesystem: true,
      // Never root: the image's user is not trusted to be non-root.
      user: input.user ?? DEFAULT_CONTAINER_USER,
      // Give in-flight requests time to finish after the load balancer stops sending new ones.
      stopTimeout: Duration.seconds(30),
      logging: { logGroupName: `/ecs/${input.serviceName}`, streamPrefix: APP_CONTAINER_NAME },
    },
    loadBalancer: {
      dropInvalidHeaderFields: true,
      deletionProtection: input.deletionProtection ?? input.retained ?? true,
      httpPort: 80,
      https: { port: 443, tlsPolicy: ListenerTlsPolicy.TLS13_12_PQ, redirectFromPort: 80 },
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: input.healthCheckPath,
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      testListenerPort: input.testListenerPort ?? 9000,
      rulePriority: 1,
      rulePathPattern: '/*',
      accessLogs: { prefix: input.serviceName, expiration: Duration.days(90) },
    },
    healthCheckGracePeriod: Duration.seconds(60),
  };
}

/** Days logs of an environment are kept: a year in production, a month elsewhere. */
export function logRetentionDays(production: boolean): number {
  return production ? 365 : 30;
}
