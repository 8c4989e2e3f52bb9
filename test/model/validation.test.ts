import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DefinitionError,
  Duration,
  HeartbeatSource,
  loadDefinitionFile,
  RetentionPolicy,
  RolloutStrategy,
  serviceDefinitionSchema,
  validateDefinition,
  type ServiceDefinitionInput,
} from '../../lib/model';
import { baseDefinition, problemsOf } from './support-definition';

/** The top-level fields, in schema order, as suggestions list them (sections added later need no edit here). */
const TOP_LEVEL_FIELDS = Object.keys(serviceDefinitionSchema.shape)
  .filter((k) => k !== '$schema')
  .join(', ');

const fn = { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' };
const stage = (trafficPercent: number, bake = '5m', name = `s${trafficPercent}`) => ({ name, trafficPercent, bake });

type Case = [what: string, mutate: (d: any) => void, messages: string[]];

const cases: Case[] = [
  // Unknown and misspelled fields
  [
    'a misspelled top-level field (suggests the closest name)',
    (d) => {
      d.enviroments = d.environments;
      delete d.environments;
    },
    [
      'environments is missing; it is required (a list)',
      `enviroments is not a known field; did you mean "environments"? Known fields here: ${TOP_LEVEL_FIELDS}`,
    ],
  ],
  [
    'a misspelled rollout field',
    (d) => {
      d.environments[0].rollout = { stratgy: 'canary', strategy: 'canary' };
    },
    [
      'environments[0].rollout.stratgy is not a known field; did you mean "strategy"? Known fields here: strategy, stages, rolling, rationale',
    ],
  ],
  [
    'a misspelled stage field',
    (d) => {
      d.environments[0].rollout.stages = [{ name: 'full', trafficPercent: 100, bak: '5m' }];
    },
    [
      'environments[0].rollout.stages[0].bake is missing; it is required (a string)',
      'environments[0].rollout.stages[0].bak is not a known field; did you mean "bake"? Known fields here: name, trafficPercent, bake, validation, rollbackTrigger',
    ],
  ],
  [
    'an unknown field far from any known name (no suggestion)',
    (d) => {
      d.owners.pager = '@ana';
    },
    ['owners.pager is not a known field; known fields here: team, primary, backup, channel'],
  ],
  [
    'a misspelled "secrets" section is not mistaken for a secret value',
    (d) => {
      d.secret = [{ name: 'db-password', envVar: 'DB_PASSWORD', generate: { rotation: '30d' } }];
    },
    [`secret is not a known field; did you mean "secrets"? Known fields here: ${TOP_LEVEL_FIELDS}`],
  ],
  [
    'a misspelled enum value',
    (d) => {
      d.environments[0].rollout.strategy = 'canery';
    },
    [
      'environments[0].rollout.strategy is "canery"; use one of "blue-green", "canary", "linear", "rolling", "all-at-once" (did you mean "canary"?)',
    ],
  ],
  [
    'an unknown heartbeat source',
    (d) => {
      d.deadMansSwitch = { source: 'heartbeats' };
    },
    ['deadMansSwitch.source is "heartbeats"; use one of "platform-metrics", "heartbeat" (did you mean "heartbeat"?)'],
  ],

  // Wrong types
  [
    'a port written as a string',
    (d) => {
      d.workload.container.port = '8080';
    },
    ['workload.container.port is "8080"; expected a number'],
  ],
  [
    'a fractional port',
    (d) => {
      d.workload.container.port = 80.5;
    },
    ['workload.container.port is 80.5; expected a whole number'],
  ],
  [
    'environments written as a string',
    (d) => {
      d.environments = 'prod';
    },
    ['environments is "prod"; expected a list'],
  ],
  [
    'strict written as "yes"',
    (d) => {
      d.strict = 'yes';
    },
    ['strict is "yes"; expected true or false'],
  ],
  [
    'a bake written as a number',
    (d) => {
      d.environments[0].rollout.stages = [stage(5, 300 as unknown as string), stage(100)];
    },
    [
      'environments[0].rollout.stages[0].bake is 300; it is not a duration; write it as a string with a number and a unit s, m, h or d, e.g. "30s", "5m"',
    ],
  ],
  [
    'a bake without a unit',
    (d) => {
      d.environments[0].rollout.stages = [stage(5, '5'), stage(100)];
    },
    [
      'environments[0].rollout.stages[0].bake is "5"; it is not a duration; write it as a number and a unit s, m, h or d, e.g. "30s", "5m", "1h30m"',
    ],
  ],
  [
    'a plain environment value that is not a string',
    (d) => {
      d.workload.container.environment = { PORT: 8080 };
    },
    ['workload.container.environment.PORT is 8080; expected a string'],
  ],

  // Traffic percentages
  [
    'traffic above 100',
    (d) => {
      d.environments[0].rollout.stages = [stage(150)];
    },
    ['environments[0].rollout.stages[0].trafficPercent is 150; it must be between 0 and 100'],
  ],
  [
    'negative traffic',
    (d) => {
      d.environments[0].rollout.stages = [stage(-5), stage(100)];
    },
    ['environments[0].rollout.stages[0].trafficPercent is -5; it must be between 0 and 100'],
  ],
  [
    'traffic not increasing',
    (d) => {
      d.environments[0].rollout.stages = [stage(25), stage(10), stage(100)];
    },
    [
      'environments[0].rollout.stages[1].trafficPercent is 10; it must be greater than stages[0] (25); stages run in order of increasing traffic',
    ],
  ],
  [
    'two stages at the same traffic',
    (d) => {
      d.environments[0].rollout.stages = [stage(5), stage(5, '5m', 'again'), stage(100)];
    },
    [
      'environments[0].rollout.stages[1].trafficPercent is 5; it must be greater than stages[0] (5); stages run in order of increasing traffic',
    ],
  ],
  [
    'a final stage not at 100',
    (d) => {
      d.environments[0].rollout.stages = [stage(5), stage(50)];
    },
    ['environments[0].rollout.stages[1].trafficPercent is 50; the last stage must send 100% of traffic to the new version'],
  ],
  [
    'an empty stage list',
    (d) => {
      d.environments[0].rollout.stages = [];
    },
    ['environments[0].rollout.stages is []; it must have at least 1 entry'],
  ],

  // Bake times
  [
    'a zero bake',
    (d) => {
      d.environments[0].rollout.stages = [stage(5, '0s'), stage(100)];
    },
    ['environments[0].rollout.stages[0].bake is "0s"; bake time must be longer than 0s'],
  ],
  [
    'a negative bake',
    (d) => {
      d.environments[0].rollout.stages = [stage(5, '-5m'), stage(100)];
    },
    [
      'environments[0].rollout.stages[0].bake is "-5m"; it is not a duration; write it as a number and a unit s, m, h or d, e.g. "30s", "5m", "1h30m"',
    ],
  ],
  [
    'a zero rollback budget',
    (d) => {
      d.rollbackBudgets = { code: '0m' };
    },
    ['rollbackBudgets.code is "0s"; a rollback budget must be longer than 0s'],
  ],

  // Duplicates
  [
    'duplicate environment names',
    (d) => {
      d.environments.splice(1, 0, { name: 'staging', rollout: { strategy: 'canary' } });
    },
    ['environments[1].name is "staging"; environment names must be unique; "staging" is already used by environments[0]'],
  ],
  [
    'duplicate secret names',
    (d) => {
      d.secrets = [
        { name: 'db-password', envVar: 'DB_PASSWORD', generate: { rotation: '30d' } },
        { name: 'db-password', envVar: 'DB_PASSWORD_2', generate: { rotation: '30d' } },
      ];
    },
    ['secrets[1].name is "db-password"; secret names must be unique; "db-password" is already used by secrets[0]'],
  ],
  [
    'two secrets in one environment variable',
    (d) => {
      d.secrets = [
        { name: 'db-password', envVar: 'DB_PASSWORD', generate: { rotation: '30d' } },
        { name: 'db-password-next', envVar: 'DB_PASSWORD', generate: { rotation: '30d' } },
      ];
    },
    ['secrets[1].envVar is "DB_PASSWORD"; each secret needs its own environment variable; "DB_PASSWORD" is already used by secrets[0]'],
  ],

  // Names
  [
    'a service name with upper-case letters',
    (d) => {
      d.service = 'Checkout';
    },
    [
      'service is "Checkout"; it is not a valid name; use lower-case letters, digits and hyphens, start with a letter and end with a letter or digit (e.g. "checkout")',
    ],
  ],
  [
    'a service name with an underscore',
    (d) => {
      d.service = 'check_out';
    },
    [
      'service is "check_out"; it is not a valid name; use lower-case letters, digits and hyphens, start with a letter and end with a letter or digit (e.g. "checkout")',
    ],
  ],
  [
    'a service name longer than 40 characters',
    (d) => {
      d.service = 'a'.repeat(41);
    },
    [`service is "${'a'.repeat(41)}"; it is longer than 40 characters; shorten it (it becomes part of AWS and Kubernetes names)`],
  ],
  [
    'an environment name longer than 20 characters',
    (d) => {
      d.environments[0].name = 'staging-environment-01';
    },
    [
      'environments[0].name is "staging-environment-01"; it is longer than 20 characters; shorten it (it becomes part of AWS and Kubernetes names)',
    ],
  ],
  [
    'an environment name ending with a hyphen',
    (d) => {
      d.environments[0].name = 'staging-';
    },
    [
      'environments[0].name is "staging-"; it is not a valid name; use lower-case letters, digits and hyphens, start with a letter and end with a letter or digit (e.g. "checkout")',
    ],
  ],
  [
    'service and environment names that together exceed 60 characters',
    (d) => {
      d.service = 'a'.repeat(40);
      d.environments[0].name = 'b'.repeat(20);
    },
    [
      `environments[0].name is "${'b'.repeat(20)}"; "${'a'.repeat(40)}-${'b'.repeat(20)}" is longer than 60 characters; shorten the service or environment name (it names the stack and the namespace)`,
    ],
  ],
  [
    'invalid secret and environment variable names',
    (d) => {
      d.secrets = [{ name: 'DB', envVar: 'db', generate: { rotation: '30d' } }];
    },
    [
      'secrets[0].name is "DB"; it is not a valid secret name; use lower-case letters, digits and hyphens, e.g. "db-password"',
      'secrets[0].envVar is "db"; it is not a valid environment variable name; use upper-case letters, digits and underscores, e.g. "DB_PASSWORD"',
    ],
  ],

  // Production rules
  [
    'production not last',
    (d) => {
      d.environments.push({ name: 'qa', rollout: { strategy: 'canary' } });
    },
    [
      'environments[2].name is "qa"; "qa" comes after production environment "prod"; list environments in promotion order with production last, or, if "qa" serves real users too (a second production region), set "production: true" on it',
    ],
  ],
  [
    'production with alarms disabled in the environment',
    (d) => {
      d.environments[1].alarms = { enabled: false };
    },
    ['environments[1].alarms.enabled is false; production environment "prod" must have alarms; remove "enabled: false"'],
  ],
  [
    'production with alarms disabled for the service',
    (d) => {
      d.alarms = { enabled: false };
    },
    ['alarms.enabled is false; production environment "prod" must have alarms; remove "enabled: false"'],
  ],
  [
    "production without a dead-man's switch (environment)",
    (d) => {
      d.environments[1].deadMansSwitch = { enabled: false };
    },
    [`environments[1].deadMansSwitch.enabled is false; production environment "prod" needs a dead-man's switch; remove "enabled: false"`],
  ],
  [
    "production without a dead-man's switch (service)",
    (d) => {
      d.deadMansSwitch = { enabled: false };
    },
    [`deadMansSwitch.enabled is false; production environment "prod" needs a dead-man's switch; remove "enabled: false"`],
  ],
  [
    'an environment after one flagged production',
    (d) => {
      d.environments = [
        { name: 'live', production: true, rollout: { strategy: 'canary' } },
        { name: 'staging', rollout: { strategy: 'canary' } },
      ];
    },
    [
      'environments[1].name is "staging"; "staging" comes after production environment "live"; list environments in promotion order with production last, or, if "staging" serves real users too (a second production region), set "production: true" on it',
    ],
  ],

  // Secrets in plain text
  [
    'a secret with a value',
    (d) => {
      d.secrets = [{ name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'checkout/{env}/db' }, value: 'hunter2' }];
    },
    [
      'secrets[0].value is "<redacted>"; secret values are never written in a definition; store the value in Secrets Manager and reference it with "existing.secretName", or use "generate"',
    ],
  ],
  [
    'a secret with a password field',
    (d) => {
      d.secrets = [{ name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'checkout/{env}/db' }, password: 'hunter2' }];
    },
    [
      'secrets[0].password is "<redacted>"; secret values are never written in a definition; declare the secret under "secrets" with "existing.secretName" or "generate"',
    ],
  ],
  [
    'a password in the plain environment',
    (d) => {
      d.workload.container.environment = { DB_PASSWORD: 'hunter2' };
    },
    [
      'workload.container.environment.DB_PASSWORD is "<redacted>"; this looks like a credential in plain text; remove it and declare it under "secrets" (envVar "DB_PASSWORD") with "existing.secretName" or "generate"',
    ],
  ],
  [
    'an AWS access key id in the plain environment',
    (d) => {
      d.workload.container.environment = { AWS_ID: 'AKIAABCDEFGHIJKLMNOP' };
    },
    [
      'workload.container.environment.AWS_ID is "<redacted>"; this looks like a credential in plain text; remove it and declare it under "secrets" (envVar "AWS_ID") with "existing.secretName" or "generate"',
    ],
  ],
  [
    'credentials inside a URL in a function environment',
    (d) => {
      d.workload = { function: { ...fn, environment: { DATABASE_URL: 'postgres://app:s3cret@db:5432/app' } } };
      d.environments[0].rollout = { strategy: 'canary' };
    },
    [
      'workload.function.environment.DATABASE_URL is "<redacted>"; this looks like a credential in plain text; remove it and declare it under "secrets" (envVar "DATABASE_URL") with "existing.secretName" or "generate"',
    ],
  ],
  [
    'a Stripe key under an innocent name',
    (d) => {
      d.workload.container.environment = { PAYMENTS: 'sk_live_abcdefghijklmnop1234' };
    },
    [
      'workload.container.environment.PAYMENTS is "<redacted>"; this looks like a credential in plain text; remove it and declare it under "secrets" (envVar "PAYMENTS") with "existing.secretName" or "generate"',
    ],
  ],
  [
    'a secret that neither references nor generates',
    (d) => {
      d.secrets = [{ name: 'db-password', envVar: 'DB_PASSWORD' }];
    },
    [
      'secrets[0].existing is missing; secret "db-password" needs exactly one of "existing" (a secret you manage) or "generate" (created and rotated for you)',
    ],
  ],
  [
    'a secret that both references and generates',
    (d) => {
      d.secrets = [{ name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'db' }, generate: { rotation: '30d' } }];
    },
    [
      'secrets[0].existing is {"secretName":"db"}; secret "db-password" also has "generate"; keep one: "existing" for a secret you manage, or "generate" to have it created and rotated',
    ],
  ],
  [
    'a rotation shorter than a day',
    (d) => {
      d.secrets = [{ name: 'db-password', envVar: 'DB_PASSWORD', generate: { rotation: '12h' } }];
    },
    ['secrets[0].generate.rotation is "12h"; rotation must be a whole number of days between "1d" and "1000d"'],
  ],
  [
    'a secret variable also set in plain text',
    (d) => {
      d.workload.container.environment = { DB_USER: 'app' };
      d.secrets = [{ name: 'db-user', envVar: 'DB_USER', generate: { rotation: '30d' } }];
    },
    [`secrets[0].envVar is "DB_USER"; "DB_USER" is also set in the workload's plain environment; remove it there`],
  ],

  // Alarm thresholds and evaluation
  [
    'a warning error rate above the critical one (reported once, not per environment)',
    (d) => {
      d.alarms = { warning: { errorRatePercent: 6 } };
    },
    [
      'alarms.warning.errorRatePercent is 6; a warning must fire before the critical alarm; make it lower than critical.errorRatePercent (5)',
    ],
  ],
  [
    'a warning latency above the critical one in one environment',
    (d) => {
      d.environments[1].alarms = { warning: { p95LatencyMs: 6000 } };
    },
    [
      'environments[1].alarms.warning.p95LatencyMs is 6000; a warning must fire before the critical alarm; make it lower than critical.p99LatencyMs (5000)',
    ],
  ],
  [
    'datapointsToAlarm above evaluationPeriods',
    (d) => {
      d.alarms = { evaluation: { evaluationPeriods: 2, datapointsToAlarm: 3 } };
    },
    ['alarms.evaluation.datapointsToAlarm is 3; it must not exceed evaluationPeriods (2)'],
  ],
  [
    'a 45-second CloudWatch period',
    (d) => {
      d.alarms = { evaluation: { period: '45s' } };
    },
    ['alarms.evaluation.period is "45s"; CloudWatch periods are 10s, 30s or a whole number of minutes'],
  ],
  [
    'a 90-second rollback period in one environment',
    (d) => {
      d.environments[1].alarms = { rollbackTrigger: { evaluation: { period: '90s' } } };
    },
    ['environments[1].alarms.rollbackTrigger.evaluation.period is "1m30s"; CloudWatch periods are 10s, 30s or a whole number of minutes'],
  ],
  [
    'a rollback multiplier of 1',
    (d) => {
      d.alarms = { rollbackTrigger: { errorRateMultiplier: 1 } };
    },
    ['alarms.rollbackTrigger.errorRateMultiplier is 1; it must be greater than 1'],
  ],
  [
    'a rollback threshold above 100%',
    (d) => {
      d.alarms = { rollbackTrigger: { baselineErrorRatePercent: 60 } };
    },
    ['alarms.rollbackTrigger.errorRateMultiplier is 2; baseline 60% × 2 is above 100%; lower the multiplier or the baseline'],
  ],
  [
    "a dead-man's switch shorter than a minute",
    (d) => {
      d.deadMansSwitch = { missingFor: '30s' };
    },
    [`deadMansSwitch.missingFor is "30s"; use a whole number of minutes, at least "1m"`],
  ],

  // Strategies
  [
    'rolling for a function',
    (d) => {
      d.workload = { function: fn };
      d.environments[0].rollout = { strategy: 'rolling' };
    },
    [
      'environments[0].rollout.strategy is "rolling"; functions shift traffic between versions and cannot roll instances; use "canary", "linear", "blue-green" or "all-at-once"',
    ],
  ],
  [
    'stages on a rolling rollout',
    (d) => {
      d.environments[0].rollout = { strategy: 'rolling', stages: [stage(100)] };
    },
    [
      'environments[0].rollout.stages is [{"name":"s100","trafficPercent":100,"bake":"5m"}]; "rolling" does not split traffic between versions; remove "stages" or use "canary"',
    ],
  ],
  [
    'blue-green with a 25% stage',
    (d) => {
      d.environments[1].rollout = { strategy: 'blue-green', stages: [stage(25), stage(100)] };
    },
    [
      'environments[1].rollout.stages[0].trafficPercent is 25; blue-green shifts all traffic at once, so stages may only be 0% (test route) and 100%; use "canary" for partial stages',
    ],
  ],
  [
    'linear with unequal steps',
    (d) => {
      d.environments[1].rollout = { strategy: 'linear', stages: [stage(10), stage(30), stage(100)] };
    },
    [
      'environments[1].rollout.stages[1].trafficPercent is 30; linear rollouts move in equal steps of 10%, so this stage must be 20%; use "canary" for uneven stages',
    ],
  ],

  // Missing and malformed required fields
  [
    'missing owners',
    (d) => {
      delete d.owners;
    },
    ['owners is missing; it is required (an object)'],
  ],
  [
    'a missing backup on-call',
    (d) => {
      delete d.owners.backup;
    },
    ['owners.backup is missing; it is required (a string)'],
  ],
  [
    'an environment without a rollout',
    (d) => {
      delete d.environments[0].rollout;
    },
    ['environments[0].rollout is missing; it is required (an object)'],
  ],
  [
    'no environments',
    (d) => {
      d.environments = [];
    },
    ['environments is []; it must list at least one environment'],
  ],
  [
    'a workload that is neither container nor function',
    (d) => {
      d.workload = {};
    },
    ['workload is {}; it must declare exactly one of "container" or "function"'],
  ],
  [
    'a container without a health check',
    (d) => {
      delete d.workload.container.healthCheckPath;
    },
    ['workload.container.healthCheckPath is missing; it is required (a string)'],
  ],
  [
    'a relative health-check path',
    (d) => {
      d.workload.container.healthCheckPath = 'healthz';
    },
    ['workload.container.healthCheckPath is "healthz"; it must be an absolute HTTP path starting with "/", e.g. "/healthz"'],
  ],
  [
    'a CPU size Fargate does not offer',
    (d) => {
      d.workload.container.cpu = 300;
    },
    ['workload.container.cpu is 300; it is not a Fargate CPU size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384'],
  ],
  [
    'an unknown Lambda runtime',
    (d) => {
      d.workload = { function: { ...fn, runtime: 'node22' } };
    },
    ['workload.function.runtime is "node22"; it is not a Lambda runtime identifier; use e.g. "nodejs22.x", "python3.13", "java21"'],
  ],
  [
    'a short AWS account id',
    (d) => {
      d.environments[1].account = '1234';
    },
    ['environments[1].account is "1234"; it must be a 12-digit AWS account id'],
  ],
  [
    'a region that is not an AWS region',
    (d) => {
      d.environments[1].region = 'europe';
    },
    ['environments[1].region is "europe"; it must be an AWS region such as "eu-west-1", one of those in aws-cdk-lib\'s region facts'],
  ],
  [
    'a runbook URL that is not a URL',
    (d) => {
      d.runbookBaseUrl = 'runbooks/checkout';
    },
    ['runbookBaseUrl is "runbooks/checkout"; it must be an http(s) URL such as "https://runbooks.example.com/checkout"'],
  ],

  // Capacity
  [
    'minCount above maxCount',
    (d) => {
      d.environments[1].capacity = { minCount: 5, maxCount: 2 };
    },
    ['environments[1].capacity.minCount is 5; it must not exceed maxCount (2)'],
  ],
  [
    'autoscaling with only minCount',
    (d) => {
      d.environments[1].capacity = { minCount: 2 };
    },
    ['environments[1].capacity.maxCount is missing; autoscaling needs both minCount and maxCount'],
  ],
  [
    "the workload's desiredCount outside an environment's scaling bounds",
    (d) => {
      d.environments[1].capacity = { minCount: 3, maxCount: 6 };
    },
    [
      'workload.container.desiredCount is 2; it is outside environments[1].capacity minCount (3) to maxCount (6); set environments[1].capacity.desiredCount between them',
    ],
  ],

  [
    'an evaluation window longer than one day',
    (d) => (d.alarms = { evaluation: { period: '1h', evaluationPeriods: 25 } }),
    [
      'alarms.evaluation.evaluationPeriods is 25; 25 periods of 1h span more than one day, which CloudWatch refuses; use fewer periods or a shorter period',
    ],
  ],
  [
    "a dead-man's switch waiting more than one day",
    (d) => (d.deadMansSwitch = { missingFor: '2d' }),
    [
      'deadMansSwitch.missingFor is "2d"; CloudWatch evaluates at most one day of datapoints; use "1d" or less (an outage should be noticed in minutes)',
    ],
  ],

  // Several problems at once
  [
    'several schema problems, all reported',
    (d) => {
      d.service = 'Bad_Name';
      d.workload.container.port = '80';
      d.environments[1].rollout.strategy = 'big-bang';
    },
    [
      'service is "Bad_Name"; it is not a valid name; use lower-case letters, digits and hyphens, start with a letter and end with a letter or digit (e.g. "checkout")',
      'workload.container.port is "80"; expected a number',
      'environments[1].rollout.strategy is "big-bang"; use one of "blue-green", "canary", "linear", "rolling", "all-at-once"',
    ],
  ],
  [
    'schema and cross-field problems together, all reported in one run',
    (d) => {
      d.workload.container.port = 0;
      d.environments[0].rollout.stages = [stage(50), stage(25)];
      d.environments[1].rollout.strategy = 'big-bang';
      d.environments.push({ name: 'qa', rollout: { strategy: 'canary' } });
    },
    [
      'workload.container.port is 0; it must be at least 1',
      'environments[1].rollout.strategy is "big-bang"; use one of "blue-green", "canary", "linear", "rolling", "all-at-once"',
      'environments[0].rollout.stages[1].trafficPercent is 25; it must be greater than stages[0] (50); stages run in order of increasing traffic',
      'environments[0].rollout.stages[1].trafficPercent is 25; the last stage must send 100% of traffic to the new version',
    ],
  ],
  [
    'several semantic problems, all reported',
    (d) => {
      d.alarms = { warning: { errorRatePercent: 9 } };
      d.environments[0].rollout.stages = [stage(50), stage(25)];
      d.environments.push({ name: 'qa', rollout: { strategy: 'canary' } });
    },
    [
      'environments[0].rollout.stages[1].trafficPercent is 25; it must be greater than stages[0] (50); stages run in order of increasing traffic',
      'environments[0].rollout.stages[1].trafficPercent is 25; the last stage must send 100% of traffic to the new version',
      'alarms.warning.errorRatePercent is 9; a warning must fire before the critical alarm; make it lower than critical.errorRatePercent (5)',
      'environments[2].name is "qa"; "qa" comes after production environment "prod"; list environments in promotion order with production last, or, if "qa" serves real users too (a second production region), set "production: true" on it',
    ],
  ],
];

describe('validateDefinition refuses bad definitions with one exact message per problem', () => {
  test('the base definition is valid', () => {
    expect(problemsOf(baseDefinition())).toEqual([]);
  });

  test.each(cases)('fails when %s', (_what, mutate, messages) => {
    const input = baseDefinition();
    mutate(input);
    expect(problemsOf(input)).toEqual(messages);
  });

  test('the thrown error lists every problem, prefixed by the source', () => {
    const input = baseDefinition();
    input.strict = 'yes';
    input.workload.container.port = '80';
    expect(() => validateDefinition(input, { source: 'checkout.yaml' })).toThrow(
      'checkout.yaml: the definition has 2 problems:\n' +
        '  - workload.container.port is "80"; expected a number\n' +
        '  - strict is "yes"; expected true or false',
    );
  });

  test('each problem carries its field path', () => {
    const input = baseDefinition();
    input.environments[0].rollout.stages = [stage(5, '0s'), stage(100)];
    try {
      validateDefinition(input);
      throw new Error('expected a DefinitionError');
    } catch (err) {
      expect((err as DefinitionError).problems.map((p) => p.path)).toEqual(['environments[0].rollout.stages[0].bake']);
    }
  });

  test('a secret value never appears in the error', () => {
    const input = baseDefinition();
    input.secrets = [{ name: 'db-password', envVar: 'DB_PASSWORD', generate: { rotation: '30d' }, value: 'hunter2-s3cret' }];
    input.workload.container.environment = { API_TOKEN: 'tok-abcdef', DATABASE_URL: 'postgres://u:pw-9876@db/app' };
    expect(() => validateDefinition(input)).toThrow(DefinitionError);
    try {
      validateDefinition(input);
    } catch (err) {
      expect((err as Error).message).not.toMatch(/hunter2|tok-abcdef|pw-9876/);
    }
  });

  test('YAML files report the file and the same messages', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-'));
    const file = path.join(dir, 'definition.yaml');
    fs.writeFileSync(
      file,
      [
        'service: checkout',
        'owners: { team: payments, primary: "@ana", backup: "@ben", channel: "#c" }',
        'receivers: { critical: { enabled: false, reason: "A test definition: nobody is paged" } }',
        'workload:',
        '  container: { image: acme/checkout:1, port: 8080, healthCheckPath: /healthz }',
        'environments:',
        '  - name: prod',
        '    rollout:',
        '      strategy: canary',
        '      stages:',
        '        - { name: canary, trafficPercent: 5, bake: 10m }',
        '        - { name: full, trafficPercent: 100, bake: 0s }',
        '',
      ].join('\n'),
    );
    expect(() => loadDefinitionFile(file)).toThrow(
      `${file}: the definition has 1 problem:\n  - environments[0].rollout.stages[1].bake is "0s"; bake time must be longer than 0s`,
    );
  });
});

describe('validateDefinition fills defaults', () => {
  const definition = validateDefinition(baseDefinition());
  const [staging, prod] = definition.environments;

  test('five standard stages 0/5/25/50/100 for a canary', () => {
    expect(staging.rollout.strategy).toBe(RolloutStrategy.CANARY);
    expect(staging.rollout.stages.map((s) => [s.name, s.trafficPercent, s.bake.toString()])).toEqual([
      ['infrastructure', 0, '5m'],
      ['canary', 5, '10m'],
      ['partial', 25, '15m'],
      ['majority', 50, '15m'],
      ['full', 100, '30m'],
    ]);
    expect(staging.rollout.stages.every((s) => s.validation && s.rollbackTrigger)).toBe(true);
  });

  test('blue-green defaults to the test route then all traffic; linear to 25% steps', () => {
    const input = baseDefinition();
    input.environments[0].rollout = { strategy: 'linear' };
    input.environments[1].rollout = { strategy: 'blue-green' };
    const [linear, blueGreen] = validateDefinition(input).environments;
    expect(linear.rollout.stages.map((s) => s.trafficPercent)).toEqual([0, 25, 50, 75, 100]);
    expect(blueGreen.rollout.stages.map((s) => [s.name, s.trafficPercent])).toEqual([
      ['infrastructure', 0],
      ['full', 100],
    ]);
  });

  test('alarm thresholds from common practice: 5% / 5000 ms critical, 2% / 2000 ms / 80 / 80 warning', () => {
    expect(prod.alarms.enabled).toBe(true);
    expect(prod.alarms.critical).toEqual({ errorRatePercent: 5, p99LatencyMs: 5000 });
    expect(prod.alarms.warning).toEqual({ errorRatePercent: 2, p95LatencyMs: 2000, cpuPercent: 80, memoryPercent: 80 });
  });

  test('rollback trigger at 2x a 1% baseline, 2 of 2 one-minute datapoints; alarms 3 of 3', () => {
    const { rollbackTrigger, evaluation } = prod.alarms;
    expect([rollbackTrigger.baselineErrorRatePercent, rollbackTrigger.errorRateMultiplier, rollbackTrigger.errorRatePercent]).toEqual([
      1, 2, 2,
    ]);
    expect([
      rollbackTrigger.evaluation.period.toString(),
      rollbackTrigger.evaluation.evaluationPeriods,
      rollbackTrigger.evaluation.datapointsToAlarm,
    ]).toEqual(['1m', 2, 2]);
    expect([evaluation.period.toString(), evaluation.evaluationPeriods, evaluation.datapointsToAlarm]).toEqual(['1m', 3, 3]);
  });

  test("dead-man's switch on, 5 minutes of missing platform metrics", () => {
    expect(prod.deadMansSwitch.enabled).toBe(true);
    expect(prod.deadMansSwitch.missingFor.toString()).toBe('5m');
    expect(prod.deadMansSwitch.source).toBe(HeartbeatSource.PLATFORM_METRICS);
  });

  test('rollback budgets 1m / 5m / 15m; not strict', () => {
    const { featureFlag, configuration, code } = definition.rollbackBudgets;
    expect([featureFlag, configuration, code].map(String)).toEqual(['1m', '5m', '15m']);
    expect(definition.strict).toBe(false);
  });

  test('prod is production: retained, approved; staging is neither', () => {
    expect([prod.production, prod.approval, prod.retention]).toEqual([true, true, RetentionPolicy.RETAIN]);
    expect([staging.production, staging.approval, staging.retention]).toEqual([false, false, RetentionPolicy.DESTROY]);
  });

  test('container defaults: 512 CPU, 1024 MiB, 2 tasks, desired count carried to each environment', () => {
    expect(definition.workload.container).toMatchObject({ cpu: 512, memoryMiB: 1024, desiredCount: 2, environment: {} });
    expect(prod.capacity).toEqual({ desiredCount: 2, scaling: undefined });
  });

  test('rolling defaults: 100% surge, 0% unavailable; no stages', () => {
    const input = baseDefinition();
    input.environments[0].rollout = { strategy: 'rolling' };
    const [rolling] = validateDefinition(input).environments;
    expect(rolling.rollout.stages).toEqual([]);
    expect(rolling.rollout.rolling).toEqual({ maxSurgePercent: 100, maxUnavailablePercent: 0 });
  });
});

describe('validateDefinition merges and resolves', () => {
  test("an environment's alarms merge field by field over the service's", () => {
    const input = baseDefinition();
    input.alarms = { critical: { errorRatePercent: 8, p99LatencyMs: 3000 }, warning: { cpuPercent: 70 }, evaluation: { period: '30s' } };
    input.environments[1].alarms = { critical: { errorRatePercent: 4 }, evaluation: { evaluationPeriods: 5 } };
    const [staging, prod] = validateDefinition(input).environments;
    expect(staging.alarms.critical).toEqual({ errorRatePercent: 8, p99LatencyMs: 3000 });
    expect(prod.alarms.critical).toEqual({ errorRatePercent: 4, p99LatencyMs: 3000 });
    expect(prod.alarms.warning).toEqual({ errorRatePercent: 2, p95LatencyMs: 2000, cpuPercent: 70, memoryPercent: 80 });
    expect([
      prod.alarms.evaluation.period.toString(),
      prod.alarms.evaluation.evaluationPeriods,
      prod.alarms.evaluation.datapointsToAlarm,
    ]).toEqual(['30s', 5, 5]);
  });

  test("an environment's dead-man's switch merges over the service's", () => {
    const input = baseDefinition();
    input.deadMansSwitch = { missingFor: '10m', source: 'heartbeat' };
    input.environments[0].deadMansSwitch = { enabled: false };
    const [staging, prod] = validateDefinition(input).environments;
    expect([staging.deadMansSwitch.enabled, staging.deadMansSwitch.missingFor.toString()]).toEqual([false, '10m']);
    expect([prod.deadMansSwitch.enabled, prod.deadMansSwitch.missingFor.toString(), prod.deadMansSwitch.source]).toEqual([
      true,
      '10m',
      HeartbeatSource.HEARTBEAT,
    ]);
  });

  test('{env} in an existing secret name becomes the environment name; generated secrets get a derived name', () => {
    const input = baseDefinition();
    input.secrets = [
      { name: 'stripe-api-key', envVar: 'STRIPE_API_KEY', existing: { secretName: 'shared/{env}/stripe-{env}' } },
      { name: 'db-password', envVar: 'DB_PASSWORD', generate: { rotation: '30d' } },
    ];
    const [staging, prod] = validateDefinition(input).environments;
    expect(staging.secrets.map((s) => s.secretName)).toEqual(['shared/staging/stripe-staging', 'checkout/staging/db-password']);
    expect(prod.secrets).toEqual([
      {
        name: 'stripe-api-key',
        envVar: 'STRIPE_API_KEY',
        secretName: 'shared/prod/stripe-prod',
        generated: false,
        rotationDays: undefined,
        length: undefined,
      },
      {
        name: 'db-password',
        envVar: 'DB_PASSWORD',
        secretName: 'checkout/prod/db-password',
        generated: true,
        rotationDays: 30,
        length: 32,
      },
    ]);
  });

  test('an ARN under a secret-sounding key is a reference, not a credential', () => {
    const input = baseDefinition();
    input.workload.container.environment = {
      DB_PASSWORD_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf',
      LOG_LEVEL: 'info',
    };
    expect(problemsOf(input)).toEqual([]);
  });

  test('TypeScript definitions may give Duration objects', () => {
    const input: ServiceDefinitionInput = baseDefinition();
    input.environments[0].rollout = {
      strategy: RolloutStrategy.CANARY,
      stages: [
        { name: 'canary', trafficPercent: 10, bake: Duration.minutes(7) },
        { name: 'full', trafficPercent: 100, bake: Duration.hours(1) },
      ],
    };
    const [staging] = validateDefinition(input).environments;
    expect(staging.rollout.stages.map((s) => s.bake.toSeconds())).toEqual([420, 3600]);
  });

  test('the resolved definition round-trips through JSON with durations in the compact notation', () => {
    const json = JSON.parse(JSON.stringify(validateDefinition(baseDefinition())));
    expect(json.environments[1].rollout.stages[1].bake).toBe('10m');
    expect(json.rollbackBudgets).toEqual({ featureFlag: '1m', configuration: '5m', code: '15m' });
  });
});

describe('Duration', () => {
  test.each([
    ['30s', 30, '30s'],
    ['5m', 300, '5m'],
    ['1h30m', 5400, '1h30m'],
    ['90m', 5400, '1h30m'],
    ['7d', 604800, '7d'],
    ['1d2h3m4s', 93784, '1d2h3m4s'],
    ['1.5m', 90, '1m30s'],
    ['0s', 0, '0s'],
    [' 10m ', 600, '10m'],
  ])('parses %j as %d seconds and formats it as %j', (text, seconds, formatted) => {
    const duration = Duration.parse(text)!;
    expect(duration.toSeconds()).toBe(seconds);
    expect(duration.toString()).toBe(formatted);
    expect(Duration.parse(duration.toString())!.toSeconds()).toBe(seconds);
  });

  test.each(['', '5', 'm5', '5 m', '-5m', '5minutes', '1h 30m', '5M'])('refuses %j', (text) => {
    expect(Duration.parse(text)).toBeUndefined();
  });

  test('factories, arithmetic and whole minutes', () => {
    expect(Duration.hours(2).plus(Duration.minutes(30)).toString()).toBe('2h30m');
    expect(Duration.minutes(3).times(2).toMinutes()).toBe(6);
    expect(Duration.days(1).toSeconds()).toBe(86400);
    expect(Duration.seconds(90).isWholeMinutes()).toBe(false);
    expect(Duration.seconds(120).isWholeMinutes()).toBe(true);
    expect(JSON.stringify({ bake: Duration.seconds(45) })).toBe('{"bake":"45s"}');
    expect(() => Duration.seconds(Number.NaN)).toThrow('Duration must be a finite number of seconds, got NaN');
  });
});
