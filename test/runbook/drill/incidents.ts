import { RELEASE_COMMIT, type DrillRunbook } from './fixtures';
import { AWS_SCENARIOS } from './aws-scenarios';
import { GIT_SCENARIOS } from './git-scenarios';
import { K8S_SCENARIOS } from './k8s-scenarios';
import type { Drill, SectionResult } from './run';
import { drillSections, SectionKind, type DrillSection } from './stubs';
import { DrillWorld } from './world';
import { killSwitchIncident } from './kill-switch-scenarios';

/** An incident: the runbook section to follow, the world it leaves, and what must hold at the end. */
export interface Incident {
  readonly name: string;
  readonly runbook: string;
  readonly heading: RegExp;
  readonly setup: (w: DrillWorld) => void;
  /** Variables the engineer sets before the section (`FLAG=…`). */
  readonly prefix?: string;
  readonly git?: { merge?: boolean; protectedMain?: boolean };
  readonly firing?: readonly string[];
  /** End-state failures, one line each (empty: the incident ended as intended). */
  readonly check: (r: SectionResult) => string[];
  /**
   * When service was restored, if earlier than the end of the section (whose verify may wait for a
   * bake to finish): the time compared with the bound. @default - the section's whole time
   */
  readonly restoredAt?: (r: SectionResult) => number;
  /** A diagnosis or a phase, not a procedure with a stated time bound. */
  readonly untimed?: boolean;
  /** The section must stop with a non-zero exit (it found what it checks for missing, or gave up waiting). */
  readonly stops?: boolean;
}

/** "1m30s", "2h", "40m" → seconds. */
export function seconds(text: string): number {
  let total = 0;
  for (const [, n, u] of text.matchAll(/(\d+)(h|m(?!s)|s)/g)) total += Number(n) * { h: 3600, m: 60, s: 1 }[u as 'h' | 'm' | 's'];
  return total;
}

/** The body of a section (up to the next heading of the same or a higher level). */
export function body(markdown: string, heading: RegExp): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^#{2,3} /.test(l) && heading.test(l.replace(/^#+ /, '')));
  if (start < 0) return '';
  const level = /^#+/.exec(lines[start])![0].length;
  const end = lines.findIndex((l, i) => i > start && new RegExp(`^#{2,${level}} `).test(l));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The bound a section states for itself ("Time bound: **5m20s**"), in seconds. */
export function statedBound(markdown: string, heading: RegExp): number | undefined {
  const m = /Time bound: \*\*([^*]+)\*\*/.exec(body(markdown, heading));
  return m ? seconds(m[1]) : undefined;
}

/** The outcome of one incident: section problems, end-state failures, time against the stated bound. */
export interface IncidentOutcome {
  readonly failures: string[];
  readonly seconds: number;
  readonly bound?: number;
}

/** Runs an incident on a runbook's text (the real one, or a mutated one). */
export async function runIncident(
  drill: Drill,
  runbook: DrillRunbook,
  incident: Incident,
  markdown = runbook.markdown,
): Promise<IncidentOutcome> {
  const section = drillSections(markdown).find((s) => s.kind === SectionKind.BLOCKS && incident.heading.test(s.heading));
  if (!section) return { failures: [`${incident.runbook} has no section ${incident.heading}`], seconds: 0 };
  const world = new DrillWorld(runbook.stacks, {
    releaseCommit: RELEASE_COMMIT,
    firing: incident.firing ?? runbook.firing,
    manifest: runbook.manifest,
    git: incident.git,
  });
  incident.setup(world);
  const script: DrillSection = { ...section, script: `${incident.prefix ?? ''}\n${section.script}` };
  const result = await drill.section({ ...runbook, markdown }, script, world);
  const bound = statedBound(markdown, incident.heading);
  const took = incident.restoredAt ? incident.restoredAt(result) : result.seconds;
  const exited = result.problems.filter((p) => /^exit \d+:/.test(p));
  const failures = [
    ...(incident.stops ? result.problems.filter((p) => !exited.includes(p)) : result.problems),
    ...(incident.stops && exited.length === 0 ? ['the section went on where it should have stopped'] : []),
    ...incident.check(result),
    ...(incident.untimed
      ? []
      : bound === undefined
        ? [`the section states no time bound`]
        : took > bound
          ? [`restored after ${took}s, over its bound of ${bound}s`]
          : []),
  ];
  return { failures, seconds: took, bound };
}

const ECS = 'checkout-prod';
const LAMBDA = 'payments-api-prod';

function expectThat(ok: boolean, failure: string): string[] {
  return ok ? [] : [failure];
}

/** The incidents of issue 25, each in the state it leaves the world. */
export const INCIDENTS: readonly Incident[] = [
  ...(['auto-rolled-back', 'rolling-back', 'in-flight', 'completed'] as const).map((how): Incident => ({
    name: `ECS 5xx, level 2, ${how}`,
    runbook: `${ECS}.md`,
    heading: /^Level 2/,
    setup: (w) => w.aws.ecs.releaseWentBad(how),
    restoredAt: (r) => r.world.aws.ecs.restoredAt(ECS),
    check: (r) => {
      const ecs = r.world.aws.ecs;
      const created = ecs.deploymentsSinceStart(ECS);
      return [
        ...expectThat(ecs.serving(ECS) === 2, `serves revision ${ecs.serving(ECS)}, not 2`),
        ...expectThat(created.length === (how === 'completed' ? 1 : 0), `created ${created.length} deployment(s)`),
        ...expectThat(ecs.rollbacks(ECS) === 1, `rolled back ${ecs.rollbacks(ECS)} times`),
        ...expectThat(r.world.aws.alarms.silenced().length === 0, `alarms silenced: ${r.world.aws.alarms.silenced()}`),
      ];
    },
  })),
  ...(['auto-rolled-back', 'in-flight', 'completed'] as const).map((how): Incident => ({
    name: `Lambda errors, level 2, ${how}`,
    runbook: `${LAMBDA}.md`,
    heading: /^Level 2/,
    setup: (w) => w.aws.codedeploy.releaseWentBad(how),
    check: (r) => {
      const alias = r.world.aws.codedeploy.aliasOf(LAMBDA);
      return [
        ...expectThat(alias.version === 2 && alias.weights === null, `alias serves ${JSON.stringify(alias)}`),
        ...expectThat(
          how !== 'auto-rolled-back' || r.world.aws.codedeploy.changesByRunbook(LAMBDA) === 0,
          'changed an alias already rolled back',
        ),
      ];
    },
  })),
  killSwitchIncident({ runbook: `${ECS}.md`, flag: 'one-click-checkout', kept: ['address-autocomplete'] }),
  killSwitchIncident({ runbook: `${ECS}.md`, flag: 'one-click-checkout', kept: ['address-autocomplete'], deploying: true }),
  ...[
    { merge: false, protectedMain: false },
    { merge: true, protectedMain: true },
  ].map((git): Incident => ({
    name: `level 3 through the pipeline, ${git.merge ? 'merge commit, protected main' : 'squash commit'}, newer release awaiting approval`,
    runbook: `${ECS}.md`,
    heading: /^Level 3/,
    git,
    setup: (w) => w.aws.pipeline.awaitingApproval(w.git.remoteHead()),
    check: (r) => pipelineChecks(r, !git.protectedMain),
  })),
  {
    name: 'pipeline: roll back a release while a newer one awaits approval',
    runbook: 'checkout-pipeline.md',
    heading: /^Roll back a release/,
    setup: (w) => w.aws.pipeline.awaitingApproval(w.git.remoteHead()),
    check: (r) => pipelineChecks(r, true),
  },
  {
    name: 'pipeline: stop a release',
    runbook: 'checkout-pipeline.md',
    heading: /^Stop a release/,
    setup: (w) => w.aws.pipeline.awaitingApproval(w.git.remoteHead()),
    check: (r) =>
      expectThat(r.world.aws.pipeline.pending?.status === 'Stopped', `the pending execution is ${r.world.aws.pipeline.pending?.status}`),
  },
  {
    name: "dead-man's switch at night: tasks crash at start",
    runbook: `${ECS}.md`,
    heading: /^Incident: nothing reports/,
    firing: ['checkout-prod-dead-mans-switch'],
    setup: (w) => w.aws.ecs.tasksCrash(),
    restoredAt: (r) => r.world.aws.ecs.restoredAt(ECS),
    check: (r) => expectThat(r.world.aws.ecs.serving(ECS) === 2, `serves revision ${r.world.aws.ecs.serving(ECS)}`),
  },
  {
    name: "Lambda dead-man's switch: reserved concurrency 0 throttles every call",
    runbook: `${LAMBDA}.md`,
    heading: /^Incident: nothing reports/,
    firing: ['payments-api-prod-dead-mans-switch'],
    setup: (w) => w.aws.codedeploy.reserved.set(LAMBDA, 0),
    check: (r) => [
      ...expectThat(!r.world.aws.codedeploy.reserved.has(LAMBDA), `reserved concurrency ${r.world.aws.codedeploy.reserved.get(LAMBDA)}`),
      // The release is good: nothing to roll back.
      ...expectThat(r.world.aws.codedeploy.changesByRunbook(LAMBDA) === 0, 'rolled back a good release'),
    ],
  },
  {
    name: "Lambda dead-man's switch: the live version fails every call",
    runbook: `${LAMBDA}.md`,
    heading: /^Incident: nothing reports/,
    firing: ['payments-api-prod-dead-mans-switch'],
    setup: (w) => w.aws.codedeploy.releaseWentBad('completed'),
    check: (r) => {
      const alias = r.world.aws.codedeploy.aliasOf(LAMBDA);
      return expectThat(alias.version === 2 && alias.weights === null, `alias serves ${JSON.stringify(alias)}`);
    },
  },
  {
    name: 'secret rotation failed halfway',
    runbook: `${ECS}.md`,
    heading: /^Incident: secret rotation failed/,
    prefix: 'SECRET_ID=checkout/prod/session-signing-key',
    setup: (w) => w.aws.secrets.rotationFailed('checkout/prod/session-signing-key', 'eu-west-1'),
    check: (r) => {
      const stages = r.world.aws.secrets.stagesOf('checkout/prod/session-signing-key');
      return [
        ...expectThat(JSON.stringify(stages) === '{"v1":["AWSCURRENT"],"v2":[]}', `stages ${JSON.stringify(stages)}`),
        ...expectThat(r.world.aws.secrets.currentWorks('checkout/prod/session-signing-key'), 'AWSCURRENT is not what the database accepts'),
      ];
    },
  },
  {
    name: 'migration failed halfway: stack in UPDATE_ROLLBACK_FAILED',
    runbook: `${ECS}.md`,
    heading: /^Incident: migration failed halfway/,
    prefix: 'MIGRATION=add-order-notes',
    setup: (w) => w.aws.stackStatus.set(ECS, { status: 'UPDATE_ROLLBACK_FAILED', since: -600 }),
    check: (r) =>
      expectThat(r.world.aws.stackStatus.get(ECS)?.status !== 'UPDATE_ROLLBACK_FAILED', 'the stack is still UPDATE_ROLLBACK_FAILED'),
  },
  {
    name: 'Kubernetes migration Job failed halfway, the rollout aborted at its progress deadline',
    runbook: 'checkout-prod.k8s.md',
    heading: /^Incident: migration failed halfway/,
    setup: (w) => w.k8s!.migrationFailed(),
    check: (r) => {
      const k8s = r.world.k8s!;
      return [
        ...expectThat(k8s.failedJobs.length > 0, 'no migration Job failed: the incident was not set up'),
        ...k8s.failedJobs.flatMap((j) => expectThat(k8s.jobConditions(j) === 'Complete', `Job ${j} is "${k8s.jobConditions(j)}"`)),
        ...expectThat(k8s.rollout.actions.join() === 'retry', `rollout actions: ${k8s.rollout.actions.join() || 'none'} (retry expected)`),
      ];
    },
  },
  ...[false, true].map((recreate): Incident => ({
    name: `Kubernetes Deployment (no Argo): migration Job failed halfway, ${recreate ? 'Recreate: no old pod serves' : 'rolling update: the old pods serve'}`,
    runbook: 'checkout-dev.k8s.md',
    heading: /^Incident: migration failed halfway/,
    prefix: 'MIGRATION=add-order-notes',
    setup: (w) => w.k8s!.migrationFailed({ recreate }),
    check: (r) => {
      const k8s = r.world.k8s!;
      const d = k8s.deployment!;
      return [
        ...expectThat(k8s.failedJobs.length > 0, 'no migration Job failed: the incident was not set up'),
        ...k8s.failedJobs.flatMap((j) => expectThat(k8s.jobConditions(j) === 'Complete', `Job ${j} is "${k8s.jobConditions(j)}"`)),
        ...expectThat(d.template === 'release', `the Deployment runs the ${d.template} template`),
        ...expectThat(r.world.k8s!.clock >= d.readyAt(), `the release's pods are not ready (at ${d.readyAt()}s)`),
        // Undo only when capacity was short: with old pods serving, an undo is a needless second rollout.
        ...expectThat(d.actions.includes('undo') === recreate, `actions: ${d.actions.join() || 'none'}`),
      ];
    },
  })),
  {
    name: 'Kubernetes canary paused, no routed traffic',
    runbook: 'checkout-staging.k8s.md',
    heading: /^Incident: canary paused/,
    setup: (w) => w.k8s!.canaryPaused({ routed: false }),
    check: (r) => [
      ...expectThat(!r.world.k8s!.rollout.actions.includes('promote'), 'promoted a canary that received no traffic'),
      ...expectThat(r.world.k8s!.rollout.stable === 3, `stable is revision ${r.world.k8s!.rollout.stable}`),
    ],
  },
  {
    name: 'Kubernetes canary paused on a quiet night (traffic routed)',
    runbook: 'checkout-staging.k8s.md',
    heading: /^Incident: canary paused/,
    setup: (w) => w.k8s!.canaryPaused({ routed: true }),
    check: (r) => expectThat(!r.world.k8s!.rollout.actions.includes('abort'), 'aborted a canary that was receiving traffic'),
  },
  ...AWS_SCENARIOS,
  ...K8S_SCENARIOS,
  ...GIT_SCENARIOS,
];

/** A revert reaches main (or a pull request) alone; the release waiting for approval never reaches prod. */
function pipelineChecks(r: SectionResult, revertReachesProd: boolean): string[] {
  const g = r.world.git;
  const p = r.world.aws.pipeline;
  const proposed = [...g.pushed.filter((x) => x.ref === 'main').flatMap((x) => x.commits), ...g.proposed()];
  const pending = p.pending?.commit;
  return [
    ...expectThat(proposed.length === 1 && proposed[0].startsWith('Revert '), `proposed for main: ${JSON.stringify(proposed)}`),
    ...expectThat(!p.released.some((x) => x.stage === 'prod' && x.commit === pending), 'the release waiting for approval reached prod'),
    ...expectThat(!revertReachesProd || p.deployed.get('prod') !== RELEASE_COMMIT, 'prod still runs the bad release'),
  ];
}
