import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { parseAllDocuments } from 'yaml';
import type { KubernetesSynthesis } from '../../k8s/synthesize';

/**
 * The objects of a synthesized `DeploymentChart` as one `yaml/v2.ConfigGroup`: the provider
 * creates each object as its own child resource, orders CustomResourceDefinitions and namespaces
 * before the objects that need them, and applies Argo Rollouts, PrometheusRules and ExternalSecrets
 * exactly as cdk8s rendered them.
 */
export function createKubernetesObjects(
  parent: pulumi.ComponentResource,
  name: string,
  synthesis: KubernetesSynthesis,
): k8s.yaml.v2.ConfigGroup {
  return new k8s.yaml.v2.ConfigGroup(name, { objs: manifestObjects(synthesis.manifest) }, { parent });
}

/** The objects of a multi-document manifest, in document order, without empty documents. */
export function manifestObjects(manifest: string): Record<string, unknown>[] {
  return parseAllDocuments(manifest)
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((o): o is Record<string, unknown> => o !== null && typeof o === 'object');
}
