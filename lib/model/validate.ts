import { type z } from 'zod';
import { resolveAlarmPolicy, type AlarmPolicy, type Evaluation } from './alarm-policy';
import { resolveDeadMansSwitch } from './dead-mans-switch';
import { checkDelivery } from './delivery';
import { type Duration } from './duration';
import type { EnvironmentInput } from './environment';
import { DefinitionError, formatPath, formatValue, problem, problemsFromIssues, type Problem } from './problems';
import { deployLimitProblems } from '../plan/deploy-limits';
import { DOCUMENT, toPlainData } from './private/plain-data';
import type { SourceLocation } from './private/source-document';
import { RolloutStrategy } from './rollout';
import { MAX_MIGRATION_TIMEOUT, MigrationPhase } from './migrations';
import type { SecretInput } from './secrets';
import { knownKeysAt } from './private/known-keys';
import { isProduction, resolveDefinition } from './private/resolve';
import { serviceDefinitionSchema, type ServiceDefinition, type ServiceDefinitionInput } from './service-definition';
import { smokeHeaderProblems } from './smoke-tests';
import { checkReceivers } from './validate-receivers';
import { isContainer } from './workload';

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
}

type Parsed = z.output<typeof serviceDefinitionSchema>;

/**
 * What the cross-field checks look at: a parsed definition, or, when parts of it failed the schema,
 * the parts that passed (failed environments and secrets are `undefined` at their index, so
 * messages keep the user's indexes; a failed workload is `undefined`).
 */
type Checkable = Omit<Parsed, 'workload' | 'environments' | 'secrets'> & {
  readonly workload?: Parsed['workload'];
  readonly environments: readonly (EnvironmentInput | undefined)[];
  readonly secrets?: readonly (SecretInput | undefined)[];
  /**
   * Environment names as written, including environments that failed the schema: a reference to
   * one of them is not a problem of its own (its environment's problem is reported).
   */
  readonly environmentNames?: readonly (string | undefined)[];
  /** Whether "environments" itself failed (missing or not a list). */
  readonly environmentsUnknown?: boolean;
};

/** Plain configuration keys and values that look like credentials. */
const SECRET_KEY = /(passw(or)?d|secret|token|api[-_]?key|private[-_]?key|credential)/i;
const SECRET_VALUE = [
  /AKIA[0-9A-Z]{16}/, // AWS access key id
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(ghp|gho|github_pat)_[A-Za-z0-9_]{20,}/,
  /\bxox[abpr]-[A-Za-z0-9-]{10,}/, // Slack token
  /\bsk_(live|test)_[A-Za-z0-9]{16,}/, // Stripe key
  /:\/\/[^/\s:@]+:[^/\s@]+@/, // credentials inside a URL
];

/** CloudWatch evaluates at most one day of datapoints per alarm. */
const ONE_DAY_SECONDS = 86400;

/** CloudWatch accepts these periods, plus any multiple of 60 seconds. */
function isValidPeriod(period: Duration): boolean {
  const s = period.toSeconds();
  return s === 10 || s === 30 || (s >= 60 && s % 60 === 0);
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
  if (problems.length > 0) {
    fail(problems);
  }
  const resolved = resolveDefinition(parsed.data!, options.baseDirectory ?? process.cwd());
  // What AWS would refuse at synthesis or deployment: names over their limits, a 4 KB Lambda environment, …
  const limits = deployLimitProblems(resolved);
  if (limits.length > 0) {
    fail(limits);
  }
  return resolved;
}

/** `a.b[2]` → [`a.b[2]`, `a.b`, `a`]. */
function pathAndAncestors(path: string): string[] {
  const out = [path];
  for (
    let cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    cut > 0;
    cut = Math.max(path.lastIndexOf('.', cut - 1), path.lastIndexOf('[', cut - 1))
  ) {
    out.push(path.slice(0, cut));
  }
  return out;
}

/** Appends where each problem's field is written (`file:line:column`), when the source is known. */
function located(problems: readonly Problem[], options: ValidateOptions): Problem[] {
  const { locate, source } = options;
  if (!locate) return [...problems];
  return problems.map((p) => {
    const at = p.path.startsWith('(') ? undefined : locate(p.path);
    return at ? { path: p.path, message: `${p.message} (at ${source ?? 'line'}:${at.line}:${at.column})` } : p;
  });
}

/**
 * Declares a definition in TypeScript: type-checked as you write it, validated when called.
 */
export function defineService(input: ServiceDefinitionInput, options: ValidateOptions = {}): ServiceDefinition {
  return validateDefinition(input, options);
}

/** Parses each part of a definition on its own, keeping the parts that pass. */
function partialParse(input: unknown): Checkable {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const shape = serviceDefinitionSchema.shape;
  const part = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
    const result = schema.safeParse(value);
    return result.success ? result.data : undefined;
  };
  const list = <T>(schema: z.ZodType<T>, value: unknown): (T | undefined)[] =>
    Array.isArray(value) ? value.map((v) => part(schema, v)) : [];
  return {
    service: typeof raw.service === 'string' ? raw.service : '',
    owners: part(shape.owners, raw.owners) as Parsed['owners'],
    workload: part(shape.workload, raw.workload),
    alarms: part(shape.alarms, raw.alarms),
    deadMansSwitch: part(shape.deadMansSwitch, raw.deadMansSwitch),
    rollbackBudgets: part(shape.rollbackBudgets, raw.rollbackBudgets),
    featureFlags: part(shape.featureFlags, raw.featureFlags),
    smokeTests: part(shape.smokeTests, raw.smokeTests),
    migrations: part(shape.migrations, raw.migrations),
    delivery: part(shape.delivery, raw.delivery),
    receivers: part(shape.receivers, raw.receivers),
    runbookBaseUrl: part(shape.runbookBaseUrl, raw.runbookBaseUrl),
    environments: list(shape.environments.element, raw.environments),
    // Not a list at all: which environments exist is unknown, so references to them are not checked.
    environmentNames: Array.isArray(raw.environments)
      ? raw.environments.map((e: unknown) =>
          typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string'
            ? (e as { name: string }).name
            : undefined,
        )
      : undefined,
    environmentsUnknown: !Array.isArray(raw.environments),
    secrets: list(shape.secrets.unwrap().element, raw.secrets),
  };
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
  problems.push(...checkReceivers(def));
  if (def.delivery && !def.environmentsUnknown) problems.push(...checkDelivery(def.delivery, def.environments, environmentNames));
  // A service-level value that is wrong for several environments is one problem, reported once.
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && Boolean(seen.add(p.message)));
}

function checkFlagRollouts(def: Checkable, problems: Problem[]): void {
  (def.featureFlags ?? []).forEach((flag, i) => {
    const rollout = flag.rollout;
    if (!rollout) return;
    const at = ['featureFlags', i, 'rollout', 'percent'];
    if (rollout.percent === 0 && !rollout.internalFirst) {
      problems.push(
        problem(
          at,
          0,
          'with "internalFirst" false nobody gets the flag; set "internalFirst: true" or a percentage above 0, or remove "rollout"',
        ),
      );
    }
    if (rollout.percent === 100) {
      problems.push(
        problem(at, 100, 'a 100% rollout is the same as the flag being on for everyone; remove "rollout" and keep "enabled: true"'),
      );
    }
    if (flag.enabled === false || flag.enabled === undefined) {
      problems.push(
        problem(
          ['featureFlags', i, 'enabled'],
          flag.enabled ?? false,
          `"rollout" only applies to a flag that is on; set "enabled: true" to release "${flag.name}" to ${rollout.internalFirst ? 'internal users and ' : ''}${rollout.percent}% of users`,
        ),
      );
    }
  });
}

/** Whether a plain value looks like a credential (keys, tokens, passwords in URLs, bearer tokens). */
export function looksLikeCredential(value: string): boolean {
  return SECRET_VALUE.some((pattern) => pattern.test(value)) || /^(bearer|basic)\s+\S{8,}/i.test(value);
}

function checkSmokeTests(def: Checkable, problems: Problem[]): void {
  const checks = def.smokeTests?.checks ?? [];
  checkDuplicates(
    checks.map((c) => c.name),
    ['smokeTests', 'checks'],
    'name',
    'smoke check names must be unique',
    problems,
  );
  for (const p of smokeHeaderProblems(checks, looksLikeCredential)) {
    problems.push(problem(['smokeTests', ...p.at], p.value, p.fix));
  }
}

function checkMigrations(def: Checkable, problems: Problem[]): void {
  const migrations = def.migrations ?? [];
  checkDuplicates(
    migrations.map((m) => m.name),
    ['migrations'],
    'name',
    'migration names must be unique',
    problems,
  );
  const image = def.workload?.container?.image;
  migrations.forEach((m, i) => {
    const at = (...rest: PropertyKey[]) => ['migrations', i, ...rest];
    if (m.phase === MigrationPhase.EXPAND && m.backwardCompatible === false) {
      problems.push(
        problem(
          at('backwardCompatible'),
          false,
          'an expand migration runs before the new version takes traffic, and the previous version must keep working on the expanded schema or a code rollback breaks; make it additive (new tables, nullable columns) and move the destructive part to a "contract" migration in a later release',
        ),
      );
    }
    if (m.phase === MigrationPhase.CONTRACT) {
      if (m.codeReleasedIn === undefined) {
        problems.push(
          problem(
            at('codeReleasedIn'),
            undefined,
            'a contract migration removes what older code reads; name the earlier release (image) whose code stopped using it, e.g. "codeReleasedIn: public.ecr.aws/acme/checkout:1.41.0", so the plan can check that a rollback cannot bring that code back',
          ),
        );
      } else if (image !== undefined && m.codeReleasedIn === image) {
        problems.push(
          problem(
            at('codeReleasedIn'),
            m.codeReleasedIn,
            `this release (${image}) is the one that stops using the old schema, so rolling it back brings back code that still needs it; ship this contract migration in a later release, after the rollback window of ${image} has closed`,
          ),
        );
      }
      if (m.backwardCompatible === true) {
        problems.push(
          problem(
            at('backwardCompatible'),
            true,
            'a contract migration removes schema that older code used; if nothing used it, make it an "expand" migration instead',
          ),
        );
      }
    }
    if (def.workload?.function) {
      problems.push(
        problem(
          at('name'),
          m.name,
          'migrations run as one-off container tasks beside a container workload; a function has no cluster to run them in, so run this migration from the service that owns the database',
        ),
      );
    }
    if (m.timeout && (m.timeout.toSeconds() <= 0 || m.timeout.toSeconds() > MAX_MIGRATION_TIMEOUT.toSeconds())) {
      problems.push(
        problem(
          at('timeout'),
          m.timeout.toString(),
          `it must be longer than 0s and at most "${MAX_MIGRATION_TIMEOUT}" (the deployment waits for the migration; split longer migrations or run them as a backfill outside the release)`,
        ),
      );
    }
  });
}

function checkPlainEnvironment(vars: Record<string, string>, at: PropertyKey[], problems: Problem[]): void {
  for (const [key, value] of Object.entries(vars)) {
    // An ARN is a reference (e.g. DB_PASSWORD_SECRET_ARN), not a credential, whatever the key says.
    const reference = /^arn:aws[-a-z]*:/.test(value);
    if ((SECRET_KEY.test(key) && !reference) || SECRET_VALUE.some((pattern) => pattern.test(value))) {
      problems.push(
        problem(
          [...at, key],
          '<redacted>',
          `this looks like a credential in plain text; remove it and declare it under "secrets" (envVar "${key}") with "existing.secretName" or "generate"`,
        ),
      );
    }
  }
}

function checkDuplicates(values: (string | undefined)[], at: PropertyKey[], field: string, why: string, problems: Problem[]): void {
  values.forEach((value, i) => {
    const first = values.indexOf(value);
    if (value !== undefined && first !== i) {
      problems.push(problem([...at, i, field], value, `${why}; "${value}" is already used by ${at.join('.')}[${first}]`));
    }
  });
}

function checkSecret(secret: SecretInput, i: number, def: Checkable, problems: Problem[]): void {
  const at = (...rest: PropertyKey[]) => ['secrets', i, ...rest];
  if (secret.value !== undefined) {
    problems.push(
      problem(
        at('value'),
        '<redacted>',
        'secret values are never written in a definition; store the value in Secrets Manager and reference it with "existing.secretName", or use "generate"',
      ),
    );
  }
  if (secret.existing === undefined && secret.generate === undefined) {
    problems.push(
      problem(
        at('existing'),
        undefined,
        `secret "${secret.name}" needs exactly one of "existing" (a secret you manage) or "generate" (created and rotated for you)`,
      ),
    );
  } else if (secret.existing !== undefined && secret.generate !== undefined) {
    problems.push(
      problem(
        at('existing'),
        secret.existing,
        `secret "${secret.name}" also has "generate"; keep one: "existing" for a secret you manage, or "generate" to have it created and rotated`,
      ),
    );
  }
  if (secret.generate) {
    const days = secret.generate.rotation.toSeconds() / 86400;
    if (!Number.isInteger(days) || days < 1 || days > 1000) {
      problems.push(
        problem(
          at('generate', 'rotation'),
          secret.generate.rotation.toString(),
          'rotation must be a whole number of days between "1d" and "1000d"',
        ),
      );
    }
  }
  const plain = def.workload?.container?.environment ?? def.workload?.function?.environment ?? {};
  if (Object.hasOwn(plain, secret.envVar)) {
    problems.push(
      problem(at('envVar'), secret.envVar, `"${secret.envVar}" is also set in the workload's plain environment; remove it there`),
    );
  }
}

function checkRollout(env: EnvironmentInput, def: Checkable, at: (...rest: PropertyKey[]) => PropertyKey[], problems: Problem[]): void {
  const { strategy, stages } = env.rollout;
  const shifting = strategy === RolloutStrategy.CANARY || strategy === RolloutStrategy.LINEAR || strategy === RolloutStrategy.BLUE_GREEN;
  if (def.workload && !isContainer(def.workload) && strategy === RolloutStrategy.ROLLING) {
    problems.push(
      problem(
        at('rollout', 'strategy'),
        strategy,
        'functions shift traffic between versions and cannot roll instances; use "canary", "linear", "blue-green" or "all-at-once"',
      ),
    );
  }
  if (!shifting) {
    if (stages !== undefined) {
      problems.push(
        problem(at('rollout', 'stages'), stages, `"${strategy}" does not split traffic between versions; remove "stages" or use "canary"`),
      );
    }
    return;
  }
  if (stages === undefined) {
    return;
  }
  stages.forEach((stage, s) => {
    const where = at('rollout', 'stages', s);
    if (stage.bake.toSeconds() <= 0) {
      problems.push(problem([...where, 'bake'], stage.bake.toString(), 'bake time must be longer than 0s'));
    }
    if (s > 0 && stage.trafficPercent <= stages[s - 1].trafficPercent) {
      problems.push(
        problem(
          [...where, 'trafficPercent'],
          stage.trafficPercent,
          `it must be greater than stages[${s - 1}] (${stages[s - 1].trafficPercent}); stages run in order of increasing traffic`,
        ),
      );
    }
  });
  const last = stages[stages.length - 1];
  if (last.trafficPercent !== 100) {
    problems.push(
      problem(
        at('rollout', 'stages', stages.length - 1, 'trafficPercent'),
        last.trafficPercent,
        'the last stage must send 100% of traffic to the new version',
      ),
    );
  }
  if (strategy === RolloutStrategy.BLUE_GREEN) {
    stages.forEach((stage, s) => {
      if (stage.trafficPercent !== 0 && stage.trafficPercent !== 100) {
        problems.push(
          problem(
            at('rollout', 'stages', s, 'trafficPercent'),
            stage.trafficPercent,
            'blue-green shifts all traffic at once, so stages may only be 0% (test route) and 100%; use "canary" for partial stages',
          ),
        );
      }
    });
  }
  if (strategy === RolloutStrategy.LINEAR) {
    const shifting = stages.filter((st) => st.trafficPercent > 0);
    const step = shifting[0]?.trafficPercent ?? 100;
    shifting.forEach((stage, k) => {
      const expected = Math.min(100, step * (k + 1));
      // The last stage (100 %) may follow any step: the platforms keep stepping by `step` until 100 %, so
      // `[10%, 100%]` is a shorthand for 10 equal steps and the compiled schedule lists them all.
      if (Math.abs(stage.trafficPercent - expected) > 1e-9 && stage !== shifting[shifting.length - 1]) {
        const s = stages.indexOf(stage);
        problems.push(
          problem(
            at('rollout', 'stages', s, 'trafficPercent'),
            stage.trafficPercent,
            `linear rollouts move in equal steps of ${step}%, so this stage must be ${expected}%; use "canary" for uneven stages`,
          ),
        );
      }
    });
  }
}

function checkEvaluation(evaluation: Evaluation, at: PropertyKey[], problems: Problem[]): void {
  if (!isValidPeriod(evaluation.period)) {
    problems.push(problem([...at, 'period'], evaluation.period.toString(), 'CloudWatch periods are 10s, 30s or a whole number of minutes'));
  }
  const window = evaluation.period.toSeconds() * evaluation.evaluationPeriods;
  if (isValidPeriod(evaluation.period) && window > ONE_DAY_SECONDS) {
    problems.push(
      problem(
        [...at, 'evaluationPeriods'],
        evaluation.evaluationPeriods,
        `${evaluation.evaluationPeriods} periods of ${evaluation.period} span more than one day, which CloudWatch refuses; use fewer periods or a shorter period`,
      ),
    );
  }
  if (evaluation.datapointsToAlarm > evaluation.evaluationPeriods) {
    problems.push(
      problem(
        [...at, 'datapointsToAlarm'],
        evaluation.datapointsToAlarm,
        `it must not exceed evaluationPeriods (${evaluation.evaluationPeriods})`,
      ),
    );
  }
}

function checkAlarms(
  alarms: AlarmPolicy,
  env: EnvironmentInput,
  at: (...rest: PropertyKey[]) => PropertyKey[],
  production: boolean,
  problems: Problem[],
): void {
  // Report the field where the user wrote the value: the environment's override if any, else the service's.
  const where = (...rest: string[]): PropertyKey[] => {
    let envValue: unknown = env.alarms;
    for (const key of rest) envValue = (envValue as Record<string, unknown> | undefined)?.[key];
    return envValue !== undefined ? at('alarms', ...rest) : ['alarms', ...rest];
  };
  if (production && !alarms.enabled) {
    problems.push(problem(where('enabled'), false, `production environment "${env.name}" must have alarms; remove "enabled: false"`));
  }
  if (alarms.warning.errorRatePercent >= alarms.critical.errorRatePercent) {
    problems.push(
      problem(
        where('warning', 'errorRatePercent'),
        alarms.warning.errorRatePercent,
        `a warning must fire before the critical alarm; make it lower than critical.errorRatePercent (${alarms.critical.errorRatePercent})`,
      ),
    );
  }
  if (alarms.warning.p95LatencyMs >= alarms.critical.p99LatencyMs) {
    problems.push(
      problem(
        where('warning', 'p95LatencyMs'),
        alarms.warning.p95LatencyMs,
        `a warning must fire before the critical alarm; make it lower than critical.p99LatencyMs (${alarms.critical.p99LatencyMs})`,
      ),
    );
  }
  if (alarms.rollbackTrigger.errorRatePercent > 100) {
    problems.push(
      problem(
        where('rollbackTrigger', 'errorRateMultiplier'),
        alarms.rollbackTrigger.errorRateMultiplier,
        `baseline ${alarms.rollbackTrigger.baselineErrorRatePercent}% × ${alarms.rollbackTrigger.errorRateMultiplier} is above 100%; lower the multiplier or the baseline`,
      ),
    );
  }
  checkEvaluation(alarms.evaluation, where('evaluation'), problems);
  checkEvaluation(alarms.rollbackTrigger.evaluation, where('rollbackTrigger', 'evaluation'), problems);
}

function checkCapacity(env: EnvironmentInput, def: Checkable, at: (...rest: PropertyKey[]) => PropertyKey[], problems: Problem[]): void {
  const capacity = env.capacity ?? {};
  const { minCount, maxCount } = capacity;
  if ((minCount === undefined) !== (maxCount === undefined)) {
    problems.push(
      problem(at('capacity', minCount === undefined ? 'minCount' : 'maxCount'), undefined, 'autoscaling needs both minCount and maxCount'),
    );
    return;
  }
  if (minCount !== undefined && maxCount !== undefined) {
    if (minCount > maxCount) {
      problems.push(problem(at('capacity', 'minCount'), minCount, `it must not exceed maxCount (${maxCount})`));
      return;
    }
    if (capacity.desiredCount !== undefined) {
      if (capacity.desiredCount < minCount || capacity.desiredCount > maxCount) {
        problems.push(
          problem(
            at('capacity', 'desiredCount'),
            capacity.desiredCount,
            `it must be between minCount (${minCount}) and maxCount (${maxCount})`,
          ),
        );
      }
    } else if (
      def.workload?.container &&
      (def.workload.container.desiredCount < minCount || def.workload.container.desiredCount > maxCount)
    ) {
      problems.push(
        problem(
          ['workload', 'container', 'desiredCount'],
          def.workload.container.desiredCount,
          `it is outside ${formatPath(at('capacity'))} minCount (${minCount}) to maxCount (${maxCount}); set ${formatPath(at('capacity', 'desiredCount'))} between them`,
        ),
      );
    }
  }
}
