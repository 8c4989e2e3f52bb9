import { Duration } from '../../../lib/model/duration';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import type { CompiledSchedule } from '../../../lib/plan/schedule';
import { timeBound } from '../../../lib/plan/timing';
import { RunbookTarget, type NamedResource, type RollbackLevelFact, type RunbookCommand, type RunbookFacts } from '../../../lib/runbook/facts';
import type { ReferenceStack } from './reference-stack';

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
};

interface PulumiScope {
  /** The Pulumi stack the program runs in (`pulumi.getStack()`). */
  readonly stack: string;
}

const preview = (stack: string): RunbookCommand => ({
  description: 'Review what the release changes',
  command: `pulumi preview --stack ${stack} --diff`,
  expected: 'Only the changes this release intends',
});
const up = (stack: string, what: string): RunbookCommand => ({ description: what, command: `pulumi up --stack ${stack} --yes` });

/** Level 3 on Pulumi: the program of the previous commit, through the same rollout. */
function level3(stack: string, bound: RollbackLevelFact['bound']): RollbackLevelFact {
  return {
    level: 3,
    title: 'Code: `pulumi up` of the previous version',
    when: 'The previous revision is no longer deployable, or infrastructure changed with the release.',
    commands: [
      {
        description: 'Read the commit of the last update (Pulumi records the git HEAD of the program as git.head)',
        command: `RELEASE_COMMIT=$(pulumi stack history --stack ${stack} --page-size 1 --json | jq -r '.[0].environment["git.head"]') && git show --no-patch --oneline "$RELEASE_COMMIT"`,
        expected: 'the release commit and its subject',
      },
      { description: 'Revert the release commit', command: 'git revert --no-edit "$RELEASE_COMMIT"' },
      up(stack, 'Deploy the previous version through the same rollout'),
    ],
    verify: [
      {
        description: 'The last update succeeded',
        command: `pulumi stack history --stack ${stack} --page-size 1 --json`,
        expected: '"result": "succeeded"',
      },
    ],
    bound,
  };
}

/**
 * The AWS runbook facts of the same definition, from the `DeploymentStack` constructs (built in
 * memory, never synthesized), with Pulumi commands where they replace `cdk`: preview, `pulumi up`,
 * stack outputs, and `pulumi up` of the previous commit for level 3. Alarm, ECS and secret
 * commands stay: the physical names are the same on both targets.
 */
export function awsRunbookFacts(
  definition: ServiceDefinition,
  reference: ReferenceStack,
  scope: PulumiScope & { readonly serviceUrlOutput: string },
): RunbookFacts[] {
  const facts = reference.mirrored.map((c) => c.runbookFacts());
  const missing = reference.missing.map((p) => `\`${p}\``);
  const s = scope.stack;
  return facts.map((f) => {
    const rollback = f.rollback?.map((l) =>
      l.level === 3
        ? level3(s, l.bound && { ...l.bound, parts: l.bound.parts.map((p) => (p.what.startsWith('CloudFormation') ? { ...p, what: '`pulumi up` (allowance)' } : p)) })
        : l,
    );
    const resources = f.resources?.map((r): NamedResource => ({ type: PULUMI_TYPES[r.type] ?? r.type, name: r.type === 'AWS::CloudFormation::Stack' ? s : r.name }));
    if (!f.context) {
      return { ...f, rollback, resources };
    }
    const health = definition.workload.container?.healthCheckPath ?? '/';
    return {
      ...f,
      context: { ...f.context, target: RunbookTarget.PULUMI, scope: s, pipeline: undefined },
      workingDirectory: 'the Pulumi project directory (the one holding Pulumi.yaml)',
      prerequisites: [...(f.prerequisites ?? []).filter((p) => !p.includes('npx cdk')), 'the Pulumi CLI, logged in to the backend that holds the stack'],
      preDeploy: [preview(s), ...(f.preDeploy ?? []).filter((c) => !c.command.startsWith('npx cdk'))],
      deploy: [{ ...up(s, 'Deploy (the rollout runs inside this command: the ECS service waits for steady state)'), expected: 'Update succeeded; no resource failed' }],
      smoke: [
        {
          description: 'Read the service URL from the stack outputs',
          command: `URL=$(pulumi stack output ${scope.serviceUrlOutput} --stack ${s})`,
          expected: 'URL holds the load balancer address',
        },
        {
          description: 'Call the health check through the load balancer',
          command: `curl --fail --silent --show-error --max-time 5 "$URL${health}"`,
          expected: 'HTTP 200 within 5 seconds',
        },
      ],
      rollback,
      resources,
      notes: [
        ...(f.notes ?? []),
        'Level 2 commands change the ECS service outside Pulumi; revert the release commit before the next `pulumi up`, or it deploys the bad revision again.',
        ...(missing.length > 0
          ? [`The Pulumi target does not deploy these parts of the CloudFormation target yet, so this runbook leaves them out: ${missing.join(', ')}.`]
          : []),
      ],
    };
  });
}

/**
 * The Kubernetes runbook facts of the chart with Pulumi commands where they replace `kubectl`:
 * preview instead of `kubectl diff`, `pulumi up` instead of `kubectl apply`, and `pulumi up` of the
 * previous commit for level 3. Argo Rollouts commands stay: Pulumi applies the Rollout, the
 * controller runs it.
 */
export function kubernetesRunbookFacts(
  chartFacts: readonly RunbookFacts[],
  scope: PulumiScope & { readonly namespace: string; readonly schedule: CompiledSchedule; readonly budget: Duration },
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
  const facts = chartFacts.map((f): RunbookFacts => {
    const rollback = f.rollback?.filter((l) => l.level !== 3);
    if (!f.context) {
      return { ...f, rollback };
    }
    return {
      ...f,
      context: { ...f.context, target: RunbookTarget.PULUMI, scope: s },
      preDeploy: [...(f.preDeploy ?? []).filter((c) => !c.command.startsWith('kubectl diff')), preview(s)],
      deploy: [
        {
          ...up(s, `Apply the objects of namespace ${scope.namespace}; the rollout then runs in the cluster (follow it below)`),
          expected: 'Update succeeded; no resource failed',
        },
      ],
      rollback,
      resources: [...(f.resources ?? []), { type: 'pulumi:pulumi:Stack', name: s }],
      notes: [
        ...(f.notes ?? []),
        'Level 2 commands change the Rollout outside Pulumi; revert the release commit before the next `pulumi up`, or it applies the bad version again.',
      ],
    };
  });
  return [...facts, { rollback: [level3(s, bound)] }];
}
