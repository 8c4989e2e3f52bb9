import type { EnvironmentDefinition } from '../model/environment';
import type { ServiceDefinition } from '../model/service-definition';

/**
 * One step of the promotion order: a single environment, or a wave of environments that deploy in
 * parallel (after its canary environment, when it has one).
 */
export interface PromotionStep {
  /** The environment's name, or the wave's. */
  readonly name: string;
  /** Whether a human approves before this step deploys anything. */
  readonly approval: boolean;
  /** Deploys first and alone, before `parallel` (a wave's canary). */
  readonly canary?: EnvironmentDefinition;
  /** Deploy in parallel (after `canary`). */
  readonly parallel: readonly EnvironmentDefinition[];
  /** Whether this step is a wave. */
  readonly wave: boolean;
}

/**
 * The promotion order of a definition, shared by every pipeline target: environments in definition
 * order, with the environments of a wave grouped into one step at the position of its first one.
 */
export function promotionSteps(definition: ServiceDefinition): PromotionStep[] {
  const waves = definition.delivery?.waves ?? [];
  const steps: PromotionStep[] = [];
  const done = new Set<string>();
  for (const env of definition.environments) {
    if (done.has(env.name)) continue;
    const wave = waves.find((w) => w.environments.includes(env.name));
    if (!wave) {
      steps.push({ name: env.name, approval: env.approval, parallel: [env], wave: false });
      done.add(env.name);
      continue;
    }
    const members = definition.environments.filter((e) => wave.environments.includes(e.name));
    members.forEach((e) => done.add(e.name));
    const canary = members.find((e) => e.name === wave.canary);
    steps.push({
      name: wave.name,
      approval: members.some((e) => e.approval),
      canary,
      parallel: members.filter((e) => e !== canary),
      wave: true,
    });
  }
  return steps;
}

/** The environments of a step in the order they start. */
export function stepEnvironments(step: PromotionStep): EnvironmentDefinition[] {
  return [...(step.canary ? [step.canary] : []), ...step.parallel];
}
