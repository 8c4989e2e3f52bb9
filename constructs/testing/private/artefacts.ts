import { optionalPeer, Peer } from '../../../lib/private/peers';
import type { GlidepathSnapshot } from '../snapshot';
import type { TemplateJson } from './normalize';

/** A Kubernetes object as synthesized. */
export type KubeObject = Record<string, unknown> & {
  kind?: string;
  apiVersion?: string;
  metadata?: { name?: string };
  spec?: Record<string, unknown>;
};

/** What a matcher inspects: templates and manifests, with a label for messages. */
export interface Artefacts {
  /** `stack "checkout-prod"`, `chart "web"`, `the snapshot`. */
  readonly label: string;
  readonly templates: readonly { readonly name: string; readonly template: TemplateJson }[];
  readonly objects: readonly KubeObject[];
}

/** Synthesizes a Stack or Chart, or reads a `snapshotOf()` result; `undefined` for anything else. */
export function artefactsOf(received: unknown): Artefacts | undefined {
  // Each peer is loaded only when installed: a cdk8s-only app has no aws-cdk-lib, and the reverse.
  const cdk = optionalPeer<typeof import('aws-cdk-lib')>(Peer.AWS_CDK_LIB);
  if (cdk?.Stack.isStack(received)) {
    const { Template } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
    return {
      label: `stack "${received.stackName}"`,
      templates: [{ name: received.stackName, template: Template.fromStack(received).toJSON() }],
      objects: [],
    };
  }
  if (optionalPeer<typeof import('cdk8s')>(Peer.CDK8S)?.Chart.isChart(received)) {
    return { label: `chart "${received.node.id}"`, templates: [], objects: received.toJson() as KubeObject[] };
  }
  if (typeof received === 'object' && received !== null && ('templates' in received || 'manifests' in received)) {
    const snapshot = received as GlidepathSnapshot;
    return {
      label: 'the snapshot',
      templates: Object.entries(snapshot.templates ?? {}).map(([name, template]) => ({ name, template })),
      objects: Object.values(snapshot.manifests ?? {}).flat() as KubeObject[],
    };
  }
  return undefined;
}

/** Every resource of every template, with its logical id. */
export function resourcesOf(artefacts: Artefacts, type?: string) {
  return artefacts.templates.flatMap(({ template }) =>
    Object.entries(template.Resources ?? {})
      .filter(([, r]) => type === undefined || r.Type === type)
      .map(([id, r]) => ({ id, type: r.Type, properties: (r.Properties ?? {}) as Record<string, any>, template })),
  );
}

/** Kubernetes objects of a kind (`Rollout`), optionally of an API group prefix (`argoproj.io/`). */
export function objectsOf(artefacts: Artefacts, kind: string, apiGroup?: string): KubeObject[] {
  return artefacts.objects.filter((o) => o.kind === kind && (apiGroup === undefined || String(o.apiVersion).startsWith(apiGroup)));
}

/** Renders a CloudFormation value for a message: literals as they are, references by what they point at. */
export function cfnText(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') {
    return String(value);
  }
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if ('Ref' in v) return `Ref ${String(v.Ref)}`;
    if ('Fn::GetAtt' in v) return `GetAtt ${([] as unknown[]).concat(v['Fn::GetAtt']).join('.')}`;
  }
  return JSON.stringify(value);
}
