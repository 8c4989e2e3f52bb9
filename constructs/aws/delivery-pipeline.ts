import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import type { Delivery } from '../../lib/model/delivery';
import type { EnvironmentDefinition } from '../../lib/model/environment';
import type { ServiceDefinition } from '../../lib/model/service-definition';
import { promotionSteps, stepEnvironments, type PromotionStep } from '../../lib/plan/promotion';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import type { PipelineStageFact } from '../../lib/runbook/pipeline-facts';
import { AlertTopics, EventRulePublishTarget } from './alert-topics';
import { DeploymentStage } from './deployment-stage';
import { pipelineName } from '../../lib/plan/names';
import { acknowledgePipelineFindings } from './private/pipeline-acknowledgements';
import { approvalActionName, APPROVE } from '../../lib/plan/approval-action';
import { literalRegion } from './private/aws-cli';
import { deliveryPipelineRunbookFacts } from '../../lib/runbook/platforms/codepipeline';

/** Node.js major of every CodeBuild project: the one glidepath and the CDK CLI are tested on. */
export const NODE_RUNTIME = '20';
/** CodeBuild image offering `NODE_RUNTIME` (Ubuntu standard:7.0 lists Node.js 18, 20 and 22). */
const BUILD_IMAGE = codebuild.LinuxBuildImage.STANDARD_7_0;

/** Days a pipeline artifact is kept: long enough to retry a release, not an archive. */
const ARTIFACT_RETENTION_DAYS = 30;

/** Props for `DeliveryPipeline`. */
export interface DeliveryPipelineProps {
  /** The validated definition; it must have `delivery.connectionArn`. */
  readonly definition: ServiceDefinition;
  /** Path of the definition file in the repository, for `glidepath check` and smoke tests, e.g. `glidepath.yaml`. */
  readonly definitionPath: string;
  /** Topic that hears about failed releases. @default - the warning topic of a new `AlertTopics` named `<service>-pipeline` */
  readonly alertTopic?: sns.ITopic;
  /** Command that synthesizes the cloud assembly. @default npx cdk synth */
  readonly synthCommand?: string;
}

/** Step ids: they are the CodePipeline action names the runbook's commands use (see approvalActionName). */
const CHECK = 'Check';
const SMOKE_TEST = 'SmokeTest';

/** The deterministic name of a service's pipeline (and of the stack `PipelineStack` puts it in). */
export { pipelineName };

/**
 * CI/CD for one definition with CDK Pipelines: the repository and branch of `delivery` through a
 * CodeStar connection, a synth step (install, lint, test, build, `cdk synth`), then one pipeline
 * stage per environment in promotion order, each deploying that environment's `DeploymentStack`.
 * Before an environment with `approval`, `glidepath check` runs and a human approves; after it,
 * `glidepath smoke-test` calls the new version through the stack's `ServiceUrl` output. Waves
 * deploy several environments in parallel, their canary first. A failed execution notifies the
 * alert topic, and the runbook gets the exact commands to approve, retry and stop a release.
 *
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.pipelines-readme.html
 */
export class DeliveryPipeline extends Construct implements IRunbookContributor {
  /** The CDK Pipelines pipeline, already built (`pipeline.pipeline` is the CodePipeline). */
  public readonly pipeline: pipelines.CodePipeline;
  /** The deployment stages, by environment name. */
  public readonly stages: ReadonlyMap<string, DeploymentStage>;
  /** The topic that hears about failed releases. */
  public readonly alertTopic: sns.ITopic;
  /** The pipeline's physical name. */
  public readonly pipelineName: string;
  private readonly delivery: Delivery;
  private readonly stageFacts: PipelineStageFact[] = [];
  /** Pipeline stage name → CodePipeline action name of its approval. */
  private readonly approvalActions = new Map<string, string>();
  private readonly topicName?: string;

  constructor(scope: Construct, id: string, props: DeliveryPipelineProps) {
    super(scope, id);
    const def = props.definition;
    const delivery = def.delivery;
    if (!delivery?.connectionArn) {
      throw new Error(
        `${def.service}: the AWS pipeline needs "delivery.connectionArn" (a CodeStar connection to ${delivery?.repository ?? 'the repository'}); add a "delivery" section with it`,
      );
    }
    this.delivery = delivery;
    this.pipelineName = pipelineName(def.service);
    const commands = delivery.commands;
    const source = pipelines.CodePipelineSource.connection(delivery.repository, delivery.branch, {
      connectionArn: delivery.connectionArn,
    });
    this.pipeline = new pipelines.CodePipeline(this, 'Resource', {
      pipelineName: this.pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      crossAccountKeys: true,
      enableKeyRotation: true,
      // Every CodeBuild project (synth, checks, smoke tests, assets, self-mutation) runs on a
      // pinned image and Node.js major: the image's default runtime moves under a release otherwise.
      // https://docs.aws.amazon.com/codebuild/latest/userguide/available-runtimes.html
      codeBuildDefaults: {
        buildEnvironment: { buildImage: BUILD_IMAGE },
        partialBuildSpec: codebuild.BuildSpec.fromObject({ phases: { install: { 'runtime-versions': { nodejs: NODE_RUNTIME } } } }),
      },
      synth: new pipelines.ShellStep('Synth', {
        input: source,
        commands: [
          // The source zip has no .git: the commit the stacks record (output ReleaseCommit, runbook level 3)
          // comes from CodeBuild (https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html).
          'export GLIDEPATH_RELEASE_COMMIT="$CODEBUILD_RESOLVED_SOURCE_VERSION"',
          commands.install,
          commands.lint,
          commands.test,
          commands.build,
          props.synthCommand ?? 'npx cdk synth',
        ],
      }),
    });

    const stages = new Map<string, DeploymentStage>();
    const stageOf = (env: EnvironmentDefinition) => {
      const stage = new DeploymentStage(this, env.name, { definition: def, environment: env.name });
      stages.set(env.name, stage);
      return stage;
    };
    const check = (envs: readonly EnvironmentDefinition[]) =>
      new pipelines.ShellStep(CHECK, {
        input: source,
        commands: [commands.install, `npx glidepath check ${props.definitionPath} --env ${envs.map((e) => e.name).join(' ')}`],
      });
    // Only with smoke tests in the definition: without them `glidepath smoke-test` has nothing to run and fails.
    const smoke = (stage: DeploymentStage) =>
      stage.serviceUrl && def.smokeTests
        ? [
            new pipelines.ShellStep(SMOKE_TEST, {
              input: source,
              envFromCfnOutputs: { URL: stage.serviceUrl },
              commands: [commands.install, `npx glidepath smoke-test --url "$URL" --definition ${props.definitionPath}`],
            }),
          ]
        : [];
    const approval = (envs: readonly EnvironmentDefinition[]) =>
      new pipelines.ManualApprovalStep(APPROVE, {
        comment: `Release ${def.service} to ${envs.map((e) => e.name).join(', ')}: the previous environments passed their smoke tests; review the change set of this stage, then approve.`,
        reviewUrl: delivery.reviewUrl,
      });
    /**
     * The automated check runs before the stage; the approval of a single environment runs
     * between preparing its change set and executing it (CDK Pipelines `stackSteps.changeSet`),
     * so the approver reviews the change set that will really execute. A wave without a canary
     * deploys its environments in parallel: one approval before the wave gates them all.
     */
    const gate = (step: PromotionStep, envs: readonly EnvironmentDefinition[], stage?: DeploymentStage) => {
      const checkStep = check(envs);
      if (!step.approval) return { pre: [checkStep], stackSteps: [] };
      const approve = approval(envs);
      if (!stage) {
        approve.addStepDependency(checkStep);
        this.approvalActions.set(step.name, approvalActionName());
        return { pre: [checkStep, approve], stackSteps: [] };
      }
      this.approvalActions.set(stage.node.id, approvalActionName(stage.deploymentStack.stackName));
      return { pre: [checkStep], stackSteps: [{ stack: stage.deploymentStack, changeSet: [approve] }] };
    };

    for (const step of promotionSteps(def)) {
      if (!step.wave) {
        const env = step.parallel[0];
        const stage = stageOf(env);
        this.pipeline.addStage(stage, { ...gate(step, [env], stage), post: smoke(stage) });
        this.stageFacts.push({
          name: env.name,
          environments: [env.name],
          approval: step.approval,
          smokeTests: stage.serviceUrl !== undefined && def.smokeTests !== undefined,
        });
        continue;
      }
      let gateSteps: pipelines.Step[] = [];
      if (step.canary) {
        const stage = stageOf(step.canary);
        this.pipeline.addStage(stage, { ...gate(step, stepEnvironments(step), stage), post: smoke(stage) });
        this.stageFacts.push({
          name: step.canary.name,
          environments: [step.canary.name],
          approval: step.approval,
          smokeTests: stage.serviceUrl !== undefined && def.smokeTests !== undefined,
          canaryOf: step.name,
        });
      } else {
        gateSteps = gate(step, stepEnvironments(step)).pre;
      }
      const wave = this.pipeline.addWave(step.name, { pre: gateSteps });
      for (const env of step.parallel) {
        const stage = stageOf(env);
        wave.addStage(stage, { post: smoke(stage) });
      }
      this.stageFacts.push({
        name: step.name,
        environments: step.parallel.map((e) => e.name),
        approval: step.approval && !step.canary,
        smokeTests: step.parallel.some((e) => stages.get(e.name)?.serviceUrl !== undefined),
      });
    }
    this.stages = stages;
    this.pipeline.buildPipeline();
    acknowledgePipelineFindings(this.pipeline);
    // Artifacts only matter while a release runs (and for a retry soon after): expire them.
    const artifacts = this.pipeline.pipeline.artifactBucket.node.defaultChild as s3.CfnBucket;
    artifacts.lifecycleConfiguration = {
      rules: [
        {
          id: 'expire-pipeline-artifacts',
          status: 'Enabled',
          expirationInDays: ARTIFACT_RETENTION_DAYS,
          noncurrentVersionExpiration: { noncurrentDays: 1 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    };

    if (props.alertTopic) {
      this.alertTopic = props.alertTopic;
    } else {
      const topics = new AlertTopics(this, 'AlertTopics', { namePrefix: this.pipelineName });
      // EventBridge publishes to the encrypted topic only when the key lets it.
      topics.encryptionKey.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        }),
      );
      this.alertTopic = topics.warning;
      this.topicName = `${this.pipelineName}-warning`;
    }
    new events.Rule(this, 'Failed', {
      ruleName: `${this.pipelineName}-failed`,
      description: `A release of ${def.service} failed in ${this.pipelineName}`,
      eventPattern: {
        source: ['aws.codepipeline'],
        detailType: ['CodePipeline Pipeline Execution State Change'],
        detail: { pipeline: [this.pipelineName], state: ['FAILED'] },
      },
      targets: [
        // Lets this rule (and only it) publish: aws:SourceArn, aws:SourceAccount.
        new EventRulePublishTarget(
          this.alertTopic,
          events.RuleTargetInput.fromText(
            `${this.pipelineName}: execution ${events.EventField.fromPath('$.detail.execution-id')} FAILED. See the "Pipeline" runbook: retry the failed stage or stop the release.`,
          ),
        ),
      ],
    });
  }

  /** The pipeline's own runbook (text in lib/runbook/platforms/codepipeline.ts). */
  public runbookFacts(): RunbookFacts {
    return deliveryPipelineRunbookFacts({
      region: literalRegion(this),
      pipelineName: this.pipelineName,
      delivery: this.delivery,
      stages: this.stageFacts,
      topicName: this.topicName,
      approveActions: Object.fromEntries(
        this.stageFacts.filter((f) => f.approval).map((f) => [f.name, this.approvalActions.get(f.name) ?? APPROVE]),
      ),
    });
  }
}
