import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { parseAllDocuments } from 'yaml';
import { kubernetesArtifacts } from '../../bin/artifacts';
import { PipelineStack } from '../../constructs/aws/pipeline-stack';
import { addDeploymentStacks, renderStackRunbook } from '../../constructs/aws/synthesize';
import { loadDefinitionFile } from '../../lib/model/load';
import type { ServiceDefinition } from '../../lib/model/service-definition';
import { renderSmokeTestsFile, smokeTestsFileName } from '../../lib/smoke/file';
import type { DeployedStack } from './drill/aws-world';
import { Drill, type Runbook, type SectionFailure } from './drill/run';
import { drillSections } from './drill/stubs';
import { DrillWorld } from './drill/world';

/*
 * The runbook drill: every command block an on-call engineer runs (deployment phase, rollback
 * levels 1–3, each alarm's diagnosis, the pipeline runbook) executes in order with
 * `bash -euo pipefail` against stub aws/kubectl/npx/git/curl/pulumi/sleep that check each call
 * against the real command model and the synthesized output of that environment, and answer like
 * the service. Time passes only through `sleep`, so a wait that gives up before the work it waits
 * for is done fails the drill.
 */
const RELEASE_COMMIT = process.env.GLIDEPATH_RELEASE_COMMIT ?? '0123456789abcdef0123456789abcdef01234567';
process.env.GLIDEPATH_RELEASE_COMMIT = RELEASE_COMMIT;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-drill-'));
const driller = new Drill(root);

function synthAws(
  definition: ServiceDefinition,
  withPipeline: boolean,
): { stacks: DeployedStack[]; runbooks: Record<string, string>; pipelineRunbook?: string } {
  const app = new App({ outdir: path.join(root, `cdk-${definition.service}`) });
  const stacks = addDeploymentStacks(app, definition);
  const pipeline = withPipeline
    ? new PipelineStack(app, `${definition.service}-pipeline`, { definition, definitionPath: 'glidepath.yaml' })
    : undefined;
  const assembly = app.synth();
  const deployed = [...stacks, ...(pipeline ? [pipeline] : [])].map((s) => ({
    name: s.stackName,
    region: s.region,
    template: assembly.getStackArtifact(s.artifactId).template,
  }));
  return {
    stacks: deployed,
    runbooks: Object.fromEntries(stacks.map((s) => [s.stackName, renderStackRunbook(s)])),
    pipelineRunbook: pipeline?.renderRunbook(),
  };
}

/** The project directory the runbooks name as working directory: cdk.out holds what synthesis writes. */
function projectDir(definition: ServiceDefinition, manifests: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(root, 'project-'));
  if (definition.smokeTests) {
    fs.mkdirSync(path.join(dir, 'cdk.out', 'smoke-tests'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cdk.out', smokeTestsFileName(definition.service)), renderSmokeTestsFile(definition.smokeTests));
  }
  for (const [file, text] of Object.entries(manifests)) {
    fs.mkdirSync(path.dirname(path.join(dir, 'cdk.out', file)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cdk.out', file), text);
  }
  return dir;
}

/** Alarms in ALARM during the drill: every alarm a kill switch would be deployed for. */
function firingAlarms(stacks: readonly DeployedStack[]): string[] {
  return stacks.flatMap((s) =>
    Object.values(s.template.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => String(r.Properties?.AlarmName))
      .filter((n) => /-(rollback|critical)-/.test(n)),
  );
}

/**
 * The AWS side of a Kubernetes environment, as its manifest names it: the Secrets Manager secrets
 * its ExternalSecrets read, in the region of their SecretStore.
 */
function secretStoreStacks(name: string, manifest: string): DeployedStack[] {
  const objects = parseAllDocuments(manifest)
    .map((d) => d.toJSON())
    .filter((o) => o && o.kind);
  const regions = new Map<string, string>(
    objects.filter((o) => o.kind === 'SecretStore').map((o) => [o.metadata.name, o.spec?.provider?.aws?.region]),
  );
  const byRegion = new Map<string, string[]>();
  for (const es of objects.filter((o) => o.kind === 'ExternalSecret')) {
    const region = regions.get(es.spec?.secretStoreRef?.name);
    for (const d of es.spec?.data ?? [])
      if (region)
        byRegion.set(region, [...(byRegion.get(region) ?? []), `arn:aws:secretsmanager:${region}:111111111111:secret:${d.remoteRef?.key}`]);
  }
  return [...byRegion].map(([region, arns]) => ({
    name,
    region,
    template: { Resources: { ExternalSecrets: { Type: 'Glidepath::ExternalSecrets', Properties: { Arns: arns } } } },
  }));
}

const runbooks: Runbook[] = [];

beforeAll(async () => {
  await driller.start();
  const checkout = loadDefinitionFile('examples/checkout/definition.yaml');
  const payments = loadDefinitionFile('examples/payments-api/definition.ts');
  const storefront = loadDefinitionFile('examples/storefront-web/definition.yaml');
  for (const [definition, withPipeline] of [
    [checkout, true],
    [payments, false],
  ] as const) {
    const { stacks, runbooks: md, pipelineRunbook } = synthAws(definition, withPipeline);
    const dir = projectDir(definition);
    const firing = firingAlarms(stacks);
    for (const [name, markdown] of Object.entries(md)) {
      const own = stacks.filter((s) => s.name === name || s.name.endsWith('-pipeline'));
      runbooks.push({ name: `${name}.md`, markdown, world: () => new DrillWorld(own, { releaseCommit: RELEASE_COMMIT, firing }), dir });
    }
    if (pipelineRunbook) {
      runbooks.push({
        name: `${definition.service}-pipeline.md`,
        markdown: pipelineRunbook,
        world: () => new DrillWorld(stacks, { releaseCommit: RELEASE_COMMIT }),
        dir,
      });
    }
  }
  for (const definition of [checkout, storefront]) {
    const { files } = kubernetesArtifacts(
      definition,
      definition.environments.map((e) => e.name),
    );
    const dir = projectDir(definition, Object.fromEntries(Object.entries(files).filter(([f]) => f.startsWith('k8s/'))));
    // Kubernetes runbooks run from the synthesis output directory, as their "Before you start" says.
    const outDir = path.join(dir, 'cdk.out');
    for (const [file, markdown] of Object.entries(files).filter(([f]) => f.endsWith('.md'))) {
      const env = file.replace(/^runbooks\/.*?-([a-z0-9]+)\.k8s\.md$/, '$1');
      const manifest = files[`k8s/${definition.service}-${env}.k8s.yaml`];
      const stacks = secretStoreStacks(`${definition.service}-${env}`, manifest);
      runbooks.push({
        name: path.basename(file),
        markdown,
        world: () => new DrillWorld(stacks, { releaseCommit: RELEASE_COMMIT, manifest }),
        dir: outDir,
      });
    }
  }
});

afterAll(async () => {
  await driller.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/**
 * TODO(constructs/k8s, issue 16): what the Kubernetes runbooks still fail, pending the
 * Kubernetes-specific fixes in constructs/k8s (another engineer's change). Each entry is a problem
 * the drill reports; any other problem fails the test, so the checks are not weakened:
 * - `kubectl argo rollouts get rollout … --watch` in the deployment phase never returns;
 * - level 3: `REVISION` is never set by a command (`${REVISION:?…}`).
 */
const K8S_TODO = [/^kubectl argo rollouts get --watch never returns/, /REVISION: set REVISION to the revision number/, /^exit 1: ?$/];
const KNOWN_K8S_FAILURES = /\.k8s\.md$/;

async function drill(runbook: Runbook, only?: RegExp): Promise<SectionFailure[]> {
  return driller.run(runbook, only);
}

/** The problems of one section after a change to the runbook text or to the synthesized world. */
async function mutated(
  name: string,
  section: RegExp,
  edit: (md: string) => string,
  world?: (r: Runbook) => () => DrillWorld,
): Promise<string[]> {
  const r = runbooks.find((x) => x.name === name)!;
  const markdown = edit(r.markdown);
  expect(markdown).not.toBe(r.markdown);
  const failures = await drill({ ...r, markdown, world: world ? world(r) : r.world }, section);
  return failures.flatMap((f) => f.problems);
}

describe('the drill fails a runbook with each defect of issue 16 (each mutation must be caught)', () => {
  const md = 'checkout-prod.md';
  test('(5) a command without --region, or in the wrong region', async () => {
    expect(await mutated(md, /^Level 2/, (m) => m.replace(/(aws ecs list-service-deployments .*?) --region eu-west-1/g, '$1'))).toContain(
      'aws ecs list-service-deployments: no --region',
    );
    expect(
      (await mutated(md, /^Level 2/, (m) => m.replace(/(aws ecs update-service .*?) --region eu-west-1/, '$1 --region us-east-1'))).join(),
    ).toMatch(/region us-east-1 holds no stack/);
  });
  test('an option the command does not have', async () => {
    expect((await mutated(md, /^Level 2/, (m) => m.replace('--status ACTIVE', '--state ACTIVE'))).join()).toMatch(/unknown option --state/);
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
  test('(2) a wait that gives up before the 30m bake is over', async () => {
    expect((await mutated(md, /^Phase 3/, (m) => m.replace(/seq 1 80/g, 'seq 1 20'))).join()).toMatch(
      /did not settle on one deployment within/,
    );
  });
  test('(1) level 2 against a template that lets CloudFormation deregister replaced revisions', async () => {
    const notRetained = (r: Runbook) => () => {
      const w = r.world();
      const stacks = w.aws.stacks.map((s) => ({
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
      return new DrillWorld(stacks, { releaseCommit: RELEASE_COMMIT, firing: firingAlarms(stacks) });
    };
    expect((await mutated(md, /^Level 2/, (m) => m + '\n', notRetained)).join()).toMatch(/no earlier ACTIVE revision/);
  });
  test('(3) a kill switch the firing monitor alarm rolls back, or one that re-enables the flag turned off before', async () => {
    expect((await mutated(md, /^Level 1/, (m) => m.replace(/aws cloudwatch disable-alarm-actions [^\n]*\n/, 'true\n'))).join()).toMatch(
      /kill-switch deployment did not complete/,
    );
    expect(
      (
        await mutated(md, /^Level 1/, (m) =>
          m.replace(
            /DEPLOYED=\$\(aws appconfig list-deployments[^\n]*\n/,
            'DEPLOYED=$(aws appconfig list-hosted-configuration-versions --application-id "$APP_ID" --configuration-profile-id "$PROFILE_ID" --query \'max_by(Items, &VersionNumber).VersionNumber\' --output text --region eu-west-1)\n',
          ),
        )
      ).join(),
    ).toMatch(/unknown operation|turns flag .* back on/);
    expect(
      (
        await mutated(md, /^Level 1/, (m) =>
          m
            .replace(/ > flags-next\.json && mv flags-next\.json flags\.json/g, ' > flags-off.json')
            .replace(/fileb:\/\/flags\.json/g, 'fileb://flags-off.json'),
        )
      ).join(),
    ).toMatch(/turns flag one-click-checkout back on/);
  });
  test('(4) a variable that is never set', async () => {
    expect((await mutated(md, /^Level 3/, (m) => m.replace(/RELEASE_COMMIT=\$\(/, 'COMMIT=$('))).join()).toMatch(
      /RELEASE_COMMIT: unbound variable/,
    );
  });
  test('(7) a path that does not resolve from the working directory', async () => {
    expect((await mutated('payments-api-prod.md', /^Phase 3/, (m) => m + '\n')).length).toBe(0);
    expect(
      (
        await mutated(md, /^Phase 3/, (m) =>
          m.replace(
            /## Phase 3: App deployment\n/,
            '## Phase 3: App deployment\n\n```bash\nnpx glidepath smoke-test --url "http://x" --config smoke-tests/checkout.smoke-tests.json\n```\n',
          ),
        )
      ).join(),
    ).toMatch(/does not exist in the working directory/);
  });
});

test('every runbook has drillable sections: deployment, levels 1-3 or the pipeline, and every alarm', () => {
  expect(runbooks.length).toBeGreaterThanOrEqual(5 + 1 + 6);
  for (const r of runbooks) {
    const headings = drillSections(r.markdown).map((s) => s.heading);
    if (r.name.includes('-pipeline')) {
      expect(headings.length).toBeGreaterThanOrEqual(4);
    } else {
      // The deployment phase, levels 2 and 3, and one section per alarm of the runbook.
      const alarms = (r.markdown.split('\n## Alarms\n')[1] ?? '').split('\n## ')[0].match(/^### /gm)?.length ?? 0;
      expect({
        runbook: r.name,
        phase: headings.filter((h) => /^Phase 3/.test(h)).length,
        levels: headings.filter((h) => /^Level [23]/.test(h)).length,
      }).toEqual({ runbook: r.name, phase: 1, levels: 2 });
      expect(alarms).toBeGreaterThanOrEqual(5);
      expect(headings.length).toBeGreaterThanOrEqual(3 + alarms - 1);
    }
  }
});

test('AWS and pipeline runbooks: every command runs against the simulated account, in order, with set -u', async () => {
  const report: Record<string, { section: string; problems: string[] }[]> = {};
  const before = driller.calls;
  for (const r of runbooks.filter((x) => !KNOWN_K8S_FAILURES.test(x.name))) {
    const failures = await drill(r);
    if (failures.length > 0) report[r.name] = failures;
  }
  expect(report).toEqual({});
  // Every command block ran: hundreds of calls (456 when written).
  expect(driller.calls - before).toBeGreaterThan(300);
  console.log(
    `drilled ${runbooks.filter((x) => !KNOWN_K8S_FAILURES.test(x.name)).length} AWS and pipeline runbooks: ${driller.calls - before} stubbed calls`,
  );
});

test('Kubernetes runbooks: drilled, known failures reported (TODO constructs/k8s)', async () => {
  const report: Record<string, string[]> = {};
  const all: string[] = [];
  for (const r of runbooks.filter((x) => KNOWN_K8S_FAILURES.test(x.name))) {
    const failures = await drill(r);
    if (failures.length > 0) report[r.name] = failures.map((f) => `${f.section}: ${f.problems.join('; ')}`);
    all.push(...failures.flatMap((f) => f.problems));
  }
  // The drill ran every Kubernetes runbook; print what still fails for the constructs/k8s change.
  console.log(`Kubernetes drill findings (TODO constructs/k8s):\n${JSON.stringify(report, null, 1)}`);
  expect(runbooks.filter((x) => KNOWN_K8S_FAILURES.test(x.name)).length).toBeGreaterThanOrEqual(6);
  const unexpected = all.filter((p) => !K8S_TODO.some((t) => t.test(p)));
  expect(unexpected).toEqual([]);
});
