import type { StubResult } from './aws-world';
import type { KubeObject } from './k8s-cluster';

type Json = unknown;

/** Leaf values of an object by path (`spec.template.spec.containers[0].image`). */
function leaves(value: Json, path = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value as Record<string, Json>)) leaves(v, path ? `${path}.${k}` : k, out);
  else out.set(path, JSON.stringify(value));
  return out;
}

/** A JSON merge patch of `patch` onto `target` (RFC 7386): maps merge key by key, anything else is replaced; nothing is removed. */
function mergePatch(target: Json, patch: Json): Json {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, Json>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, Json>)) base[k] = mergePatch(base[k], v);
  return base;
}

/**
 * `kubectl diff -f FILE [--server-side]`: the live objects against what applying the file would make
 * of them, exit 1 when they differ and 0 when not
 * (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_diff/, "Exit status").
 * - `--server-side` previews the server-side apply Phase 3 runs: the manifest's fields replace those
 *   its field manager applied before, so a field the release no longer sets is removed
 *   (https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management); the
 *   simulated objects were all applied by that manager.
 * - Without it kubectl previews a client-side apply, which computes deletions from the
 *   `kubectl.kubernetes.io/last-applied-configuration` annotation; objects created by server-side
 *   apply have none, so the preview is a merge of the manifest onto the live object (RFC 7386) and
 *   shows no field the release removes
 *   (https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/#how-apply-calculates-differences-and-merges-changes).
 * The output is a diff of leaf paths (kubectl prints the objects' YAML through `diff -u -N`).
 */
export function kubectlDiff(
  live: (doc: KubeObject) => KubeObject | undefined,
  docs: readonly KubeObject[],
  serverSide: boolean,
): StubResult {
  const out: string[] = [];
  for (const doc of docs) {
    const current = live(doc);
    const before = leaves({ spec: current?.spec, data: current?.data });
    const merged =
      serverSide || !current
        ? { spec: doc.spec, data: doc.data }
        : mergePatch({ spec: current.spec, data: current.data }, { spec: doc.spec, data: doc.data });
    const after = leaves(merged);
    const removed = [...before].filter(([p, v]) => after.get(p) !== v).map(([p, v]) => `-  ${p}: ${v}`);
    const added = [...after].filter(([p, v]) => before.get(p) !== v).map(([p, v]) => `+  ${p}: ${v}`);
    if (removed.length + added.length === 0) continue;
    const file = `${doc.apiVersion.replace('/', '.')}.${doc.kind}.${doc.metadata.namespace ?? ''}.${doc.metadata.name}`;
    out.push(
      `diff -u -N /tmp/LIVE-1/${file} /tmp/MERGED-1/${file}`,
      `--- /tmp/LIVE-1/${file}`,
      `+++ /tmp/MERGED-1/${file}`,
      ...removed,
      ...added,
    );
  }
  return { stdout: out.join('\n'), status: out.length > 0 ? 1 : 0 };
}

/**
 * What `kubectl apply` prints for one object: server-side, `<resource>/<name> serverside-applied`
 * whatever changed; client-side, `created`, `configured` or `unchanged`
 * (kubectl `pkg/cmd/apply/apply.go`, the printer's operation). The resource is the lower-case kind
 * with its API group (`deployment.apps`, `rollout.argoproj.io`; none for the core group).
 */
export function appliedLine(doc: KubeObject, existing: KubeObject | undefined, serverSide: boolean): string {
  const group = doc.apiVersion.includes('/') ? `.${doc.apiVersion.split('/')[0]}` : '';
  const resource = `${doc.kind.toLowerCase()}${group}/${doc.metadata.name}`;
  if (serverSide) return `${resource} serverside-applied`;
  if (!existing) return `${resource} created`;
  const same =
    JSON.stringify(existing.spec ?? null) === JSON.stringify(doc.spec ?? null) &&
    JSON.stringify(existing.data ?? null) === JSON.stringify(doc.data ?? null);
  return `${resource} ${same ? 'unchanged' : 'configured'}`;
}
