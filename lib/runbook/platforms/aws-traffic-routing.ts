import { createHash } from 'node:crypto';
import { environmentOf, type ServiceDefinition } from '../../model/service-definition';
import { TlsMode } from '../../model/tls';
import { containerTaskSpec } from '../../plan/container-task-spec';
import { compileEcsRollout } from '../../plan/rollout/ecs-schedule';
import { cdkLogicalId } from './aws-logical-id';

/** One resource as rendered in the template: logical id and the properties that count. */
export type RenderedResource = readonly [logicalId: string, properties: Readonly<Record<string, unknown>>];

/** The template fragments the traffic-routing fingerprint covers. */
export interface TrafficRoutingResources {
  /** The listener rules ECS shifts traffic on, every property. */
  readonly rules: readonly RenderedResource[];
  /** The production listener: `Port` and `Protocol`. */
  readonly listeners: readonly RenderedResource[];
  /** The target groups: `Port`, `Protocol`, `TargetType`, `VpcId`, `Name` (their replacement properties). */
  readonly targetGroups: readonly RenderedResource[];
}

/**
 * A fingerprint of everything that makes CloudFormation rewrite or replace the listener rules ECS
 * shifts traffic on. ECS changes the rules' weights at every deployment; a stack update that
 * touches the rules writes the template's 100/0 weights back and may point production at the
 * empty target group (aws/aws-cdk#36649). While the fingerprint is unchanged, CloudFormation leaves
 * the live weights alone. The stack outputs it (`TrafficRouting`); the runbook's pre-deployment
 * guard compares the deployed value with the one of the template about to be deployed.
 */
export function trafficRoutingFingerprint(resources: TrafficRoutingResources): string {
  const input = JSON.stringify({ rules: resources.rules, listeners: resources.listeners, targetGroups: resources.targetGroups });
  return createHash('sha256').update(input).digest('hex').slice(0, 16);
}

/** Construct paths below the stack of what `DeploymentStack` builds for a container service (`Service`). */
const id = (...path: string[]) => cdkLogicalId([...path, 'Resource']);

/**
 * The `TrafficRouting` fingerprint the `DeploymentStack` of an environment outputs, from the
 * definition alone (its defaults: its own VPC, the load balancer of `ProgressiveFargateService`):
 * the rules, listener and target groups rendered as aws-cdk-lib renders them (logical ids from the
 * construct paths, the stack's glidepath tags). Undefined when the service has no test listener
 * (rolling updates, functions): there is no traffic-shifting rule to guard.
 */
export function awsTrafficRoutingFingerprint(definition: ServiceDefinition, environment: string): string | undefined {
  const container = definition.workload.container;
  if (!container) return undefined;
  const env = environmentOf(definition, environment);
  if (compileEcsRollout(env).settings.strategy === 'ROLLING') return undefined;
  const lb = containerTaskSpec({
    serviceName: definition.service,
    image: container.image,
    containerPort: container.port,
    healthCheckPath: container.healthCheckPath,
  }).loadBalancer;
  const https = env.tls !== undefined && env.tls.mode !== TlsMode.DISABLED;
  const listener = id('Service', 'LoadBalancer', https ? 'Https' : 'Http');
  const testListener = id('Service', 'LoadBalancer', 'Test');
  const primary = id('Service', 'PrimaryTargetGroup');
  const alternate = id('Service', 'AlternateTargetGroup');
  // Tags.of(stack) in DeploymentStack; aws-cdk-lib renders them sorted by key.
  const tags = [
    { Key: 'glidepath:environment', Value: env.name },
    { Key: 'glidepath:service', Value: definition.service },
    { Key: 'glidepath:team', Value: definition.owners.team },
  ];
  const rule = (listenerId: string) => ({
    Actions: [
      {
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: { Ref: primary }, Weight: 100 },
            { TargetGroupArn: { Ref: alternate }, Weight: 0 },
          ],
        },
        Type: 'forward',
      },
    ],
    Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [lb.rulePathPattern] } }],
    ListenerArn: { Ref: listenerId },
    Priority: lb.rulePriority,
    Tags: tags,
  });
  const targetGroup = { Port: container.port, Protocol: 'HTTP', TargetType: 'ip', VpcId: { Ref: id('Vpc') } };
  return trafficRoutingFingerprint({
    rules: [
      [id('Service', 'ProductionRule'), rule(listener)],
      [id('Service', 'TestRule'), rule(testListener)],
    ],
    listeners: [[listener, https ? { Port: lb.https.port, Protocol: 'HTTPS' } : { Port: lb.httpPort, Protocol: 'HTTP' }]],
    targetGroups: [
      [primary, targetGroup],
      [alternate, targetGroup],
    ],
  });
}
