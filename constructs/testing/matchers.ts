import { artefactsOf } from './private/artefacts';
import {
  checkDeadMansSwitch,
  checkRollBackOnAlarm,
  checkSecretsOutOfPlainText,
  checkShiftTraffic,
  type CheckResult,
} from './private/checks';

/** The part of jest's matcher context the matchers use (`this` inside a matcher). */
export interface GlidepathMatcherContext {
  readonly isNot?: boolean;
}

/** What a jest matcher returns. */
export interface GlidepathMatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

type Matcher<A extends unknown[]> = (this: GlidepathMatcherContext, received: unknown, ...args: A) => GlidepathMatcherResult;

function matcher<A extends unknown[]>(
  name: string,
  expectation: (...args: A) => string,
  check: (...args: A) => (a: NonNullable<ReturnType<typeof artefactsOf>>) => CheckResult,
): Matcher<A> {
  return function (this: GlidepathMatcherContext, received: unknown, ...args: A): GlidepathMatcherResult {
    const artefacts = artefactsOf(received);
    if (!artefacts) {
      return {
        pass: false,
        message: () => `${name}: expected an aws-cdk-lib Stack, a cdk8s Chart or a snapshotOf() result; got ${describe(received)}`,
      };
    }
    const { checked, problems } = check(...args)(artefacts);
    const pass = problems.length === 0;
    const what = expectation(...args);
    return {
      pass,
      message: () =>
        pass
          ? [`expect(${artefacts.label}).not.${name}`, '', `Expected it not to ${what}, but:`, ...checked.map((c) => `  - ${c}`)].join('\n')
          : [
              `expect(${artefacts.label}).${name}`,
              '',
              `Expected it to ${what}, but:`,
              ...problems.map((p) => (p.startsWith('  ') ? `  ${p}` : `  - ${p}`)),
              ...(checked.length > 0 ? ['', 'These are fine:', ...checked.map((c) => `  - ${c}`)] : []),
            ].join('\n'),
    };
  };
}

function describe(x: unknown): string {
  return typeof x === 'object' && x !== null ? `an object of class ${x.constructor?.name ?? 'Object'}` : String(x);
}

/**
 * Every deployment rolls back by itself: ECS services with deployment alarms (enabled, rollback),
 * CodeDeploy groups that stop and roll back on alarm, Argo Rollouts with an analysis.
 */
export const toRollBackOnAlarm = matcher<[]>(
  'toRollBackOnAlarm()',
  () => 'roll every deployment back on alarm',
  () => checkRollBackOnAlarm,
);

/** Some alarm fires on silence: CloudWatch with `TreatMissingData: breaching` and an action, or a Prometheus `absent` alert. */
export const toHaveDeadMansSwitch = matcher<[]>(
  'toHaveDeadMansSwitch()',
  () => "have a dead-man's switch (an alarm that fires when data stops)",
  () => checkDeadMansSwitch,
);

/**
 * Every deployment moves traffic through exactly these weights, ending at 100, as the platform
 * will run them: an ECS canary of 10 % is `[10, 100]`, linear 25 % is `[25, 50, 75, 100]`,
 * blue/green is `[100]`, an Argo canary is its `setWeight` steps.
 */
export const toShiftTraffic = matcher<[readonly number[]]>(
  'toShiftTraffic()',
  (weights) => `shift traffic ${weights.map((w) => `${w}%`).join(' → ')}`,
  (weights) => (a) => checkShiftTraffic(a, weights),
);

/** No credential appears as a literal: not in templates, task definitions, manifests or ConfigMaps. */
export const toKeepSecretsOutOfPlainText = matcher<[]>(
  'toKeepSecretsOutOfPlainText()',
  () => 'keep secrets out of plain text',
  () => checkSecretsOutOfPlainText,
);

/** The matchers, for `expect.extend(glidepathMatchers)`. */
export const glidepathMatchers = { toRollBackOnAlarm, toHaveDeadMansSwitch, toShiftTraffic, toKeepSecretsOutOfPlainText };

/**
 * Registers the matchers with jest's `expect` (the global one unless given). Call it once, e.g. in
 * a `setupFilesAfterEnv` file; the TypeScript declarations come with `glidepath/testing`.
 */
export function registerGlidepathMatchers(expectFn?: { extend(matchers: Record<string, unknown>): void }): void {
  const target = expectFn ?? (globalThis as { expect?: { extend(matchers: Record<string, unknown>): void } }).expect;
  if (!target || typeof target.extend !== 'function') {
    throw new Error('registerGlidepathMatchers() found no jest expect: call it inside a jest test file or setup file, or pass expect');
  }
  target.extend(glidepathMatchers);
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // Type parameters must match @types/jest's declaration to merge with it.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars, @typescript-eslint/no-empty-object-type
    interface Matchers<R, T = {}> {
      /** Every deployment (ECS, CodeDeploy, Argo Rollouts) rolls back on alarm or failed analysis. */
      toRollBackOnAlarm(): R;
      /** Some alarm or alert fires when data stops arriving. */
      toHaveDeadMansSwitch(): R;
      /** Every deployment shifts traffic through exactly these weights, e.g. `[5, 25, 50, 100]`. */
      toShiftTraffic(weights: readonly number[]): R;
      /** No credential appears as a literal value in templates or manifests. */
      toKeepSecretsOutOfPlainText(): R;
    }
  }
}
