import { DEFAULT_CONTAINER_USER } from '../../lib/model/container-user';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { APP_CONTAINER_NAME, ListenerTlsPolicy, containerTaskSpec, logRetentionDays } from '../../lib/plan/container-task-spec';

const input = {
  serviceName: 'checkout-prod',
  image: 'public.ecr.aws/acme/checkout:1.42.0',
  containerPort: 8080,
  healthCheckPath: '/healthz',
};

test('the hardening every AWS target renders: read-only root filesystem, 30 s stop timeout, access logs, strict headers', () => {
  const spec = containerTaskSpec(input);
  expect(spec.container).toMatchObject({
    name: APP_CONTAINER_NAME,
    readonlyRootFilesystem: true,
    logging: { logGroupName: '/ecs/checkout-prod', streamPrefix: 'app' },
  });
  expect(spec.container.stopTimeout.toSeconds()).toBe(30);
  expect(spec.loadBalancer.dropInvalidHeaderFields).toBe(true);
  expect(spec.loadBalancer.accessLogs.prefix).toBe('checkout-prod');
  expect(spec.loadBalancer.accessLogs.expiration.toSeconds()).toBe(90 * 86400);
});

test('defaults: 512 CPU units, 1024 MiB, test listener on 9000, health check every 10 s (2 healthy, 3 unhealthy)', () => {
  const spec = containerTaskSpec(input);
  expect({ cpu: spec.cpu, memory: spec.memoryMiB, test: spec.loadBalancer.testListenerPort }).toEqual({
    cpu: 512,
    memory: 1024,
    test: 9000,
  });
  const hc = spec.loadBalancer.healthCheck;
  expect({
    path: hc.path,
    interval: hc.interval.toSeconds(),
    timeout: hc.timeout.toSeconds(),
    up: hc.healthyThresholdCount,
    down: hc.unhealthyThresholdCount,
  }).toEqual({
    path: '/healthz',
    interval: 10,
    timeout: 5,
    up: 2,
    down: 3,
  });
});

test('given values win over defaults; containers never run as the image user (root) unless one is given', () => {
  const spec = containerTaskSpec({ ...input, cpu: 1024, memoryMiB: 2048, testListenerPort: 9443 });
  expect({ cpu: spec.cpu, memory: spec.memoryMiB, test: spec.loadBalancer.testListenerPort, user: spec.container.user }).toEqual({
    cpu: 1024,
    memory: 2048,
    test: 9443,
    user: DEFAULT_CONTAINER_USER,
  });
  expect(containerTaskSpec({ ...input, user: 'app:app' }).container.user).toBe('app:app');
});

test('logs are kept a year in production and a month elsewhere', () => {
  expect([logRetentionDays(true), logRetentionDays(false)]).toEqual([365, 30]);
});

test('HTTPS: 443 with TLS 1.3/1.2 and post-quantum key exchange (the policy aws-cdk-lib names TLS13_12_PQ), 80 redirects', () => {
  const { https, httpPort } = containerTaskSpec(input).loadBalancer;
  expect(https).toEqual({ port: 443, tlsPolicy: ListenerTlsPolicy.TLS13_12_PQ, redirectFromPort: 80 });
  expect(httpPort).toBe(80);
  // ProgressiveFargateService passes the name as an elbv2.SslPolicy: it must be one.
  expect(String(ListenerTlsPolicy.TLS13_12_PQ)).toBe(String(elbv2.SslPolicy.TLS13_12_PQ));
});

test('deletion protection follows retention unless stated', () => {
  expect(containerTaskSpec(input).loadBalancer.deletionProtection).toBe(true);
  expect(containerTaskSpec({ ...input, retained: false }).loadBalancer.deletionProtection).toBe(false);
  expect(containerTaskSpec({ ...input, retained: false, deletionProtection: true }).loadBalancer.deletionProtection).toBe(true);
});
