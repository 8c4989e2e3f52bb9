/**
 * The Kubernetes target's network rules (lib/model/validate-kubernetes-network.ts: a database and
 * the API server reachable through the NetworkPolicies, an Ingress class glidepath can route), run
 * by `glidepath validate` so that it refuses what `DeploymentChart` would refuse, with the line
 * where the field is written: the environment's override when it has one, else the service's (a
 * field written nowhere is reported where a service-wide value would go).
 */
import type { EnvironmentDefinition } from '../environment';
import type { Problem } from '../problems';
import type { ServiceDefinition } from '../service-definition';
import { kubernetesNetworkProblems } from '../validate-kubernetes-network';
import type { Parsed } from './checkable';

/** The network problems of environment `i` of a container service, located where they are written. */
export function kubernetesNetworkRuleProblems(def: ServiceDefinition, env: EnvironmentDefinition, i: number, parsed: Parsed): Problem[] {
  const inEnvironment = (field: readonly string[]) =>
    field.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], parsed.environments[i]?.kubernetes) !==
    undefined;
  // A field written nowhere is reported where a service-wide value would go.
  return kubernetesNetworkProblems(def, env, (...field) =>
    inEnvironment(field) ? ['environments', i, 'kubernetes', ...field] : ['kubernetes', ...field],
  );
}
