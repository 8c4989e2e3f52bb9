import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { parseAllDocuments } from 'yaml';
import { kubernetesArtifacts } from '../../../bin/artifacts';
import { PipelineStack } from '../../../constructs/aws/pipeline-stack';
import { addDeploymentStacks, renderStackRunbook } from '../../../constructs/aws/synthesize';
import { loadDefinitionFile } from '../../../lib/model/load';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import { renderSmokeTestsFile, smokeTestsFileName } from '../../../lib/smoke/file';
import type { DeployedStack } from './aws-world';
import type { Runbook } from './run';
import type { DrillSection } from './stubs';
import { DrillWorld } from './world';
import { cacheDir, produceOnce } from '../../support/run-cache';

/** The commit the examples were released from: pinned so the runbooks are deterministic. */
export const RELEASE_COMMIT = process.env.GLIDEPATH_RELEASE_COMMIT ?? '0123456789abcdef0123456789abcdef01234567';
process.env.GLIDEPATH_RELEASE_COMMIT = RELEASE_COMMIT;

/** What a drilled runbook is about, so a test can set its world to an incident's state. */
export interface DrillRunbook extends Runbook {
  readonly stacks: readonly DeployedStack[];
  readonly firing: readonly string[];
  readonly manifest?: string;
  readonly target: 'ecs' | 'lambda' | 'pipeline' | 'k8s';
}

/** What the drill reads of an AWS synthesis: each stack's template, the runbooks. */
interface AwsSynthesis {
  readonly stacks: DeployedStack[];
  readonly runbooks: Record<string, string>;
  readonly pipelineRunbook?: string;
}

/** What synthesis reads besides node_modules (the lockfile stands for those). */
const SYNTHESIS_SOURCES = ['lib', 'constructs', 'bin', 'examples/checkout', 'examples/payments-api', 'examples/storefront-web'];

/**
 * `produce()`, once per run for the drill suites (drill, drill-incidents, drill-mutations): the
 * first one synthesizes, the others read its JSON (test/support/run-cache.ts, keyed by the sources'
 * content; GLIDEPATH_TEST_CACHE=off synthesizes in each).
 */
function onceForDrills<T>(name: string, produce: () => T): T {
  if (process.env.GLIDEPATH_TEST_CACHE === 'off') return produce();
  return JSON.parse(produceOnce(path.join(cacheDir(SYNTHESIS_SOURCES), `drill-${name}.json`), () => JSON.stringify(produce()))) as T;
}

function synthAws(root: string, definition: ServiceDefinition, withPipeline: boolean): AwsSynthesis {
  return onceForDrills(`aws-${definition.service}-${withPipeline}`, () => synthesizeAwsNow(root, definition, withPipeline));
}

function synthesizeAwsNow(root: string, definition: ServiceDefinition, withPipeline: boolean): AwsSynthesis {
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
    stacks: deployed as DeployedStack[],
    runbooks: Object.fromEntries(stacks.map((s) => [s.stackName, renderStackRunbook(s)])),
    pipelineRunbook: pipeline?.renderRunbook(),
  };
}

/** The project directory the runbooks name as working directory: cdk.out holds what synthesis writes. */
function projectDir(root: string, definition: ServiceDefinition, manifests: Record<string, string> = {}): string {
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
export function firingAlarms(stacks: readonly DeployedStack[]): string[] {
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
export function secretStoreStacks(name: string, manifest: string): DeployedStack[] {
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

/**
 * The world a section starts in: the situation it is written for. A pipeline procedure starts with
 * what it handles (an approval waiting, a failed stage, a release in flight); the dead-man's switch
 * with nothing running; everything else with a good release in flight while the rollback and
 * critical alarms fire.
 */
export function situationFor(
  r: Omit<DrillRunbook, 'world'>,
  section: DrillSection,
  opts: ConstructorParameters<typeof DrillWorld>[1] = { releaseCommit: RELEASE_COMMIT },
): DrillWorld {
  const world = new DrillWorld(r.stacks, { firing: r.firing, manifest: r.manifest, ...opts });
  const h = section.heading;
  if (/dead-mans-switch/.test(h)) world.aws.ecs.tasksCrash();
  // An alarm's section is read because that alarm pages: it is in ALARM.
  if (
    r.stacks.some((s) => Object.values(s.template.Resources).some((x) => x.Properties?.AlarmName === h)) &&
    !world.aws.alarms.firing.includes(h)
  )
    world.aws.alarms.firing.push(h);
  if (r.target === 'k8s' && /^Incident: migration failed/.test(h)) world.k8s!.migrationFailed();
  // An alert's section is read because that alert pages: Prometheus has it firing.
  if (r.target === 'k8s') world.k8s!.alertFires(h);
  if (r.target === 'pipeline') {
    const p = world.aws.pipeline;
    if (/^Approve|^Roll back|^Stop/.test(h)) p.awaitingApproval(world.git.remoteHead());
    if (/^Retry/.test(h)) p.failedAt(world.git.remoteHead(), 'staging');
  }
  return world;
}

/** Synthesizes the examples and renders every runbook the drill runs. */
export function buildRunbooks(root: string): DrillRunbook[] {
  const runbooks: DrillRunbook[] = [];
  const checkout = loadDefinitionFile('examples/checkout/definition.yaml');
  const payments = loadDefinitionFile('examples/payments-api/definition.ts');
  const storefront = loadDefinitionFile('examples/storefront-web/definition.yaml');
  for (const [definition, withPipeline] of [
    [checkout, true],
    [payments, false],
  ] as const) {
    const { stacks, runbooks: md, pipelineRunbook } = synthAws(root, definition, withPipeline);
    const dir = projectDir(root, definition);
    const firing = firingAlarms(stacks);
    const target = definition.workload.container ? 'ecs' : 'lambda';
    for (const [name, markdown] of Object.entries(md)) {
      const own = stacks.filter((s) => s.name === name || s.name.endsWith('-pipeline'));
      const base = { name: `${name}.md`, markdown, stacks: own, firing, dir, target } as const;
      runbooks.push({ ...base, world: (s) => situationFor(base, s) });
    }
    if (pipelineRunbook) {
      const base = {
        name: `${definition.service}-pipeline.md`,
        markdown: pipelineRunbook,
        stacks,
        firing: [],
        dir,
        target: 'pipeline',
      } as const;
      runbooks.push({ ...base, world: (s) => situationFor(base, s) });
    }
  }
  for (const definition of [checkout, storefront]) {
    const { files } = onceForDrills(`k8s-${definition.service}`, () =>
      kubernetesArtifacts(
        definition,
        definition.environments.map((e) => e.name),
      ),
    );
    const dir = projectDir(root, definition, Object.fromEntries(Object.entries(files).filter(([f]) => f.startsWith('k8s/'))));
    // Kubernetes runbooks run from the synthesis output directory, as their "Before you start" says.
    const outDir = path.join(dir, 'cdk.out');
    for (const [file, markdown] of Object.entries(files).filter(([f]) => f.endsWith('.md'))) {
      const env = file.replace(/^runbooks\/.*?-([a-z0-9]+)\.k8s\.md$/, '$1');
      const manifest = files[`k8s/${definition.service}-${env}.k8s.yaml`];
      const stacks = secretStoreStacks(`${definition.service}-${env}`, manifest);
      const base = { name: path.basename(file), markdown, stacks, firing: [], manifest, dir: outDir, target: 'k8s' } as const;
      runbooks.push({ ...base, world: (s) => situationFor(base, s) });
    }
  }
  return runbooks;
}
