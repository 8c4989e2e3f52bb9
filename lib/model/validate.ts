import { resolveAlarmPolicy } from './alarm-policy';
import { resolveDeadMansSwitch } from './dead-mans-switch';
import { checkDelivery } from './delivery';
import { DefinitionError, formatPath, formatValue, problem, problemsFromIssues, type Problem } from './problems';
import { deployLimitProblems } from '../plan/deploy-limits';
import { DOCUMENT, toPlainData } from './private/plain-data';
import type { SourceLocation } from './private/source-document';
import { knownKeysAt } from './private/known-keys';
import { rememberInput } from './private/validated-input';
import { isProduction, resolveDefinition } from './private/resolve';
import { serviceDefinitionSchema, type ServiceDefinition, type ServiceDefinitionInput } from './service-definition';
import { checkAlarms } from './validate/alarms';
import { checkCapacity } from './validate/capacity';
import { partialParse, type Checkable } from './validate/checkable';
import { checkDuplicates, checkPlainEnvironment, ONE_DAY_SECONDS } from './validate/common';
import { checkFlagRollouts } from './validate/feature-flags';
import { located, pathAndAncestors } from './validate/locate';
import { checkMigrations } from './validate/migrations';
import { checkRollout } from './validate/rollout';
import { checkSecret } from './validate/secrets';
import { checkSmokeTests } from './validate/smoke-tests';
import { targetProblems } from './validate/targets';
import { checkFunctionCode, checkFunctionTimeout } from './validate/workload';

export { looksLikeCredential } from './validate/common';
export type { Checkable } from './validate/checkable';

/** Options for validating a definition. */
export interface ValidateOptions {
  /** Where the definition came from, named in error messages. @default - none */
  readonly source?: string;
  /** Directory relative paths are resolved against. @default - the current directory */
  readonly baseDirectory?: string;
  /**
   * Where a field (path as `formatPath` writes it) is written in the source file, so messages can
   * point at it and quote values as written. `loadDefinitionFile` supplies it for YAML and JSON.
   * @default - messages carry no positions
   */
  readonly locate?: (path: string) => SourceLocation | undefined;
  /**
   * Also refuse what any target would refuse at synthesis (HTTPS in production, a region where a
   * target needs one, Kubernetes metrics and scrape settings, smoke checks a hook can run): what
   * `loadDefinitionFile`, and so every CLI command, checks, since the CLI synthesizes every target.
   * A library user composing one target's constructs gets that target's own checks instead.
   * @default false
   */
  readonly targetRules?: boolean;
}

/**
 * Validates a definition and fills every default. Throws a `DefinitionError` listing every
 * problem (field path, value found, fix) when it is invalid; nothing else is thrown for bad input.
 */
export function validateDefinition(input: unknown, options: ValidateOptions = {}): ServiceDefinition {
  const fail = (problems: readonly Problem[]): never => {
    throw new DefinitionError(located(problems, options), options.source);
  };
  // Getters, proxies, cycles, BigInts, prototype keys and absurd sizes become problems here, so
  // the schema below only ever sees plain data of bounded size and depth.
  const plain = toPlainData(input);
  const data = plain.value;
  if (data === undefined || data === null || typeof data !== 'object' || Array.isArray(data)) {
    fail(
      plain.problems.length > 0
        ? plain.problems
        : [
            {
              path: DOCUMENT,
              message: `${DOCUMENT} is ${formatValue(data)}; a definition is a mapping with "service", "owners", "workload" and "environments"`,
            },
          ],
    );
  }
  const parsed = serviceDefinitionSchema.safeParse(data);
  if (!parsed.success) {
    // Report the cross-field problems of the parts that did parse too: every problem at once.
    const written = options.locate ? (at: readonly PropertyKey[]) => options.locate!(formatPath(at))?.written : undefined;
    const structural = problemsFromIssues(parsed.error.issues, data, knownKeysAt, written);
    // A field that could not be read was dropped from the data: its "missing" is no problem of its own.
    // Nor is a complaint about the value that held it (a list cut at the depth limit is not "a string").
    const unreadable = new Set(plain.problems.map((p) => p.path));
    const holders = new Set(plain.problems.flatMap((p) => pathAndAncestors(p.path)));
    const own = structural.filter((p) => !holders.has(p.path) && !pathAndAncestors(p.path).some((at) => unreadable.has(at)));
    fail([...plain.problems, ...own, ...checkDefinition(partialParse(data))]);
  }
  const problems = [...plain.problems, ...checkDefinition(parsed.data!)];
  // Needs the filesystem and the definition's directory, so only once the definition parsed.
  checkFunctionCode(parsed.data!, options.baseDirectory, problems);
  if (problems.length > 0) {
    fail(problems);
  }
  const resolved = resolveDefinition(parsed.data!, options.baseDirectory ?? process.cwd());
  // What AWS would refuse at synthesis or deployment: names over their limits, a 4 KB Lambda environment, …
  const limits = [...deployLimitProblems(resolved), ...(options.targetRules ? targetProblems(resolved, parsed.data!) : [])];
  if (limits.length > 0) {
    fail(limits);
  }
  return resolved;
}

/**
 * Declares a definition in TypeScript: type-checked as you write it, validated when called.
 */
export function defineService(input: ServiceDefinitionInput, options: ValidateOptions = {}): ServiceDefinition {
  // Kept so that loadDefinitionFile validates the input again, naming the file, instead of trusting the result's shape.
  return rememberInput(validateDefinition(input, options), { input, baseDirectory: options.baseDirectory });
}

function checkDefinition(def: Checkable): Problem[] {
  const problems: Problem[] = [];
  const budgets = def.rollbackBudgets ?? {};
  for (const [key, budget] of Object.entries(budgets)) {
    if (budget !== undefined && budget.toSeconds() <= 0) {
      problems.push(problem(['rollbackBudgets', key], budget.toString(), 'a rollback budget must be longer than 0s'));
    }
  }

  if (def.workload?.container) {
    checkPlainEnvironment(def.workload.container.environment, ['workload', 'container', 'environment'], problems);
  }
  if (def.workload?.function) {
    checkPlainEnvironment(def.workload.function.environment, ['workload', 'function', 'environment'], problems);
  }

  const environmentNames = def.environmentNames ?? def.environments.map((e) => e?.name);
  checkDuplicates([...environmentNames], ['environments'], 'name', 'environment names must be unique', problems);
  checkDuplicates(
    (def.featureFlags ?? []).map((f) => f.name),
    ['featureFlags'],
    'name',
    'feature flag names must be unique',
    problems,
  );
  checkFlagRollouts(def, problems);
  checkSmokeTests(def, problems);
  checkMigrations(def, problems);
  checkFunctionTimeout(def, problems);
  const secrets = def.secrets ?? [];
  checkDuplicates(
    secrets.map((s) => s?.name),
    ['secrets'],
    'name',
    'secret names must be unique',
    problems,
  );
  checkDuplicates(
    secrets.map((s) => s?.envVar),
    ['secrets'],
    'envVar',
    'each secret needs its own environment variable',
    problems,
  );
  secrets.forEach((secret, i) => secret && checkSecret(secret, i, def, problems));

  const productionIndexes: number[] = [];
  def.environments.forEach((env, i) => {
    if (!env) return;
    const at = (...rest: PropertyKey[]) => ['environments', i, ...rest];
    const production = isProduction(env);
    if (production) {
      productionIndexes.push(i);
    } else if (productionIndexes.length > 0) {
      problems.push(
        problem(
          at('name'),
          env.name,
          `"${env.name}" comes after production environment "${def.environments[productionIndexes[0]]?.name}"; list environments in promotion order with production last, or, if "${env.name}" serves real users too (a second production region), set "production: true" on it`,
        ),
      );
    }
    if (`${def.service}-${env.name}`.length > 60) {
      problems.push(
        problem(
          at('name'),
          env.name,
          `"${def.service}-${env.name}" is longer than 60 characters; shorten the service or environment name (it names the stack and the namespace)`,
        ),
      );
    }
    checkRollout(env, def, at, problems);
    const alarms = resolveAlarmPolicy(def.alarms, env.alarms);
    checkAlarms(alarms, env, at, production, problems);
    const deadMan = resolveDeadMansSwitch(def.deadMansSwitch, env.deadMansSwitch);
    // Report the field where the user wrote the value: the environment's override if any, else the service's.
    const deadManAt = (key: 'enabled' | 'missingFor') =>
      env.deadMansSwitch?.[key] !== undefined ? at('deadMansSwitch', key) : ['deadMansSwitch', key];
    if (production && !deadMan.enabled) {
      problems.push(
        problem(deadManAt('enabled'), false, `production environment "${env.name}" needs a dead-man's switch; remove "enabled: false"`),
      );
    }
    if (deadMan.enabled && (deadMan.missingFor.toSeconds() < 60 || !deadMan.missingFor.isWholeMinutes())) {
      problems.push(problem(deadManAt('missingFor'), deadMan.missingFor.toString(), 'use a whole number of minutes, at least "1m"'));
    } else if (deadMan.enabled && deadMan.missingFor.toSeconds() > ONE_DAY_SECONDS) {
      problems.push(
        problem(
          deadManAt('missingFor'),
          deadMan.missingFor.toString(),
          'CloudWatch evaluates at most one day of datapoints; use "1d" or less (an outage should be noticed in minutes)',
        ),
      );
    }
    if (env.capacity) {
      checkCapacity(env, def, at, problems);
    }
  });
  if (def.delivery && !def.environmentsUnknown) problems.push(...checkDelivery(def.delivery, def.environments, environmentNames));
  // Per-topic rules: a file lib/model/validate-<topic>.ts (or lib/model/validate/<topic>.ts) exporting
  // `check<Topic>(def: Checkable): Problem[]`, hooked here with one line each.
  // What a target refuses at synthesis goes in lib/model/validate/targets.ts instead (resolved definition).
  // A service-level value that is wrong for several environments is one problem, reported once.
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && Boolean(seen.add(p.message)));
}
