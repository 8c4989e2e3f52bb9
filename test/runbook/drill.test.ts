import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildRunbooks, firingAlarms, RELEASE_COMMIT, type DrillRunbook } from './drill/fixtures';
import { Drill, type SectionResult } from './drill/run';
import { drillSections, headingsWithCommands, SectionKind } from './drill/stubs';
import { clusterAddOns, type KubeObject } from './drill/k8s-cluster';
import { DrillWorld } from './drill/world';

/*
 * The runbook drill: every section of every runbook with a command (all phases, migrations,
 * rollback levels, alarms, pipeline procedures, incident procedures), every command of the triage
 * table and every command written in prose runs with `bash -euo pipefail` against stub
 * aws/kubectl/npx/git/gh/curl/pulumi/sleep that check each call against the real command model and
 * answer from a stateful world (drill/planes) set to the situation the section is written for.
 * Time passes only through `sleep` (and commands that block), so a wait that gives up before the
 * work it waits for is done fails the drill. Incidents with end-state assertions are in
 * drill-incidents.test.ts, mutations of the runbook text in drill-mutations.test.ts.
 */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-drill-'));
const driller = new Drill(root);
let runbooks: DrillRunbook[] = [];
const results = new Map<string, SectionResult[]>();

beforeAll(async () => {
  await driller.start();
  runbooks = buildRunbooks(root);
  for (const r of runbooks) results.set(r.name, await driller.results(r));
  // Synthesizes three examples and, here, drills every section: minutes on a loaded machine.
}, 900_000);

afterAll(async () => {
  await driller.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

function problems(filter: (r: DrillRunbook) => boolean): Record<string, string[]> {
  const report: Record<string, string[]> = {};
  for (const r of runbooks.filter(filter)) {
    const failed = results.get(r.name)!.filter((s) => s.problems.length > 0);
    if (failed.length > 0) report[r.name] = failed.map((s) => `${s.section}: ${s.problems.join('; ')}`);
  }
  return report;
}

test('every section with a command is drilled: fenced blocks, triage table, prose', () => {
  const coverage: Record<string, string> = {};
  let total = 0;
  let drilled = 0;
  for (const r of runbooks) {
    const headings = headingsWithCommands(r.markdown);
    const sections = drillSections(r.markdown);
    const covered = headings.filter((h) => sections.some((s) => s.heading === h || s.heading.startsWith(`${h}: \``)));
    total += headings.length;
    drilled += covered.length;
    coverage[r.name] = `${covered.length}/${headings.length}`;
    expect({ runbook: r.name, missing: headings.filter((h) => !covered.includes(h)) }).toEqual({ runbook: r.name, missing: [] });
  }
  const kinds = [...results.values()].flat().reduce<Record<string, number>>((acc, s) => ({ ...acc, [s.kind]: (acc[s.kind] ?? 0) + 1 }), {});
  console.log(
    `drill coverage: ${drilled}/${total} sections with commands; runs by kind ${JSON.stringify(kinds)}; ${JSON.stringify(coverage)}`,
  );
  expect(runbooks.length).toBeGreaterThanOrEqual(5 + 1 + 6);
  expect(kinds[SectionKind.TRIAGE]).toBeGreaterThan(10);
});

test('AWS and pipeline runbooks: every section runs against the simulated account, in order, with set -u', () => {
  expect(problems((r) => r.target !== 'k8s')).toEqual({});
  expect(driller.calls).toBeGreaterThan(300);
});

test('Kubernetes runbooks: every section runs against the simulated cluster', () => {
  expect(problems((r) => r.target === 'k8s')).toEqual({});
});

test('Kubernetes paging check: the test page reaches the Alertmanager the port-forward reaches, ending 5 minutes later', () => {
  const k8s = runbooks.filter((r) => r.target === 'k8s');
  expect(k8s.length).toBe(6);
  for (const r of k8s) {
    const section = results.get(r.name)!.find((s) => s.section === 'Check that paging works')!;
    const ns = r.name.replace(/\.k8s\.md$/, '');
    const alerts = section.world.k8s!.alertmanager('monitoring')!.alerts;
    expect({ runbook: r.name, alerts: alerts.map((a) => [a.labels.alertname, a.labels.namespace, a.labels.severity]) }).toEqual({
      runbook: r.name,
      alerts: [['GlidepathPagingTest', ns, 'critical']],
    });
    // `date -u -d '+5 minutes'` ran for real a moment ago (minute resolution).
    const minutes = (Date.parse(alerts[0].endsAt!) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(3);
    expect(minutes).toBeLessThanOrEqual(5);
  }
});

test('Kubernetes alert sections: Prometheus is asked whether the paging alert fires, and says it does', () => {
  const k8s = runbooks.filter((r) => r.target === 'k8s');
  let asked = 0;
  for (const r of k8s) {
    // The workload's alerts. Watchdog always fires by design (its section checks that Prometheus and
    // Alertmanager run); the rollout-status alerts' sections read the Rollout itself.
    const workloadAlert = (f: { alert: string }) => !/^(Watchdog|Rollout\w+)$/.test(f.alert);
    for (const section of results.get(r.name)!.filter((s) => s.world.k8s!.firing.some(workloadAlert))) {
      asked++;
      // The jq of the runbook prints the alert states of the ALERTS series, "inactive" when there is none.
      expect({ section: section.section, states: section.stdout.split('\n').filter((l) => /^(firing|pending|inactive)/.test(l)) }).toEqual({
        section: section.section,
        states: ['firing'],
      });
    }
  }
  // Six environments, each with at least its critical, warning and dead-man's-switch alerts.
  expect(asked).toBeGreaterThanOrEqual(6 * 5);
});

/** The problems of one section after a change to the runbook text or to the synthesized world. */
async function mutated(name: string, section: RegExp, edit: (md: string) => string, world?: (r: DrillRunbook) => DrillRunbook['world']) {
  const r = runbooks.find((x) => x.name === name)!;
  const markdown = edit(r.markdown);
  expect(markdown).not.toBe(r.markdown);
  const failures = await driller.run({ ...r, markdown, world: world ? world(r) : r.world }, section);
  return failures.flatMap((f) => f.problems);
}

describe('the Kubernetes drill fails a runbook on a cluster without what the chart requires', () => {
  const md = 'checkout-prod.k8s.md';
  const cluster =
    (keep: (o: KubeObject) => boolean, edit: (o: KubeObject) => KubeObject = (o) => o) =>
    (r: DrillRunbook) =>
    () =>
      new DrillWorld(r.stacks, { releaseCommit: RELEASE_COMMIT, manifest: r.manifest, cluster: clusterAddOns().filter(keep).map(edit) });
  test('no Stakater Reloader: Phase 1 stops at its check', async () => {
    expect(
      await mutated(
        md,
        /^Phase 1/,
        (m) => m + '\n',
        cluster((o) => !o.metadata.name.includes('reloader')),
      ),
    ).toEqual([expect.stringMatching(/^exit 1/)]);
  });
  test('an Alertmanager that does not select the AlertmanagerConfig: the routing check fails (amtool --verify.receivers)', async () => {
    const r = runbooks.find((x) => x.name === md)!;
    const other = (o: KubeObject) =>
      o.kind === 'Alertmanager' ? { ...o, spec: { ...o.spec, alertmanagerConfigSelector: { matchLabels: { team: 'platform' } } } } : o;
    const [result] = await driller.results({ ...r, world: cluster(() => true, other)(r) }, /^Check that paging works$/);
    expect(result.problems).toEqual([expect.stringMatching(/^exit 1/)]);
    // Alertmanager's own routing, on the configuration without this environment's AlertmanagerConfig.
    expect(result.stdout).toMatch(/^null\nWARNING: Expected receivers did not match resolved receivers\./m);
  });
  test('no Alertmanager in namespace monitoring, or no port-forward to it: amtool cannot connect', async () => {
    expect(
      (
        await mutated(
          md,
          /^Check that paging works/,
          (m) => m + '\n',
          cluster((o) => o.metadata.name !== 'alertmanager-operated'),
        )
      ).join(),
    ).toMatch(/no Service alertmanager-operated in namespace monitoring/);
    expect(
      (await mutated(md, /^Check that paging works/, (m) => m.replace(/kubectl -n monitoring port-forward [^\n]*\n/, 'true\n'))).join(),
    ).toMatch(/exit 1: .*(connection reset|EOF|refused)/);
  });
});

describe('the drill fails a runbook with each defect of issue 16 (each mutation must be caught)', () => {
  const md = 'checkout-prod.md';
  test('(5) a command without --region, or in the wrong region', async () => {
    expect(await mutated(md, /^Level 2/, (m) => m.replace(/(aws ecs list-service-deployments .*?) --region eu-west-1/g, '$1'))).toContain(
      'aws ecs list-service-deployments: no --region',
    );
    expect(
      (
        await mutated(md, /^Level 2/, (m) => m.replace(/(aws ecs stop-service-deployment .*?) --region eu-west-1/, '$1 --region us-east-1'))
      ).join(),
    ).toMatch(/region us-east-1 holds no stack/);
  });
  test('an option the command does not have', async () => {
    expect((await mutated(md, /^Level 2/, (m) => m.replace('--stop-type ROLLBACK', '--stop-kind ROLLBACK'))).join()).toMatch(
      /unknown option --stop-kind/,
    );
  });
  test('a resource that is not in the synthesized output', async () => {
    expect(
      (
        await mutated(md, /checkout-prod-warning-cpu/, (m) =>
          m.replace(/--alarm-name checkout-prod-warning-cpu/g, '--alarm-name checkout-prod-cpu'),
        )
      ).join(),
    ).toMatch(/no AWS::CloudWatch::Alarm named checkout-prod-cpu/);
  });
  test('(1) level 2 against a template that lets CloudFormation deregister replaced revisions', async () => {
    const notRetained = (r: DrillRunbook) => () => {
      const stacks = r.stacks.map((s) => ({
        ...s,
        template: {
          ...s.template,
          Resources: Object.fromEntries(
            Object.entries(s.template.Resources).map(([k, v]) => [
              k,
              v.Type === 'AWS::ECS::TaskDefinition' ? { ...v, UpdateReplacePolicy: undefined, DeletionPolicy: undefined } : v,
            ]),
          ),
        },
      }));
      const w = new DrillWorld(stacks, { releaseCommit: RELEASE_COMMIT, firing: firingAlarms(stacks) });
      w.aws.ecs.releaseWentBad('completed');
      return w;
    };
    expect((await mutated(md, /^Level 2/, (m) => m + '\n', notRetained)).join()).toMatch(/INACTIVE|no earlier ACTIVE revision|level 3/);
  });
  test('(3) a kill switch the firing monitor alarm rolls back, or one that re-enables the flag turned off before', async () => {
    expect((await mutated(md, /^Level 1/, (m) => m.replace(/aws cloudwatch disable-alarm-actions [^\n]*\n/, 'true\n'))).join()).toMatch(
      /kill-switch deployment did not complete|ROLLED_BACK/,
    );
    expect((await mutated(md, /^Level 1/, (m) => m.replace(/--version-number "\$DEPLOYED"/, '--version-number 2'))).join()).toMatch(
      /turns flag .* back on/,
    );
  });
  test('(4) a variable that is never set', async () => {
    expect((await mutated(md, /^Level 3/, (m) => m.replace(/RELEASE_COMMIT=\$\(/, 'COMMIT=$('))).join()).toMatch(
      /RELEASE_COMMIT: (unbound variable|no successful deployment found)/,
    );
  });
});
