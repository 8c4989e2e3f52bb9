import { RegionInfo } from 'aws-cdk-lib/region-info';
import { validateDefinition } from '../../lib/model';
import { appConfigLambdaLayerArn, appConfigLambdaLayerRegions } from '../../lib/plan/appconfig-lambda-layers';
import { containerTaskInputOf, containerTaskSpec } from '../../lib/plan/container-task-spec';

/**
 * Container task and AppConfig layer facts the older suites left unchecked, every fixture built
 * inside its test. Expected values from the AWS documentation:
 * - target group health checks, success codes ("Matcher", HTTP `200` unless set):
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * - listener rule path patterns (`/*` matches every path):
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions
 * - the AppConfig Lambda extension's publishing accounts, independently transcribed by aws-cdk-lib's
 *   region facts (`RegionInfo.appConfigLambdaArn`).
 */

test('containerTaskInputOf: the task inputs a definition states', () => {
  const container = validateDefinition({
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    workload: {
      container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz', cpu: 1024, memoryMiB: 2048 },
    },
    environments: [{ name: 'staging', rollout: { strategy: 'canary' } }],
  }).workload.container!;
  expect(containerTaskInputOf('checkout-staging', container)).toEqual({
    serviceName: 'checkout-staging',
    image: 'public.ecr.aws/acme/checkout:1.0.0',
    containerPort: 8080,
    healthCheckPath: '/healthz',
    cpu: 1024,
    memoryMiB: 2048,
  });
});

test('the port mapping is named http, a target is healthy on 200 only, and the rules match every path', () => {
  const spec = containerTaskSpec({ serviceName: 'checkout-prod', image: 'x:1', containerPort: 8080, healthCheckPath: '/healthz' });
  expect(spec.container.portName).toBe('http');
  expect(spec.loadBalancer.healthCheck.healthyHttpCodes).toBe('200');
  expect(spec.loadBalancer.rulePathPattern).toBe('/*');
  expect(spec.loadBalancer.rulePriority).toBe(1);
});

test('every region where aws-cdk-lib knows the AppConfig extension is in the table, with the same publishing account', () => {
  const known = RegionInfo.regions
    .map((r) => r.name)
    .filter((name) => RegionInfo.get(name).partition === 'aws' && RegionInfo.get(name).appConfigLambdaArn('2.0.181', 'x86_64'));
  // aws-cdk-lib's table covers the regions of 2023; ours must hold every one of them.
  expect(known.length).toBeGreaterThanOrEqual(25);
  const ours = appConfigLambdaLayerRegions();
  expect(known.filter((r) => !ours.includes(r))).toEqual([]);
  for (const region of known) {
    for (const arch of ['x86_64', 'arm64'] as const) {
      const theirs = RegionInfo.get(region).appConfigLambdaArn('2.0.181', arch);
      if (!theirs) continue;
      expect(appConfigLambdaLayerArn(region, arch)?.split(':').slice(0, 7)).toEqual(theirs.split(':').slice(0, 7));
    }
  }
});
