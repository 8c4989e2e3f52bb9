import { flagGuardForPulumi } from '../../../lib/runbook/platforms/appconfig-flag-guard';
import { Duration } from '../../../lib/model/duration';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import type { SmokeTests } from '../../../lib/model/smoke-tests';
import type { CompiledSchedule } from '../../../lib/plan/rollout/schedule';
import { timeBound } from '../../../lib/plan/timing';
import { describeChecks, smokeTestsFileName } from '../../../lib/smoke/file';
import { MigrationPhase } from '../../../lib/model/migrations';
import { Target } from '../../../lib/targets/target';
import {
  CommandKind,
  type MigrationFact,
  type NamedResource,
  type RollbackLevelFact,
  type RunbookCommand,
  type RunbookFacts,
} from '../../../lib/runbook/facts';
import { awsIncidentFacts } from '../../../lib/runbook/platforms/aws-incident';
import { ecsDeploymentDuration } from '../../../lib/runbook/platforms/ecs';
import { awsCli } from '../../../lib/runbook/aws-cli';
import { LAST_UPDATE, pulumiSmokeTestsFile } from '../../../lib/runbook/platforms/pulumi-aws';
import type { IncidentProcedure } from '../../../lib/runbook/procedures/incident-procedure';
import { revertCommit } from '../../../lib/runbook/procedures/pipeline';
import { compileEcsRollout } from '../../../lib/plan/rollout/ecs-schedule';
import { environmentOf } from '../../../lib/model/service-definition';
import { ResourceNames } from '../../../lib/plan/names';
import { awsPlanRunbookFacts } from '../../../lib/runbook/platforms/aws-plan';

/** Pulumi resource types of the CloudFormation types the AWS runbook names. */
const PULUMI_TYPES: Record<string, string> = {
  'AWS::CloudFormation::Stack': 'pulumi:pulumi:Stack',
  'AWS::CloudWatch::Alarm': 'aws:cloudwatch/metricAlarm:MetricAlarm',
  'AWS::SNS::Topic': 'aws:sns/topic:Topic',
  'AWS::ECS::Service': 'aws:ecs/service:Service',
  'AWS::ECS::Cluster': 'aws:ecs/cluster:Cluster',
  'AWS::ECS::TaskDefinition': 'aws:ecs/taskDefinition:TaskDefinition',
  'AWS::Logs::LogGroup': 'aws:cloudwatch/logGroup:LogGroup',
  'AWS::SecretsManager::Secret': 'aws:secretsmanager/secret:Secret',
  'AWS::CloudWatch::Dashboard': 'aws:cloudwatch/dashboard:Dashboard',
  'AWS::Lambda::Function': 'aws:lambda/function:Function',
  'AWS::Lambda::Alias': 'aws:lambda/alias:Alias',
  'AWS::CodeDeploy::Application': 'aws:codedeploy/application:Application',
  'AWS::CodeDeploy::DeploymentGroup': 'aws:codedeploy/deploymentGroup:DeploymentGroup',
  'AWS::CodeDeploy::DeploymentConfig': 'aws:codedeploy/deploymentConfig:DeploymentConfig',
  'AWS::AppConfig::Application': 'aws:appconfig/application:Application',
  'AWS::AppConfig::DeploymentStrategy': 'aws:appconfig/deploymentStrategy:DeploymentStrategy',
};

interface PulumiScope {
  /** The Pulumi stack the program runs in (`pulumi.getStack()`). */
  readonly stack: string;
}

const preview = (stack: string): RunbookCommand => ({
  description: 'Review what the release changes',
  command: `pulumi preview --stack ${stack} --diff`,
  expected: 'Only the changes this release intends',
  kind: CommandKind.PREVIEW,
});
const up = (stack: string, what: string): RunbookCommand => ({
  description: what,
  command: `pulumi up --stack ${stack} --yes`,
  kind: CommandKind.DEPLOY,
});

/**
 * Level 3 on Pulumi: the commit of the last update (Pulumi records the program's git HEAD as
 * `git.head`, https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_history/), reverted on a
 * fresh branch as on the CloudFormation target, then `pulumi up` of the revert through the same rollout.
 */
function level3(stack: string, bound: RollbackLevelFact['bound']): RollbackLevelFact {
  return {
    level: 3,
    title: 'Code: `pulumi up` of the previous version',
    when: 'The previous revision is no longer deployable, or infrastructure changed with the release.',
    commands: [
      {
        description:
          'Read the commit of the last update (a refresh records no commit, so it is skipped; an update run outside a git clone has none)',
        command: [
          `RELEASE_COMMIT=$(pulumi stack history --stack ${stack} --page-size 10 --json | jq -r '${LAST_UPDATE}.environment["git.head"] // empty')`,
          'echo "deployed from ${RELEASE_COMMIT:?the last update records no git.head: find the release commit in git log}"',
        ].join('\n'),
        expected: 'the release commit',
      },
      ...revertCommit(),
      up(stack, 'Deploy the reverted code through the same rollout'),
    ],
    verify: [
      {
        description: 'The last update succeeded',
        command: `pulumi stack history --stack ${stack} --page-size 10 --json | jq -r '${LAST_UPDATE}.result'`,
        expected: 'succeeded',
      },
    ],
    bound,
  };
}

/** Commands other than those the target's own tool runs (`cdk diff`, `cdk deploy`, `kubectl apply`). */
function withoutToolCommands(commands: readonly RunbookCommand[] | undefined): RunbookCommand[] {
  return (commands ?? []).filter((c) => c.kind !== CommandKind.PREVIEW && c.kind !== CommandKind.DEPLOY);
}

/** Pulumi owns the stack update: `pulumi up` replaces the CloudFormation update of level 3. */
const PULUMI_UP = Duration.minutes(3);

/**
 * The AWS runbook facts of the environment from the plan (`awsPlanRunbookFacts`: the names and
 * commands `DeploymentStack` would print, no aws-cdk-lib), rendered for Pulumi: commands the
 * CloudFormation tool runs (tagged `PREVIEW` or `DEPLOY`) and reads of CloudFormation outputs give
 * way to Pulumi's own: preview, `pulumi up`, the stack outputs, the stack history, and `pulumi up`
 * of the reverted commit for level 3. Alarm, ECS, Lambda and secret commands stay: the physical
 * names are the same on both targets.
 */
export function awsRunbookFacts(
  definition: ServiceDefinition,
  environment: string,
  scope: PulumiScope & { readonly serviceUrlOutput: string },
): RunbookFacts[] {
  const base = new ResourceNames(definition.service, environment).base;
  const facts = awsPlanRunbookFacts(definition, environment);
  const s = scope.stack;
  return facts.map((f) => {
    const resources = f.resources?.map((r): NamedResource => ({
      type: PULUMI_TYPES[r.type] ?? r.type,
      name: r.type === 'AWS::CloudFormation::Stack' ? s : r.name,
    }));
    if (!f.context) {
      // The listener-rule guard reads a CloudFormation output; `pulumi preview` shows such changes instead.
      // The flag guard reads the version `pulumi up` deployed from the Pulumi state.
      const preDeploy = flagGuardForPulumi(withoutToolCommands(f.preDeploy), s).filter(
        (c) => !c.command.includes('cloudformation describe-stacks'),
      );
      return {
        ...f,
        preDeploy,
        deploy: withoutToolCommands(f.deploy),
        // The stack's own advice to ship with `cdk deploy`; the context's notes say how on Pulumi.
        notes: f.notes?.filter((n) => !n.includes('cdk deploy')),
        migrations: f.migrations?.map((m) => pulumiMigration(m, definition, base)),
        resources,
      };
    }
    // Level 3 is a `pulumi up` followed by the same redeploy as level 2 (start tasks, bake, shift).
    const level2 = f.rollback?.find((l) => l.level === 2)?.bound;
    const code = definition.rollbackBudgets.code;
    const bound = level2 && timeBound([{ what: '`pulumi up` (allowance)', duration: PULUMI_UP }, ...level2.parts], code);
    const rollback = f.rollback?.map((l) => (l.level === 3 ? level3(s, bound ?? l.bound) : l));
    const isFunction = definition.workload.function !== undefined;
    const env = environmentOf(definition, f.context.environment);
    // The incident sections with Pulumi's stack history and no pipeline (a Pulumi stack is released by `pulumi up`).
    const { incident, access } = awsIncidentFacts({
      definition,
      environment: env,
      region: f.context.region,
      container: !isFunction,
      deploymentDuration: isFunction ? Duration.minutes(10) : ecsDeploymentDuration(compileEcsRollout(env).settings),
      pulumiStack: s,
    });
    return {
      ...f,
      incident,
      access,
      // A pipeline releases the CloudFormation stacks; the Pulumi stack is released with `pulumi up`.
      context: { ...f.context, target: Target.PULUMI, scope: s, pipeline: undefined },
      workingDirectory: 'the Pulumi project directory (the one holding Pulumi.yaml)',
      prerequisites: [
        ...(f.prerequisites ?? []).filter((p) => !p.includes('npx cdk')),
        'the Pulumi CLI, logged in to the backend that holds the stack',
      ],
      preDeploy: [preview(s), ...withoutToolCommands(f.preDeploy)],
      deploy: [
        {
          ...up(
            s,
            isFunction
              ? 'Deploy (the rollout runs inside this command: CodeDeploy shifts the alias and `pulumi up` waits for the deployment)'
              : 'Deploy (the rollout runs inside this command: the ECS service waits for steady state)',
          ),
          expected: 'Update succeeded; no resource failed',
        },
        ...withoutToolCommands(f.deploy).filter((c) => !c.command.includes('codepipeline')),
      ],
      smoke: smokeCommands(definition, base, s, scope.serviceUrlOutput, f.context.region),
      rollback,
      resources,
      notes: [
        // A failed `pulumi up` rolls nothing back (the next one continues), so CloudFormation's failed-create advice does not apply.
        ...(f.notes ?? []).filter((n) => !n.includes('cloudformation delete-stack')),
        isFunction
          ? 'Level 2 moves the alias outside Pulumi, which leaves the alias to CodeDeploy after creating it; revert the release commit before the next `pulumi up`, or it ships the bad version again.'
          : 'Level 2 commands change the ECS service outside Pulumi; revert the release commit before the next `pulumi up`, or it deploys the bad revision again.',
        // https://www.pulumi.com/docs/iac/cli/commands/pulumi_cancel/: cancelling a running update can corrupt the state.
        'An interrupted `pulumi up` (the shell or the CI job killed) leaves the stack locked on Pulumi Cloud until `pulumi cancel` ends that update: run it only once no `pulumi up` runs any more, since cancelling a running update can leave the state inconsistent. Operations it left pending are reported by the next update; `pulumi refresh` resolves them before you deploy again.',
      ],
    };
  });
}

/** How Pulumi runs an expand migration: its own sentence (the task, command and timeout are the same). */
function pulumiMigration(fact: MigrationFact, definition: ServiceDefinition, base: string): MigrationFact {
  const m = definition.migrations.find((x) => x.name === fact.name);
  if (!m || m.phase !== MigrationPhase.EXPAND) {
    return fact;
  }
  const family = `${base}-migrate-${m.name}`;
  return {
    ...fact,
    summary: `Automatic: \`pulumi up\` runs \`${m.command.join(' ')}\` as ECS task \`${family}\` before the service update and waits up to ${m.timeout} for exit code 0; a failure fails the update before any new task starts. To re-run it by hand (it must be idempotent):`,
  };
}

/** The service URL from the Pulumi stack outputs, then the smoke tests (or the health check) through it. */
function smokeCommands(
  definition: ServiceDefinition,
  base: string,
  stack: string,
  output: string,
  region: string | undefined,
): RunbookCommand[] {
  if (definition.workload.function) {
    // The pre-traffic hook ran the smoke tests against the new version; call the live alias once more.
    return [
      {
        description: 'Invoke the live alias once',
        command: awsCli(
          region,
        )`lambda invoke --function-name ${base} --qualifier live --payload '{}' --cli-binary-format raw-in-base64-out /dev/stdout`,
        expected: '"StatusCode": 200 and no "FunctionError"',
        kind: CommandKind.INSPECT,
      },
    ];
  }
  const url: RunbookCommand = {
    description: 'Read the service URL from the stack outputs',
    command: `URL=$(pulumi stack output ${output} --stack ${stack})`,
    expected: 'URL holds the load balancer address',
    kind: CommandKind.INSPECT,
  };
  const tests = definition.smokeTests;
  if (tests) {
    return [
      url,
      pulumiSmokeTestsFile(tests),
      {
        description: `Run the smoke tests through the load balancer: ${describeChecks(tests)}`,
        command: 'npx glidepath smoke-test --url "$URL" --config "$SMOKE_TESTS"',
        expected: `every check PASS and exit code 0 (${tests.attempts} attempts per check, ${tests.timeout} per request)`,
        kind: CommandKind.INSPECT,
      },
    ];
  }
  const health = definition.workload.container?.healthCheckPath ?? '/';
  return [
    url,
    {
      description: 'Call the health check through the load balancer',
      command: `curl --fail --silent --show-error --max-time 5 "$URL${health}"`,
      expected: 'HTTP 200 within 5 seconds',
      kind: CommandKind.INSPECT,
    },
  ];
}

/** After an Argo Rollouts undo, on Pulumi: the program still holds the bad version. */
const UNDO_BEFORE_PULUMI_UP =
  "an undo patches the Rollout's pod template outside Pulumi (field manager kubectl-argo-rollouts): revert the release commit before the next `pulumi up`, and check that its preview changes only the pod template back. An abort needs none of this.";

/**
 * The Kubernetes runbook facts of the chart with Pulumi commands where they replace `kubectl`:
 * preview instead of `kubectl diff`, `pulumi up` instead of `kubectl apply`, and `pulumi up` of the
 * previous commit for level 3. Argo Rollouts commands stay: Pulumi applies the Rollout, the
 * controller runs it.
 */
export function kubernetesRunbookFacts(
  chartFacts: readonly RunbookFacts[],
  scope: PulumiScope & {
    readonly namespace: string;
    readonly schedule: CompiledSchedule;
    readonly budget: Duration;
    /** The definition's service and smoke tests: a Pulumi project holds no synthesized smoke-test file. */
    readonly service: string;
    readonly smokeTests?: SmokeTests;
  },
): RunbookFacts[] {
  const s = scope.stack;
  // The reverted objects go through the same rollout: count until all traffic is on the good version.
  const beforeFull = scope.schedule.steps.slice(0, -1).reduce((acc, step) => acc.plus(step.bake), Duration.seconds(0));
  const bound = timeBound(
    [
      { what: '`pulumi up` applies the objects (allowance)', duration: Duration.minutes(1) },
      { what: 'start and ready the pods of the previous version (allowance)', duration: Duration.minutes(1) },
      ...(beforeFull.toSeconds() > 0 ? [{ what: 'bake of the steps before 100% traffic', duration: beforeFull }] : []),
    ],
    scope.budget,
  );
  const config = `--config ${smokeTestsFileName(scope.service)}`;
  const smoke = (commands: readonly RunbookCommand[] | undefined): RunbookCommand[] | undefined => {
    if (!commands || !scope.smokeTests || !commands.some((c) => c.command.includes(config))) return commands && [...commands];
    const at = commands.findIndex((c) => c.command.includes(config));
    const local = commands.map((c) => ({ ...c, command: c.command.split(config).join('--config "$SMOKE_TESTS"') }));
    return [...local.slice(0, at), pulumiSmokeTestsFile(scope.smokeTests), ...local.slice(at)];
  };
  const facts = chartFacts.map((f): RunbookFacts => {
    // An undo's field-manager conflict is the next `kubectl apply`'s; here `pulumi up` applies the objects.
    const rollback = f.rollback
      ?.filter((l) => l.level !== 3)
      .map((l) => (l.afterwards && /kubectl apply/.test(l.afterwards) ? { ...l, afterwards: UNDO_BEFORE_PULUMI_UP } : l));
    if (!f.context) {
      return { ...f, rollback, smoke: smoke(f.smoke) };
    }
    return {
      ...f,
      incident: f.incident && { ...f.incident, procedures: f.incident.procedures.map((p) => withPulumiReapply(p, s)) },
      context: { ...f.context, target: Target.PULUMI, scope: s },
      preDeploy: [...withoutToolCommands(f.preDeploy), preview(s)],
      deploy: [
        {
          ...up(s, `Apply the objects of namespace ${scope.namespace}; the rollout then runs in the cluster (follow it below)`),
          expected: 'Update succeeded; no resource failed',
        },
      ],
      rollback,
      smoke: smoke(f.smoke),
      resources: [...(f.resources ?? []), { type: 'pulumi:pulumi:Stack', name: s }],
      notes: [
        ...(f.notes ?? []),
        'Level 2 commands change the Rollout outside Pulumi; revert the release commit before the next `pulumi up`, or it applies the bad version again.',
      ],
    };
  });
  return [...facts, { rollback: [level3(s, bound)] }];
}

/** The chart's `kubectl apply` of its manifest, as an incident procedure writes it (a Pulumi project has no manifest file). */
const MANIFEST_APPLY = /^kubectl apply --server-side -n \S+ -f \S+$/m;

/**
 * An incident procedure with `pulumi up --refresh` where it re-applies the manifest: the refresh
 * finds the objects deleted out of band (a Failed Job) and the update creates them anew; without
 * it Pulumi's state still holds them and the update changes nothing
 * (https://www.pulumi.com/docs/iac/cli/commands/pulumi_refresh/).
 */
function withPulumiReapply(p: IncidentProcedure, stack: string): IncidentProcedure {
  if (!p.commands.some((c) => MANIFEST_APPLY.test(c.command))) return p;
  return {
    ...p,
    commands: p.commands.map((c) =>
      MANIFEST_APPLY.test(c.command)
        ? {
            ...c,
            description: c.description.replace(
              'apply the manifest',
              'update the stack with a refresh (it sees the Job gone and creates it anew)',
            ),
            command: c.command.replace(MANIFEST_APPLY, `pulumi up --stack ${stack} --refresh --yes`),
          }
        : c,
    ),
  };
}
