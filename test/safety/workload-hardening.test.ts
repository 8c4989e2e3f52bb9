import { parseAllDocuments } from 'yaml';
import { kubernetesArtifacts } from '../../bin/artifacts';
import { loadDefinitionFile } from '../../lib/model/load';

interface Container {
  name: string;
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
  resources?: { limits?: { cpu?: string; memory?: string }; requests?: Record<string, string> };
  readinessProbe?: unknown;
  livenessProbe?: unknown;
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
  initContainers?: Container[];
}
interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: {
    template?: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
    selector?: { matchLabels?: Record<string, string> };
  };
}

const EXAMPLES = ['examples/checkout/definition.yaml', 'examples/storefront-web/definition.yaml'];
const manifests = EXAMPLES.flatMap((example) => {
  const definition = loadDefinitionFile(example);
  const { files } = kubernetesArtifacts(
    definition,
    definition.environments.map((e) => e.name),
  );
  return Object.entries(files)
    .filter(([name]) => name.endsWith('.k8s.yaml'))
    .map(
      ([name, text]) =>
        [
          name,
          parseAllDocuments(text)
            .map((d) => d.toJS() as K8sObject)
            .filter(Boolean),
        ] as const,
    );
});

const WORKLOAD_KINDS = ['Deployment', 'Rollout', 'StatefulSet', 'DaemonSet', 'Job'];

describe.each(manifests)('%s: every workload is hardened', (_name, objects) => {
  const workloads = objects.filter((o) => WORKLOAD_KINDS.includes(o.kind) && o.spec?.template);

  test('has at least one long-running workload', () => {
    expect(workloads.filter((w) => w.kind !== 'Job').length).toBeGreaterThanOrEqual(1);
  });

  test('non-root, read-only root filesystem, no privilege escalation, all capabilities dropped, limits set', () => {
    for (const w of workloads) {
      const pod = w.spec!.template!.spec;
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const where = `${w.kind}/${w.metadata.name} container ${c.name}`;
        expect({ where, nonRoot: pod.securityContext?.runAsNonRoot === true || c.securityContext?.runAsNonRoot === true }).toEqual({
          where,
          nonRoot: true,
        });
        expect({ where, sc: c.securityContext }).toMatchObject({
          where,
          sc: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: expect.arrayContaining(['ALL']) } },
        });
        expect({ where, limits: c.resources?.limits }).toMatchObject({
          where,
          limits: { cpu: expect.any(String), memory: expect.any(String) },
        });
      }
    }
  });

  test('long-running workloads have readiness and liveness probes and a PodDisruptionBudget', () => {
    const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
    for (const w of workloads.filter((x) => x.kind !== 'Job')) {
      const pod = w.spec!.template!.spec;
      for (const c of pod.containers) {
        expect({ w: w.metadata.name, c: c.name, readiness: !!c.readinessProbe, liveness: !!c.livenessProbe }).toEqual({
          w: w.metadata.name,
          c: c.name,
          readiness: true,
          liveness: true,
        });
      }
      const labels = w.spec!.template!.metadata?.labels ?? {};
      const covered = pdbs.some((p) =>
        Object.entries(p.spec?.selector?.matchLabels ?? { none: 'none' }).every(([k, v]) => labels[k] === v),
      );
      expect({ workload: w.metadata.name, pdb: covered }).toEqual({ workload: w.metadata.name, pdb: true });
    }
  });
});
