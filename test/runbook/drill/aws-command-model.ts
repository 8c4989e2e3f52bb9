/**
 * The AWS CLI's command model, from the AWS SDK for JavaScript v3 clients: each client exports its
 * operations as schema tuples `[9, namespace, OperationName, traits, () => input, () => output]`
 * and each input as `[3, namespace, Name, traits, memberNames, memberSchemas, requiredCount?]`
 * (the first `requiredCount` members are required). The CLI turns operation and member names into
 * kebab-case (`ListServiceDeployments` → `list-service-deployments`, `AlarmNames` →
 * `--alarm-names`), exactly as botocore's `xform_name` does for these names.
 */

/** CLI service name → npm client package. */
const CLIENTS: Record<string, string> = {
  ecs: '@aws-sdk/client-ecs',
  cloudwatch: '@aws-sdk/client-cloudwatch',
  appconfig: '@aws-sdk/client-appconfig',
  appconfigdata: '@aws-sdk/client-appconfigdata',
  lambda: '@aws-sdk/client-lambda',
  deploy: '@aws-sdk/client-codedeploy',
  codepipeline: '@aws-sdk/client-codepipeline',
  cloudformation: '@aws-sdk/client-cloudformation',
  logs: '@aws-sdk/client-cloudwatch-logs',
  secretsmanager: '@aws-sdk/client-secrets-manager',
};

/** How an option takes values on the command line. */
export enum Arity {
  /** `--flag` / `--no-flag`. */
  FLAG = 'flag',
  ONE = 'one',
  /** Space-separated values until the next option. */
  MANY = 'many',
}

export interface OperationModel {
  readonly options: ReadonlyMap<string, Arity>;
  /** Options whose member is a number (smithy schema NUMERIC, 1): the CLI refuses a value that is not one. @default - none */
  readonly numeric?: ReadonlySet<string>;
  readonly required: readonly string[];
  /** Positional arguments after the options (an output file for streaming or blob outputs). */
  readonly positionals: number;
}

/**
 * Options every command accepts (AWS CLI v2 "Global options",
 * https://docs.aws.amazon.com/cli/latest/reference/#options) and the pagination options of
 * paginated operations (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-pagination.html).
 */
const GLOBAL: Record<string, Arity> = {
  '--region': Arity.ONE,
  '--query': Arity.ONE,
  '--output': Arity.ONE,
  '--profile': Arity.ONE,
  '--endpoint-url': Arity.ONE,
  '--cli-binary-format': Arity.ONE,
  '--no-cli-pager': Arity.FLAG,
  '--debug': Arity.FLAG,
};
/**
 * Global options with a closed set of values: `--output` (json, text, table, yaml, yaml-stream:
 * https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-output-format.html) and
 * `--cli-binary-format` (https://docs.aws.amazon.com/cli/latest/reference/#options). The CLI refuses
 * any other value before calling the service.
 */
const GLOBAL_CHOICES: Record<string, readonly string[]> = {
  '--output': ['json', 'text', 'table', 'yaml', 'yaml-stream'],
  '--cli-binary-format': ['base64', 'raw-in-base64-out'],
};
const PAGINATION: Record<string, Arity> = {
  '--max-items': Arity.ONE,
  '--starting-token': Arity.ONE,
  '--page-size': Arity.ONE,
  '--no-paginate': Arity.FLAG,
};

/**
 * Operations whose output is written to a file named as the last positional argument (blob or
 * streaming output members: awscli `outfile`), per the CLI reference pages of these commands.
 */
const OUTFILE = new Set([
  'appconfig get-hosted-configuration-version',
  'appconfig create-hosted-configuration-version',
  'appconfigdata get-latest-configuration',
  'lambda invoke',
]);

/**
 * Commands the CLI adds on top of the service model (awscli/customizations):
 * `aws logs tail` (https://awscli.amazonaws.com/v2/documentation/api/latest/reference/logs/tail.html).
 */
const CUSTOM: Record<string, OperationModel> = {
  'logs tail': {
    options: new Map([
      ['--since', Arity.ONE],
      ['--follow', Arity.FLAG],
      ['--filter-pattern', Arity.ONE],
      ['--format', Arity.ONE],
      ['--log-stream-names', Arity.MANY],
      ['--log-stream-name-prefix', Arity.ONE],
    ]),
    required: [],
    positionals: 1,
  },
  // CLI waiters (https://awscli.amazonaws.com/v2/documentation/api/latest/reference/ecs/wait/index.html):
  // `aws ecs wait services-stable|tasks-stopped`, the waiter name as positional.
  'ecs wait': {
    options: new Map([
      ['--cluster', Arity.ONE],
      ['--services', Arity.MANY],
      ['--tasks', Arity.MANY],
    ]),
    required: ['--cluster'],
    positionals: 1,
  },
  // No SDK client of ELBv2 is installed; the one command the runbooks name, from its CLI reference
  // (https://awscli.amazonaws.com/v2/documentation/api/latest/reference/elbv2/describe-rules.html).
  'elbv2 describe-rules': {
    options: new Map([
      ['--listener-arn', Arity.ONE],
      ['--rule-arns', Arity.MANY],
      ['--marker', Arity.ONE],
      ['--page-size', Arity.ONE],
    ]),
    required: [],
    positionals: 0,
  },
};

/** `ListServiceDeployments` → `list-service-deployments`. */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

type Schema = number | null | (() => unknown) | unknown[];

function arityOf(schema: Schema): Arity {
  let s: unknown = schema;
  if (Array.isArray(s) && typeof s[0] === 'number' && s.length === 2 && typeof s[1] === 'object') s = s[0];
  if (typeof s === 'function') s = (s as () => unknown)();
  if (s === 2) return Arity.FLAG;
  if (typeof s === 'number' && (s & 64) === 64) return Arity.MANY;
  if (Array.isArray(s) && s[0] === 1) return Arity.MANY;
  return Arity.ONE;
}

/** A member schema of type NUMERIC (1), possibly wrapped with traits (`[1, traits]`). */
function isNumeric(schema: Schema): boolean {
  let s: unknown = schema;
  if (Array.isArray(s) && s.length === 2 && typeof s[1] === 'object') s = s[0];
  if (typeof s === 'function') s = (s as () => unknown)();
  return s === 1;
}

const cache = new Map<string, Map<string, OperationModel>>();

/** The operations of one CLI service, from its SDK client. */
export function serviceModel(service: string): Map<string, OperationModel> | undefined {
  if (cache.has(service)) return cache.get(service);
  const pkg = CLIENTS[service];
  if (!pkg && !Object.keys(CUSTOM).some((c) => c.startsWith(`${service} `))) return undefined;

  const client = (pkg ? require(pkg) : {}) as Record<string, unknown>;
  const ops = new Map<string, OperationModel>();
  for (const [key, value] of Object.entries(client)) {
    if (!key.endsWith('$') || !Array.isArray(value) || value[0] !== 9) continue;
    const opName = value[2] as string;
    const input = (value[4] as () => unknown[])();
    const names = (input[4] ?? []) as string[];
    const schemas = (input[5] ?? []) as Schema[];
    const requiredCount = typeof input[6] === 'number' ? input[6] : 0;
    const options = new Map<string, Arity>(Object.entries(GLOBAL));
    const numeric = new Set<string>();
    names.forEach((n, i) => {
      const arity = arityOf(schemas[i]);
      if (isNumeric(schemas[i])) numeric.add(`--${kebab(n)}`);
      options.set(`--${kebab(n)}`, arity);
      if (arity === Arity.FLAG) options.set(`--no-${kebab(n)}`, Arity.FLAG);
    });
    if (typeof client[`paginate${opName}`] === 'function') {
      for (const [o, a] of Object.entries(PAGINATION)) options.set(o, a);
    }
    const cli = `${service} ${kebab(opName)}`;
    ops.set(kebab(opName), {
      options,
      numeric,
      required: names.slice(0, requiredCount).map((n) => `--${kebab(n)}`),
      positionals: OUTFILE.has(cli) ? 1 : 0,
    });
  }
  for (const [cli, model] of Object.entries(CUSTOM)) {
    const [svc, op] = cli.split(' ');
    if (svc === service) ops.set(op, { ...model, options: new Map([...Object.entries(GLOBAL), ...model.options]) });
  }
  cache.set(service, ops);
  return ops;
}

/** A parsed `aws` call: service, operation, options with their values, positionals. */
export interface AwsCall {
  readonly service: string;
  readonly operation: string;
  readonly options: Map<string, string[]>;
  readonly positionals: string[];
}

/** Parses and checks an `aws` argv against the model; returns the call or a list of problems. */
export function parseAwsCall(argv: readonly string[]): { call?: AwsCall; problems: string[] } {
  const [service, operation, ...rest] = argv;
  const ops = serviceModel(service);
  if (!ops) return { problems: [`unknown service "${service}"`] };
  const model = ops.get(operation);
  if (!model) return { problems: [`unknown operation "aws ${service} ${operation}"`] };
  const problems: string[] = [];
  const options = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const arity = model.options.get(arg);
    if (!arity) {
      problems.push(`aws ${service} ${operation}: unknown option ${arg}`);
      continue;
    }
    if (options.has(arg)) problems.push(`aws ${service} ${operation}: ${arg} given twice`);
    const values: string[] = [];
    if (arity === Arity.ONE) {
      if (i + 1 >= rest.length) problems.push(`aws ${service} ${operation}: ${arg} needs a value`);
      else values.push(rest[++i]);
    } else if (arity === Arity.MANY) {
      while (i + 1 < rest.length && !rest[i + 1].startsWith('--')) values.push(rest[++i]);
      // An output file after a list option belongs to the command, not the list.
      if (model.positionals > 0 && positionals.length === 0 && i === rest.length - 1 && values.length > 1)
        positionals.push(values.pop() as string);
      // A list option takes one value or more (the CLI's argparse nargs='+'): "expected at least one argument".
      if (values.length === 0) problems.push(`aws ${service} ${operation}: argument ${arg}: expected at least one argument`);
    }
    options.set(arg, values);
  }
  for (const [option, choices] of Object.entries(GLOBAL_CHOICES)) {
    const value = options.get(option)?.[0];
    if (value !== undefined && !choices.includes(value))
      problems.push(`aws: error: argument ${option}: Invalid choice '${value}', valid choices are: ${choices.join(' | ')}`);
  }
  // Integer parameters must be whole numbers (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-parameters-types.html#parameter-type-integer).
  for (const option of model.numeric ?? []) {
    const value = options.get(option)?.[0];
    if (value !== undefined && !value.includes('$') && !/^-?\d+(\.\d+)?$/.test(value))
      problems.push(`aws ${service} ${operation}: invalid value for ${option}: ${value} is not a number`);
  }
  // `logs tail --since`: an ISO 8601 timestamp or a relative time with unit s, m, h, d or w
  // (https://awscli.amazonaws.com/v2/documentation/api/latest/reference/logs/tail.html).
  const since = service === 'logs' && operation === 'tail' ? options.get('--since')?.[0] : undefined;
  if (since !== undefined && !since.includes('$') && !/^\d+[smhdw]$/.test(since) && Number.isNaN(Date.parse(since)))
    problems.push(`aws logs tail: invalid value for --since: ${since} (a relative time such as 30m, or an ISO 8601 timestamp)`);
  for (const r of model.required) {
    if (!options.has(r)) problems.push(`aws ${service} ${operation}: required option ${r} missing`);
  }
  if (positionals.length !== model.positionals) {
    problems.push(`aws ${service} ${operation}: expects ${model.positionals} positional argument(s), got ${JSON.stringify(positionals)}`);
  }
  return { call: { service, operation, options, positionals }, problems };
}
