import { z } from 'zod';
import type { EnvironmentDefinition } from './environment';
import { dnsLabel } from './private/fields';
import { problem, type Problem } from './problems';

const roleArn = z.string().regex(/^arn:aws[-a-z]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
  error: 'must be an IAM role ARN such as "arn:aws:iam::123456789012:role/checkout-deploy"',
});

/** Commands the pipeline runs before anything deploys. */
export const deliveryCommandsSchema = z.strictObject({
  /** @default npm ci */
  install: z.string().min(1).optional().describe('Installs dependencies. Default "npm ci".'),
  /** @default npm run lint --if-present */
  lint: z.string().min(1).optional().describe('Lints the code. Default "npm run lint --if-present".'),
  /** @default npm test */
  test: z.string().min(1).optional().describe('Runs the tests. Default "npm test".'),
  /** @default npm run build --if-present */
  build: z.string().min(1).optional().describe('Builds the code. Default "npm run build --if-present".'),
});

/** Environments deployed in parallel (several regions or accounts of one stage of the promotion). */
export const waveSchema = z.strictObject({
  /** Name of the wave, e.g. `prod`: names the pipeline stage. */
  name: dnsLabel(20).describe('Name of the wave, e.g. "prod": names the pipeline stage.'),
  /** Environments of the wave, adjacent in the promotion order. */
  environments: z
    .array(z.string())
    .min(2, {
      error: 'must list at least two environments: a wave deploys several in parallel; a single environment is a stage of its own',
    })
    .describe('Environments deployed in parallel; adjacent in the promotion order.'),
  /** Environment that deploys (and passes its smoke tests) before the others of the wave start. @default - all in parallel */
  canary: z
    .string()
    .optional()
    .describe('Environment of the wave that deploys first, alone; the others follow in parallel once it passes. Default: all in parallel.'),
});

/** GitHub Actions settings. */
export const githubDeliverySchema = z.strictObject({
  /** Role assumed through GitHub OIDC in every environment without its own role. @default - each environment needs one in deployRoles */
  deployRole: roleArn
    .optional()
    .describe('IAM role assumed through GitHub OIDC to deploy, for every environment without its own entry in deployRoles.'),
  /** Role per environment name (usually one per account). @default - deployRole */
  deployRoles: z
    .record(z.string(), roleArn)
    .optional()
    .describe('IAM role assumed through GitHub OIDC per environment name (usually one per account). Default: deployRole.'),
});

/**
 * How changes reach the environments: the repository and branch a pipeline watches, the commands
 * it runs before deploying, and environments that deploy together (waves).
 */
export const deliverySchema = z
  .strictObject({
    /** GitHub repository, `owner/name`. */
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'must be "owner/name", e.g. "acme/checkout"' })
      .describe('GitHub repository as "owner/name".'),
    /** Branch that releases. @default main */
    branch: z.string().min(1).optional().describe('Branch whose commits are released. Default "main".'),
    /** CodeStar (CodeConnections) connection to the repository, for CodePipeline. @default - no CodePipeline */
    connectionArn: z
      .string()
      .regex(/^arn:aws[-a-z]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[\w-]+$/, {
        error: 'must be a CodeStar/CodeConnections connection ARN such as "arn:aws:codeconnections:eu-west-1:123456789012:connection/…"',
      })
      .optional()
      .describe('CodeStar (CodeConnections) connection ARN to the repository; needed for the CodePipeline pipeline.'),
    /** Account of the pipeline. @default - the first environment's */
    account: z
      .string()
      .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' })
      .optional()
      .describe("AWS account of the pipeline. Default: the first environment's."),
    /** Region of the pipeline. @default - the first environment's */
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as "eu-west-1"' })
      .optional()
      .describe("AWS region of the pipeline. Default: the first environment's."),
    /** Commands run before deploying. @default - npm ci, lint, test, build */
    commands: deliveryCommandsSchema.optional().describe('Commands run before anything deploys.'),
    /** Environments deployed in parallel. @default - none: one environment at a time */
    waves: z
      .array(waveSchema)
      .optional()
      .describe('Environments deployed in parallel (regions or accounts of one promotion step). Default: one environment at a time.'),
    /** GitHub Actions settings. @default - no GitHub workflow */
    github: githubDeliverySchema.optional().describe('GitHub Actions settings: the OIDC roles that deploy.'),
    /** Where approvers review a release (a dashboard, a change ticket). @default - the repository's commit */
    reviewUrl: z
      .url({ protocol: /^https$/, error: 'must be an https URL' })
      .regex(/^\S+$/, { error: 'must not contain spaces; write a space in a URL as "%20"' })
      .optional()
      .describe("Where approvers review a release. Default: the repository's commits page."),
  })
  .describe('How changes reach the environments: repository, branch, pipeline commands, waves, deploy roles.');

/** Delivery as written. */
export type DeliveryInput = z.output<typeof deliverySchema>;

/** The commands of a pipeline, resolved. */
export interface DeliveryCommands {
  readonly install: string;
  readonly lint: string;
  readonly test: string;
  readonly build: string;
}

/** A wave, resolved. */
export interface Wave {
  readonly name: string;
  readonly environments: readonly string[];
  readonly canary?: string;
}

/** Delivery settings with defaults filled. */
export interface Delivery {
  readonly repository: string;
  readonly branch: string;
  readonly connectionArn?: string;
  readonly account?: string;
  readonly region?: string;
  readonly commands: DeliveryCommands;
  readonly waves: readonly Wave[];
  /** Deploy role per environment name, when GitHub Actions is configured. */
  readonly githubDeployRoles?: Readonly<Record<string, string>>;
  readonly reviewUrl: string;
}

/** Cross-field checks of the delivery section against the environments (names, order, approvals). */
export function checkDelivery(
  delivery: DeliveryInput,
  environments: readonly ({ name: string; approval?: boolean; production?: boolean } | undefined)[],
  // Names as written, including environments that failed validation: referring to one is fine.
  writtenNames: readonly (string | undefined)[] = environments.map((e) => e?.name),
): Problem[] {
  const problems: Problem[] = [];
  const names = writtenNames;
  const known = names.filter((n): n is string => n !== undefined);
  // An environment whose name could not be read may be the one referred to: do not call a reference unknown then.
  const unknownName = (name: string) => !known.includes(name) && known.length === names.length;
  const approval = (e: { name: string; approval?: boolean; production?: boolean }) =>
    e.approval ?? e.production ?? (e.name === 'prod' || e.name === 'production');
  const seen = new Map<string, string>();
  (delivery.waves ?? []).forEach((wave, w) => {
    const at = (...rest: PropertyKey[]) => ['delivery', 'waves', w, ...rest];
    if (known.includes(wave.name)) {
      problems.push(problem(at('name'), wave.name, `it is also an environment name; name the wave differently (e.g. "${wave.name}-wave")`));
    }
    wave.environments.forEach((name, i) => {
      if (unknownName(name)) {
        problems.push(
          problem(at('environments', i), name, `no environment has this name; use one of ${known.map((k) => `"${k}"`).join(', ')}`),
        );
      } else if (seen.has(name)) {
        problems.push(
          problem(at('environments', i), name, `it is already in wave "${seen.get(name)}"; an environment belongs to at most one wave`),
        );
      }
      seen.set(name, wave.name);
    });
    const indexes = wave.environments
      .map((n) => names.indexOf(n))
      .filter((i) => i >= 0)
      .sort((a, b) => a - b);
    if (indexes.length > 0 && indexes[indexes.length - 1] - indexes[0] !== indexes.length - 1) {
      problems.push(
        problem(
          at('environments'),
          wave.environments,
          'environments of a wave deploy together, so they must be adjacent in "environments"; reorder them',
        ),
      );
    }
    const approvals = new Set(indexes.flatMap((i) => (environments[i] ? [approval(environments[i]!)] : [])));
    if (approvals.size > 1) {
      problems.push(
        problem(
          at('environments'),
          wave.environments,
          'one approval gates the whole wave; give every environment of the wave the same "approval"',
        ),
      );
    }
    if (wave.canary !== undefined && !wave.environments.includes(wave.canary)) {
      problems.push(
        problem(
          at('canary'),
          wave.canary,
          `it must be one of the wave's environments (${wave.environments.map((n) => `"${n}"`).join(', ')})`,
        ),
      );
    }
  });
  const roles = delivery.github?.deployRoles ?? {};
  for (const name of Object.keys(roles)) {
    if (unknownName(name)) {
      problems.push(
        problem(
          ['delivery', 'github', 'deployRoles', name],
          name,
          `no environment has this name; use one of ${known.map((k) => `"${k}"`).join(', ')}`,
        ),
      );
    }
  }
  if (delivery.github && !delivery.github.deployRole) {
    for (const name of environments.flatMap((e) => (e && !Object.hasOwn(roles, e.name) ? [e.name] : []))) {
      problems.push(
        problem(
          ['delivery', 'github', 'deployRoles', name],
          undefined,
          `GitHub Actions needs a role to deploy "${name}"; add it here or set delivery.github.deployRole`,
        ),
      );
    }
  }
  return problems;
}

/** Fills the defaults of a delivery section. */
export function resolveDelivery(delivery: DeliveryInput, environments: readonly EnvironmentDefinition[]): Delivery {
  const branch = delivery.branch ?? 'main';
  return {
    repository: delivery.repository,
    branch,
    connectionArn: delivery.connectionArn,
    account: delivery.account,
    region: delivery.region,
    commands: {
      install: delivery.commands?.install ?? 'npm ci',
      lint: delivery.commands?.lint ?? 'npm run lint --if-present',
      test: delivery.commands?.test ?? 'npm test',
      build: delivery.commands?.build ?? 'npm run build --if-present',
    },
    waves: (delivery.waves ?? []).map((w) => ({ name: w.name, environments: w.environments, canary: w.canary })),
    githubDeployRoles: delivery.github
      ? Object.fromEntries(
          environments.map((e) => [
            e.name,
            (delivery.github?.deployRoles && Object.hasOwn(delivery.github.deployRoles, e.name)
              ? delivery.github.deployRoles[e.name]
              : undefined) ?? (delivery.github?.deployRole as string),
          ]),
        )
      : undefined,
    reviewUrl: delivery.reviewUrl ?? `https://github.com/${delivery.repository}/commits/${branch}`,
  };
}
