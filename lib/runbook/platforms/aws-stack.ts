import { Duration } from '../../model/duration';
import type { EnvironmentDefinition } from '../../model/environment';
import type { ServiceDefinition } from '../../model/service-definition';
import { approvalActionName } from '../../plan/approval-action';
import { pipelineName, ResourceNames } from '../../plan/names';
import { promotionSteps } from '../../plan/promotion';
import { Backend } from '../../plan/rollout/schedule';
import { secretVariable } from '../../plan/secret-bindings';
import { timeBound, timeToDetect } from '../../plan/timing';
import { describeChecks, smokeTestsFileName } from '../../smoke/file';
import { Target } from '../../targets/target';
import { awsCli } from '../aws-cli';
import { failedCreateNote } from './failed-create';
import { CommandKind, type RollbackLevelFact, type RunbookCommand, type RunbookFacts } from '../facts';
import { awsIncidentFacts } from './aws-incident';
import { ecsDeploymentDuration } from './ecs';
import { compileEcsRollout } from '../../plan/rollout/ecs-schedule';
import { approveExecution, followStage, revertCommit, rollBackThroughPipeline } from '../procedures/pipeline';

/** What the CloudFormation stack's runbook text needs: the definition and a few decided values. */
export interface AwsStackRunbookInput {
  readonly definition: ServiceDefinition;
  readonly environment: EnvironmentDefinition;
  /** CloudFormation stack name, e.g. `checkout-prod`. */
  readonly stack: string;
  /** Base name of the service's resources (the function's name), e.g. `checkout-prod`. */
  readonly names: { readonly base: string };
  /** AWS region of the stack, when literal. @default - `"$AWS_REGION"` in commands */
  readonly region?: string;
  /** Where the workload runs: `Backend.ECS` or `Backend.LAMBDA_CODEDEPLOY`. */
  readonly backend: Backend;
  /** Whether the feature flags contribute rollback level 1 with their own commands. */
  readonly flagsContributeLevel1: boolean;
  /** Computed bounds of rollback levels 2 and 3. */
  readonly bounds: { readonly level2: RollbackLevelFact['bound']; readonly level3: RollbackLevelFact['bound'] };
  /** ECS cluster name (an existing cluster passed to the stack). @default - `names.base` */
  readonly cluster?: string;
}

/** Checks that the new version answers, through the same entry point users reach. */
function smokeCommands(input: AwsStackRunbookInput): RunbookCommand[] {
  const aws = awsCli(input.region);
  const stack = input.stack;
  const tests = input.definition.smokeTests;
  const container = input.backend === Backend.ECS;
  if (container && tests) {
    return [
      {
        description: 'Read the service URL from the stack outputs',
        command: `URL=$(${aws`cloudformation describe-stacks --stack-name ${stack} --query "Stacks[0].Outputs[?OutputKey=='ServiceUrl'].OutputValue" --output text`})`,
        expected: 'URL holds the load balancer address',
      },
      {
        description: `Run the smoke tests through the load balancer: ${describeChecks(tests)}`,
        command: `npx glidepath smoke-test --url "$URL" --config cdk.out/${smokeTestsFileName(input.definition.service)}`,
        expected: `every check PASS and exit code 0 (${tests.attempts} attempts per check, ${tests.timeout} per request)`,
      },
    ];
  }
  if (container) {
    const health = input.definition.workload.container?.healthCheckPath ?? '/';
    return [
      {
        description: 'Read the service URL from the stack outputs',
        command: `URL=$(${aws`cloudformation describe-stacks --stack-name ${stack} --query "Stacks[0].Outputs[?OutputKey=='ServiceUrl'].OutputValue" --output text`})`,
        expected: 'URL holds the load balancer address',
      },
      {
        description: 'Call the health check through the load balancer',
        command: `curl --fail --silent --show-error --max-time 5 "$URL${health}"`,
        expected: 'HTTP 200 within 5 seconds',
      },
    ];
  }
  return [
    {
      description: 'Invoke the live alias once',
      command: aws`lambda invoke --function-name ${input.names.base} --qualifier live --payload '{}' --cli-binary-format raw-in-base64-out /dev/stdout`,
      expected: '"StatusCode": 200 and no "FunctionError"',
    },
  ];
}

/** The CodePipeline stage that deploys an environment, when a delivery pipeline owns it. */
export function pipelineStageOf(
  def: ServiceDefinition,
  environment: string,
): { pipeline: string; stage: string; region: string | undefined; approval: boolean; approvalAction: string } | undefined {
  if (!def.delivery?.connectionArn) return undefined;
  const step = promotionSteps(def).find((p) => p.canary?.name === environment || p.parallel.some((e) => e.name === environment));
  if (!step) return undefined;
  const stage = step.canary?.name === environment || !step.wave ? environment : step.name;
  return {
    pipeline: pipelineName(def.service),
    stage,
    region: def.delivery.region ?? def.environments[0].region,
    approval: step.approval,
    // An environment deployed on its own approves its change set (`<stack>.Approve`); a wave without canary approves up front.
    approvalAction: approvalActionName(stage === environment ? new ResourceNames(def.service, environment).stack : undefined),
  };
}

/** The CloudFormation stack: context, prerequisites, deploy (cdk or pipeline), smoke tests, level 3, secrets. */
export function awsStackRunbookFacts(input: AwsStackRunbookInput): RunbookFacts {
  const def = input.definition;
  const env = input.environment;
  const container = input.backend === Backend.ECS;
  const stack = input.stack;
  const aws = awsCli(input.region);
  const region = input.region;
  const owner = pipelineStageOf(def, env.name);
  const pipelineCli = owner ? awsCli(owner.region) : aws;
  const autoRollback = env.alarms.enabled
    ? `The rollback alarm fires about ${timeToDetect(env.alarms.rollbackTrigger.evaluation)} after the new version's own error rate reaches ${env.alarms.rollbackTrigger.errorRatePercent}% (measured apart from the old version's traffic).`
    : 'Automatic rollback is off: alarms are disabled in this environment.';
  const readCommit: RunbookCommand = {
    description:
      'Read the commit the stack was deployed from (stack output ReleaseCommit: the pipeline records the commit CodeBuild resolved, a deploy by hand the HEAD it was synthesized from)',
    command: [
      `RELEASE_COMMIT=$(${aws`cloudformation describe-stacks --stack-name ${stack} --query "Stacks[0].Outputs[?OutputKey=='ReleaseCommit'].OutputValue" --output text`})`,
      '[ "$RELEASE_COMMIT" != unknown ] && echo "deployed from ${RELEASE_COMMIT:?no ReleaseCommit output}" || { echo "the stack does not know its commit: find it in git log" >&2; exit 1; }',
    ].join('\n'),
    expected: 'the release commit',
  };
  const pipelineNames = owner
    ? {
        aws: pipelineCli,
        pipeline: owner.pipeline,
        approvalStage: owner.stage,
        toApproval: Duration.minutes(15 + 7 * env.order),
        approval: owner.approval,
        approvalAction: owner.approvalAction,
      }
    : undefined;
  const deploy: RunbookCommand[] = owner
    ? [
        {
          description: `Release through pipeline ${owner.pipeline}: it deploys ${env.name} in stage ${owner.stage}${owner.approval ? ' after a human approves (see the pipeline runbook)' : ''}; do not run \`cdk deploy\` by hand, it skips the approval and can race a running execution`,
          command: `EXECUTION_ID=$(${pipelineCli`codepipeline start-pipeline-execution --name ${owner.pipeline} --query pipelineExecutionId --output text`})`,
          expected: 'EXECUTION_ID holds the execution',
        },
        ...(owner.approval ? approveExecution(pipelineNames!, 'Approved by the on-call') : []),
        followStage(pipelineNames!),
      ]
    : [
        {
          description: 'Deploy (the rollout runs inside this command)',
          command: `npx cdk deploy ${stack} --require-approval never`,
          kind: CommandKind.DEPLOY,
          expected: `${stack} UPDATE_COMPLETE`,
        },
      ];
  // Issue 25 item 4: the commit prod runs (from the pipeline), a safe revert, the revert's own approval.
  const revertDeploy: RunbookCommand[] = owner
    ? rollBackThroughPipeline(pipelineNames!, `${stack}.Deploy`)
    : [
        readCommit,
        ...revertCommit('hand'),
        {
          description: 'Deploy the reverted code through the same rollout',
          command: `npx cdk deploy ${stack} --require-approval never`,
          kind: CommandKind.DEPLOY,
        },
        {
          // Issue 25 item 4: a revert waiting for review leaves main with the bad commit.
          description:
            'When the revert went up as a pull request, main still holds RELEASE_COMMIT: nobody deploys from main until it merges',
          command:
            '[ "${PUSHED:?set by the push step}" = main ] || echo "main still holds ${RELEASE_COMMIT}: merge the pull request before anyone deploys from main" >&2',
          expected: 'nothing after a push to main; after a pull request, the reminder (on stderr)',
          kind: CommandKind.INSPECT,
        },
      ];
  const level3Bound =
    owner && input.bounds.level3
      ? timeBound(
          [
            { what: 'the pipeline builds the revert (allowance)', duration: Duration.minutes(15) },
            ...(env.order > 0
              ? [
                  {
                    what: `${env.order} earlier stage(s) deploy and smoke-test it (allowance 7m each)`,
                    duration: Duration.minutes(7 * env.order),
                  },
                ]
              : []),
            ...input.bounds.level3.parts,
          ],
          input.bounds.level3.budget,
        )
      : input.bounds.level3;
  const { incident, access } = awsIncidentFacts({
    definition: def,
    environment: env,
    region,
    container,
    deploymentDuration: container ? ecsDeploymentDuration(compileEcsRollout(env).settings) : Duration.minutes(10),
    pipeline: owner?.pipeline,
    cluster: input.cluster,
  });
  return {
    incident,
    access,
    context: {
      service: def.service,
      environment: env.name,
      target: Target.AWS,
      owners: def.owners,
      description: def.description,
      scope: stack,
      production: env.production,
      approval: env.approval,
      strategy: env.rollout.strategy,
      rationale: env.rollout.rationale,
      budgets: def.rollbackBudgets,
      dora: def.dora,
      communication: def.communication,
      region,
      pipeline: owner ? { name: owner.pipeline, stage: owner.stage } : undefined,
    },
    automaticRollback: autoRollback,
    prerequisites: [
      container
        ? `AWS CLI v2, version 2.27.50 or later (\`aws ecs stop-service-deployment\` and \`aws ecs list-service-deployments\` of ECS native deployments), with credentials for the account of ${stack}`
        : `AWS CLI v2 (\`aws logs tail\` is v2 only), with credentials for the account of ${stack}`,
      'jq 1.6 or later',
      "Node.js 20 and the project's dependencies (`npm ci`), for `npx cdk` and `npx glidepath`",
      'git, in a clone of the repository',
    ],
    workingDirectory:
      'the project directory (the one holding cdk.json); files written by synthesis are under cdk.out/ (run `npx cdk synth` first)',
    preDeploy: [
      {
        description: 'Review the change set before deploying',
        command: `npx cdk diff ${stack}`,
        kind: CommandKind.PREVIEW,
        expected: 'Only the changes this release intends',
      },
      ...env.secrets
        .filter((s) => !s.generated)
        .map((s) => ({
          description: `Check that secret ${s.secretName} exists (it is managed outside this stack)`,
          command: aws`secretsmanager describe-secret --secret-id ${s.secretName} --query Name --output text`,
          expected: s.secretName,
        })),
    ],
    deploy,
    smoke: smokeCommands(input),
    notes: [
      ...(!container && def.smokeTests
        ? [
            `the function has no HTTP endpoint in this stack, so the smoke tests run in the pre-traffic hook; behind an API, run them there too: \`glidepath smoke-test\` with \`--url\` set to the API's address and \`--config cdk.out/${smokeTestsFileName(input.definition.service)}\``,
          ]
        : []),
      // What to do when a failed first deployment's retry finds a name still taken.
      failedCreateNote(
        aws,
        stack,
        container ? `/ecs/${input.names.base}` : `/aws/lambda/${input.names.base}`,
        env.secrets.filter((s) => s.generated).map((s) => s.secretName),
      ),
    ],
    checklist:
      def.featureFlags.length > 0
        ? [`Feature flags set as intended before the release: ${def.featureFlags.map((f) => f.name).join(', ')}`]
        : [],
    rollback: [
      // With flags, AppConfigFeatureFlags contributes level 1 with its commands.
      ...(input.flagsContributeLevel1
        ? []
        : [
            {
              level: 1 as const,
              title: 'Feature flag',
              when: 'The change is behind a feature flag: turn the flag off.',
              commands: [],
              verify: [],
            },
          ]),
      { level: 2, title: 'Configuration', when: '', commands: [], verify: [], bound: input.bounds.level2 },
      {
        level: 3,
        title: 'Code: redeploy the previous commit',
        when: 'The previous revision is no longer deployable, or infrastructure changed with the release.',
        commands: revertDeploy,
        verify: [
          {
            description: 'The stack update finished',
            command: aws`cloudformation describe-stacks --stack-name ${stack} --query 'Stacks[0].StackStatus' --output text`,
            expected: 'UPDATE_COMPLETE',
          },
        ],
        bound: level3Bound,
      },
    ],
    secrets: env.secrets.map((s) => ({
      name: s.secretName,
      // Containers get the value in the variable; a function gets the secret's ARN (ProgressiveFunction).
      envVar: secretVariable(s.envVar, !container),
      rotation: s.generated ? `every ${s.rotationDays} days (generated)` : 'managed outside glidepath',
    })),
    resources: [
      { type: 'AWS::CloudFormation::Stack', name: stack },
      ...env.secrets.filter((s) => s.generated).map((s) => ({ type: 'AWS::SecretsManager::Secret', name: s.secretName })),
    ],
  };
}
