import type { IConstruct } from 'constructs';
import type { ServiceDefinition } from '../../lib/model/service-definition';
import { assertPeers, AWS_PEERS, isInstalled, optionalPeer, Peer } from '../../lib/private/peers';
import { collectRunbookFacts, type RunbookFacts } from '../../lib/runbook/facts';
import { renderRunbook } from '../../lib/runbook/render';
import { normalizeHashes, normalizeTemplate, type TemplateJson } from './private/normalize';

/**
 * What `snapshotOf()` returns: the synthesized artefacts, keyed by name, with run-to-run noise
 * removed. Pass it to `expect(...).toMatchSnapshot()`; review it like code.
 */
export interface GlidepathSnapshot {
  /** CloudFormation templates by stack name. */
  readonly templates?: Record<string, TemplateJson>;
  /** Kubernetes objects by chart name, in synthesis order. */
  readonly manifests?: Record<string, readonly Record<string, unknown>[]>;
  /** Runbooks (Markdown) by the stack or chart name they describe. */
  readonly runbooks?: Record<string, string>;
}

/** Options for `snapshotOf()`. */
export interface SnapshotOptions {
  /** Include the runbook rendered from the constructs' facts. @default true */
  readonly runbook?: boolean;
  /** For a definition: the environments to render. @default - all of them */
  readonly environments?: readonly string[];
}

/**
 * Synthesizes a CDK stack, a cdk8s chart or a glidepath definition into a stable, reviewable
 * snapshot: templates without asset hashes, CDK metadata or the bootstrap version check; manifests
 * as objects; and the runbook of every glidepath construct in the tree. Equal inputs give equal
 * snapshots on every machine and run, also when only an asset's contents changed.
 *
 * A definition renders every environment on AWS, and on Kubernetes too for container workloads
 * when cdk8s and cdk8s-plus-28 are installed.
 *
 * @example
 * expect(snapshotOf(stack)).toMatchSnapshot();
 */
export function snapshotOf(subject: IConstruct | ServiceDefinition, options: SnapshotOptions = {}): GlidepathSnapshot {
  const withRunbook = options.runbook ?? true;
  // Peers load only when installed (glidepath/testing serves CDK-only and cdk8s-only apps alike).
  const cdk = optionalPeer<typeof import('aws-cdk-lib')>(Peer.AWS_CDK_LIB);
  if (cdk?.Stack.isStack(subject)) {
    const { Template } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
    const { renderStackRunbook } = require('../aws/synthesize') as typeof import('../aws/synthesize');
    const template = normalizeTemplate(Template.fromStack(subject).toJSON());
    return {
      templates: { [subject.stackName]: template },
      ...(withRunbook ? runbooksOf(subject, subject.stackName, () => renderStackRunbook(subject)) : {}),
    };
  }
  if (optionalPeer<typeof import('cdk8s')>(Peer.CDK8S)?.Chart.isChart(subject)) {
    const name = subject.node.id;
    return {
      manifests: { [name]: normalizeHashes(subject.toJson() as Record<string, unknown>[]) },
      ...(withRunbook ? runbooksOf(subject, name, (facts) => renderRunbook(facts, { title: `Runbook: ${name}` })) : {}),
    };
  }
  if (isDefinition(subject)) {
    return definitionSnapshot(subject, options.environments ?? subject.environments.map((e) => e.name), withRunbook);
  }
  throw new Error(
    `snapshotOf() takes an aws-cdk-lib Stack, a cdk8s Chart or a glidepath definition (defineService, loadDefinitionFile); got ${describe(subject)}`,
  );
}

function runbooksOf(scope: IConstruct, name: string, render: (facts: RunbookFacts[]) => string): Pick<GlidepathSnapshot, 'runbooks'> {
  const facts = collectRunbookFacts(scope);
  // A tree without glidepath constructs has no runbook worth snapshotting.
  return facts.length === 0 ? {} : { runbooks: { [name]: normalizeHashes(render(facts)) } };
}

function definitionSnapshot(definition: ServiceDefinition, environments: readonly string[], withRunbook: boolean): GlidepathSnapshot {
  const templates: Record<string, TemplateJson> = {};
  const manifests: Record<string, Record<string, unknown>[]> = {};
  const runbooks: Record<string, string> = {};
  assertPeers('snapshotOf(definition)', AWS_PEERS);
  const { synthesizeAws } = require('../aws/synthesize') as typeof import('../aws/synthesize');
  const aws = synthesizeAws(definition, environments);
  for (const [file, text] of Object.entries(aws.templates)) {
    templates[file.replace(/\.template\.json$/, '')] = normalizeTemplate(JSON.parse(text) as TemplateJson);
  }
  for (const [file, text] of Object.entries(aws.runbooks)) {
    runbooks[file.replace(/\.md$/, '')] = normalizeHashes(text);
  }
  // Kubernetes too when cdk8s is installed (a CDK-only app snapshots what it can deploy).
  if (definition.workload.container && isInstalled(Peer.CDK8S) && isInstalled(Peer.CDK8S_PLUS)) {
    const { synthesizeKubernetes } = require('../k8s/synthesize') as typeof import('../k8s/synthesize');
    for (const environment of environments) {
      const k8s = synthesizeKubernetes(definition, environment);
      const name = `${definition.service}-${environment}.k8s`;
      manifests[name] = normalizeHashes(k8s.chart.toJson() as Record<string, unknown>[]);
      runbooks[name] = normalizeHashes(renderRunbook(k8s.facts, { budgets: definition.rollbackBudgets }));
    }
  }
  return {
    templates,
    ...(Object.keys(manifests).length > 0 ? { manifests } : {}),
    ...(withRunbook ? { runbooks } : {}),
  };
}

function isDefinition(x: unknown): x is ServiceDefinition {
  return typeof x === 'object' && x !== null && 'service' in x && 'environments' in x && 'workload' in x && 'rollbackBudgets' in x;
}

function describe(x: unknown): string {
  if (typeof x === 'object' && x !== null) {
    return `an object of class ${x.constructor?.name ?? 'Object'}${'node' in x ? ' (a construct that is neither a Stack nor a Chart: pass its Stack or Chart)' : ''}`;
  }
  return JSON.stringify(x) ?? String(x);
}
