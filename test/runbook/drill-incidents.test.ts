import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildRunbooks, RELEASE_COMMIT, type DrillRunbook } from './drill/fixtures';
import { Drill, type SectionResult } from './drill/run';
import { drillSections, type DrillSection } from './drill/stubs';
import { DrillWorld } from './drill/world';

/*
 * The incidents of issue 25, each walked through its runbook section literally on the stateful
 * world (drill/planes) in the state the incident leaves it. Each asserts the end state (the right
 * version serves, alarms page again, nothing rolled back twice, only the bad flag off) and the
 * simulated time against the bound the section itself states ("Time bound: **…**").
 */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-incidents-'));
const driller = new Drill(root);
let runbooks: DrillRunbook[] = [];
const measured: Record<string, string> = {};

beforeAll(async () => {
  await driller.start();
  runbooks = buildRunbooks(root);
});

afterAll(async () => {
  console.log(`incident drill, simulated time vs the runbook's bound:\n${JSON.stringify(measured, null, 1)}`);
  await driller.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** "1m30s", "2h", "40m" → seconds. */
function seconds(text: string): number {
  let total = 0;
  for (const [, n, u] of text.matchAll(/(\d+)(h|m(?!s)|s)/g)) total += Number(n) * { h: 3600, m: 60, s: 1 }[u as 'h' | 'm' | 's'];
  return total;
}

/** The body of a section (up to the next heading of the same or a higher level). */
function body(markdown: string, heading: RegExp): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^#{2,3} /.test(l) && heading.test(l.replace(/^#+ /, '')));
  if (start < 0) throw new Error(`no section ${heading}`);
  const level = /^#+/.exec(lines[start])![0].length;
  const end = lines.findIndex((l, i) => i > start && new RegExp(`^#{2,${level}} `).test(l));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The bound a section states for itself. */
function statedBound(markdown: string, heading: RegExp): number {
  const m = /Time bound: \*\*([^*]+)\*\*/.exec(body(markdown, heading));
  if (!m) throw new Error(`section ${heading} states no time bound`);
  return seconds(m[1]);
}

/**
 * Runs a section (fenced blocks, in order) of a runbook on a world set up by `setup`, with the
 * variables the engineer sets first (`FLAG=…`), and records its time against its bound.
 */
async function incident(
  name: string,
  runbook: string,
  heading: RegExp,
  setup: (w: DrillWorld) => void,
  opts: { prefix?: string; git?: { merge?: boolean; protectedMain?: boolean }; firing?: string[] } = {},
): Promise<SectionResult & { bound: number }> {
  const r = runbooks.find((x) => x.name === runbook)!;
  const section = drillSections(r.markdown).find((s) => s.kind === 'blocks' && heading.test(s.heading));
  if (!section) throw new Error(`${runbook} has no section ${heading}`);
  const world = new DrillWorld(r.stacks, {
    releaseCommit: RELEASE_COMMIT,
    firing: opts.firing ?? r.firing,
    manifest: r.manifest,
    git: opts.git,
  });
  setup(world);
  const script: DrillSection = { ...section, script: `${opts.prefix ?? ''}\n${section.script}` };
  const result = await driller.section(r, script, world);
  const bound = statedBound(r.markdown, heading);
  measured[name] =
    `${Math.round(result.seconds)}s of ${bound}s${result.problems.length > 0 ? ` (FAILED: ${result.problems.join('; ')})` : ''}`;
  return { ...result, bound };
}

const ECS = 'checkout-prod';

describe('an ECS release with 5xx (level 2)', () => {
  test.each([
    ['after the automatic rollback finished (ROLLBACK_SUCCESSFUL)', 'auto-rolled-back', 0],
    ['while the automatic rollback runs (ROLLBACK_IN_PROGRESS)', 'rolling-back', 0],
    ['during the deployment, before any alarm (IN_PROGRESS)', 'in-flight', 0],
    ['after the deployment completed (SUCCESSFUL)', 'completed', 1],
  ] as const)('%s: revision 2 serves, nothing rolled back twice', async (_, how, newDeployments) => {
    const r = await incident(`ECS level 2 ${how}`, `${ECS}.md`, /^Level 2/, (w) => w.aws.ecs.releaseWentBad(how));
    expect(r.problems).toEqual([]);
    const ecs = r.world.aws.ecs;
    expect(ecs.serving(ECS)).toBe(2);
    expect(ecs.deploymentsSinceStart(ECS).length).toBe(newDeployments);
    expect(ecs.deploymentsSinceStart(ECS).every((d) => d.target === 2)).toBe(true);
    expect(ecs.rollbacks(ECS)).toBe(1);
    expect(r.world.aws.alarms.silenced()).toEqual([]);
    expect(r.seconds).toBeLessThanOrEqual(r.bound);
  });
});

describe('a Lambda shift with errors (level 2)', () => {
  const LAMBDA = 'payments-api-prod';
  test.each([
    ['after CodeDeploy rolled back by itself (a new deployment)', 'auto-rolled-back'],
    ['during the shift', 'in-flight'],
    ['after the shift completed', 'completed'],
  ] as const)('%s: the alias serves version 2 with no weights, DEPLOYMENT_ID set for verify', async (_, how) => {
    const r = await incident(`Lambda level 2 ${how}`, `${LAMBDA}.md`, /^Level 2/, (w) => w.aws.codedeploy.releaseWentBad(how));
    expect(r.problems).toEqual([]);
    expect(r.world.aws.codedeploy.aliasOf(LAMBDA)).toEqual({ version: 2, weights: null });
    if (how === 'auto-rolled-back') expect(r.world.aws.codedeploy.changesByRunbook(LAMBDA)).toBe(0);
    expect(r.seconds).toBeLessThanOrEqual(r.bound);
  });
});

describe('a flag-covered feature misbehaves (level 1, the kill switch)', () => {
  test('only the named flag goes off; alarm actions page again when the section ends, even without verify', async () => {
    const r = await incident(`kill switch`, `${ECS}.md`, /^Level 1/, (w) => w.aws.appconfig.allFlagsOnDeployed(), {
      prefix: 'FLAG=one-click-checkout',
    });
    expect(r.problems).toEqual([]);
    const flags = r.world.aws.appconfig.served();
    expect(flags['one-click-checkout']).toEqual({ enabled: false });
    expect(flags['address-autocomplete']).toEqual({ enabled: true });
    expect(r.world.aws.alarms.silenced()).toEqual([]);
    expect(r.seconds).toBeLessThanOrEqual(r.bound);
  });
});

describe('level 3 on a pipeline-deployed stack while a newer release waits for approval', () => {
  test.each([
    ['a squash-merged release, main open to pushes', { merge: false, protectedMain: false }],
    ['a merge commit, main protected (the revert goes through a pull request)', { merge: true, protectedMain: true }],
  ])('%s: nothing unreviewed reaches main, the pending release never reaches prod', async (_, git) => {
    const r = await incident(
      `level 3 pipeline ${git.merge ? 'merge+protected' : 'squash'}`,
      `${ECS}.md`,
      /^Level 3/,
      (w) => w.aws.pipeline.seed(RELEASE_COMMIT, w.git.remoteHead()),
      { git },
    );
    expect(r.problems).toEqual([]);
    const g = r.world.git;
    const pushedToMain = g.pushed.filter((p) => p.ref === 'main').flatMap((p) => p.commits);
    expect([...pushedToMain, ...g.proposed()].every((c) => c.startsWith('Revert '))).toBe(true);
    expect([...pushedToMain, ...g.proposed()].length).toBe(1);
    const pending = r.world.aws.pipeline.executions[1].commit;
    expect(r.world.aws.pipeline.released.filter((x) => x.stage === 'prod' && x.commit === pending)).toEqual([]);
    if (!git.protectedMain) expect(r.world.aws.pipeline.deployed.get('prod')).not.toBe(RELEASE_COMMIT);
    expect(r.seconds).toBeLessThanOrEqual(r.bound);
  });
});

describe('pipeline procedures with a queued execution', () => {
  const PIPELINE = 'checkout-pipeline.md';
  test('"Roll back a release" reverts the deployed release, not the pending one, and approves only the revert', async () => {
    const r = await incident('pipeline roll back', PIPELINE, /^Roll back a release/, (w) =>
      w.aws.pipeline.seed(RELEASE_COMMIT, w.git.remoteHead()),
    );
    expect(r.problems).toEqual([]);
    const pending = r.world.aws.pipeline.executions[1].commit;
    expect(r.world.aws.pipeline.released.filter((x) => x.stage === 'prod' && x.commit === pending)).toEqual([]);
    expect(r.world.git.pushed.flatMap((p) => p.commits)).toEqual([`Revert "release: new checkout flow"`]);
  });
  test('"Stop a release" stops the execution and holds prod until released by hand', async () => {
    const r = await incident('pipeline stop', PIPELINE, /^Stop a release/, (w) => w.aws.pipeline.seed(RELEASE_COMMIT, w.git.remoteHead()));
    expect(r.problems).toEqual([]);
    expect(r.world.aws.pipeline.executions[1].status).toBe('Stopped');
  });
});

describe('incidents with their own procedure', () => {
  test("the dead-man's switch at night: tasks crash at start; capacity comes back on the previous revision", async () => {
    const r = await incident('dead-man at night', `${ECS}.md`, /^Incident: nothing reports/, (w) => w.aws.ecs.tasksCrash(), {
      firing: ['checkout-prod-dead-mans-switch'],
    });
    expect(r.problems).toEqual([]);
    expect(r.world.aws.ecs.serving(ECS)).toBe(2);
    expect(r.seconds).toBeLessThanOrEqual(r.bound);
  });
  test('a failed secret rotation: AWSPENDING cleared, AWSCURRENT is the value the database accepts', async () => {
    const r = await incident(
      'secret rotation failed',
      `${ECS}.md`,
      /^Incident: secret rotation failed/,
      (w) => w.aws.secrets.rotationFailed('checkout/prod/session-signing-key', 'eu-west-1'),
      { prefix: 'SECRET_ID=checkout/prod/session-signing-key' },
    );
    expect(r.problems).toEqual([]);
    expect(r.world.aws.secrets.stagesOf('checkout/prod/session-signing-key')).toEqual({ v1: ['AWSCURRENT'], v2: [] });
    expect(r.world.aws.secrets.currentWorks('checkout/prod/session-signing-key')).toBe(true);
    expect(r.seconds).toBeLessThanOrEqual(r.bound);
  });
  test('a migration failed halfway: the stack leaves UPDATE_ROLLBACK_FAILED and the migration re-runs by hand', async () => {
    const r = await incident(
      'migration failed halfway',
      `${ECS}.md`,
      /^Incident: migration failed halfway/,
      (w) => {
        w.aws.stackStatus.set(ECS, { status: 'UPDATE_ROLLBACK_FAILED', since: -600 });
      },
      { prefix: 'MIGRATION=add-order-notes' },
    );
    expect(r.problems).toEqual([]);
    expect(r.seconds).toBeLessThanOrEqual(r.bound);
  });
  test('a Kubernetes canary paused with no routed traffic is aborted, not promoted blind; status does not block', async () => {
    const r = await incident('k8s canary paused, no traffic', 'checkout-prod.k8s.md', /^Incident: canary paused/, (w) =>
      w.k8s!.canaryPaused({ routed: false }),
    );
    expect(r.problems).toEqual([]);
    expect(r.world.k8s!.rollout.actions).not.toContain('promote');
    expect(r.world.k8s!.rollout.stable).toBe(3);
    expect(r.seconds).toBeLessThanOrEqual(r.bound);
  });
  test('a Kubernetes canary paused on a quiet night (traffic routed, too little) is promoted only after its analysis passes', async () => {
    const r = await incident('k8s canary paused, quiet night', 'checkout-prod.k8s.md', /^Incident: canary paused/, (w) =>
      w.k8s!.canaryPaused({ routed: true }),
    );
    expect(r.problems).toEqual([]);
    expect(r.world.k8s!.rollout.actions).not.toContain('abort');
    expect(r.seconds).toBeLessThanOrEqual(r.bound);
  });
});
