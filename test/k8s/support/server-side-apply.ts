import { isDeepStrictEqual } from 'node:util';

/*
 * A small stateful model of Kubernetes server-side apply: objects, their managed fields per field
 * manager, `apply` (with conflicts and `--force-conflicts`) and `update` (what a controller's
 * Update or Patch does to ownership). Written from the documentation and upstream sources, not
 * from what glidepath emits:
 *
 * - https://kubernetes.io/docs/reference/using-api/server-side-apply/ — "Conflicts": an apply
 *   that changes a field another manager owns to a *different* value conflicts; applying the same
 *   value makes the manager a co-owner ("shared field management"). "Forcing" transfers
 *   ownership. "Field management": an Update or a non-apply Patch makes its manager the owner of
 *   the fields it *changed*, and removes them from the other managers. An applier that stops
 *   setting a field it alone owned deletes it ("Field removal").
 * - https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy and
 *   sigs.k8s.io/structured-merge-diff (`schema/elements.go`): lists are atomic unless
 *   `x-kubernetes-list-type` is `map` (elements keyed by `x-kubernetes-list-map-keys`) or `set`;
 *   maps and structs are granular unless `x-kubernetes-map-type: atomic` /
 *   `+structType=atomic`; an atomic value is one field, owned as a whole.
 *
 * The schema below lists only the markers of the fields glidepath writes, each from its source.
 */

/** One step of a field path: a map key, or the keys of an element of a `listType=map` list. */
type Segment = string | { readonly [key: string]: unknown };
type FieldPath = readonly Segment[];

/** How a field merges. */
type Merge = { readonly kind: 'atomic' } | { readonly kind: 'map-list'; readonly keys: readonly string[] } | { readonly kind: 'granular' };

const ATOMIC: Merge = { kind: 'atomic' };
const GRANULAR: Merge = { kind: 'granular' };
const mapList = (...keys: string[]): Merge => ({ kind: 'map-list', keys });

/*
 * Pod spec markers, from kubernetes/kubernetes staging/src/k8s.io/api/core/v1/types.go (PodSpec:
 * containers, initContainers, volumes `+listType=map +listMapKey=name`; Container: ports
 * `+listType=map +listMapKey=containerPort +listMapKey=protocol`, env `+listType=map
 * +listMapKey=name`, volumeMounts `+listType=map +listMapKey=mountPath`;
 * topologySpreadConstraints `+listType=map +listMapKey=topologyKey +listMapKey=whenUnsatisfiable`;
 * metav1.LabelSelector `+structType=atomic`). The Argo Rollouts CRD carries the same markers for
 * `spec.template` (argoproj/argo-rollouts manifests/crds/rollout-crd.yaml: containers
 * `x-kubernetes-list-type: map` keyed by name; `resources.limits`/`requests`
 * `x-kubernetes-preserve-unknown-fields` objects, i.e. granular maps; `spec.selector`
 * `x-kubernetes-map-type: atomic`).
 */
const POD_SPEC: Record<string, Merge> = {
  containers: mapList('name'),
  initContainers: mapList('name'),
  volumes: mapList('name'),
  topologySpreadConstraints: mapList('topologyKey', 'whenUnsatisfiable'),
  'containers.*.ports': mapList('containerPort', 'protocol'),
  'containers.*.env': mapList('name'),
  'containers.*.volumeMounts': mapList('mountPath'),
  'initContainers.*.env': mapList('name'),
  'initContainers.*.volumeMounts': mapList('mountPath'),
  'topologySpreadConstraints.*.labelSelector': ATOMIC,
};

const withPrefix = (prefix: string, table: Record<string, Merge>) =>
  Object.fromEntries(Object.entries(table).map(([k, v]) => [`${prefix}.${k}`, v]));

/** Per kind: generic field path (list elements as `*`) → merge strategy; unlisted lists are atomic, unlisted objects granular. */
const SCHEMA: Record<string, Record<string, Merge>> = {
  Rollout: { 'spec.selector': ATOMIC, ...withPrefix('spec.template.spec', POD_SPEC) },
  Deployment: { 'spec.selector': ATOMIC, ...withPrefix('spec.template.spec', POD_SPEC) },
  Job: { 'spec.selector': ATOMIC, ...withPrefix('spec.template.spec', POD_SPEC) },
  // core/v1 ServiceSpec: selector `+mapType=atomic`; ports `+listType=map +listMapKey=port +listMapKey=protocol`.
  Service: { 'spec.selector': ATOMIC, 'spec.ports': mapList('port', 'protocol') },
  // policy/v1 PodDisruptionBudgetSpec.selector is a metav1.LabelSelector (`+structType=atomic`).
  PodDisruptionBudget: { 'spec.selector': ATOMIC },
  // networking/v1 NetworkPolicySpec.podSelector is a metav1.LabelSelector.
  NetworkPolicy: { 'spec.podSelector': ATOMIC },
};

function mergeOf(kind: string, path: FieldPath): Merge {
  const generic = path.map((s) => (typeof s === 'string' ? s : '*')).join('.');
  return SCHEMA[kind]?.[generic] ?? GRANULAR;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The leaf fields an object sets, with their values: what a manager owns when it applies it. */
export function leafFields(kind: string, value: unknown, path: FieldPath = []): [FieldPath, unknown][] {
  const merge = path.length === 0 ? GRANULAR : mergeOf(kind, path);
  if (merge.kind === 'map-list' && Array.isArray(value)) {
    return value.flatMap((element: Record<string, unknown>) => {
      const key = Object.fromEntries(merge.keys.map((k) => [k, element[k] ?? (k === 'protocol' ? 'TCP' : undefined)]));
      return leafFields(kind, element, [...path, key]).filter(([p]) => p.length > path.length + 1);
    });
  }
  if (merge.kind === 'granular' && isObject(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([k, v]) => leafFields(kind, v, [...path, k]));
  }
  return [[path, value]];
}

const keyOf = (path: FieldPath) => JSON.stringify(path);

function child(node: unknown, segment: Segment): unknown {
  if (typeof segment === 'string') return isObject(node) ? node[segment] : undefined;
  return Array.isArray(node)
    ? node.find((e: Record<string, unknown>) =>
        Object.entries(segment).every(([k, v]) => (e[k] ?? (k === 'protocol' ? 'TCP' : undefined)) === v),
      )
    : undefined;
}

function valueAt(obj: unknown, path: FieldPath): unknown {
  return path.reduce<unknown>((node, s) => child(node, s), obj);
}

function setAt(obj: Record<string, unknown>, path: FieldPath, value: unknown): void {
  let node: unknown = obj;
  path.forEach((segment, i) => {
    const last = i === path.length - 1;
    const next = path[i + 1];
    if (typeof segment === 'string') {
      const o = node as Record<string, unknown>;
      if (last) o[segment] = structuredClone(value);
      else {
        if (o[segment] === undefined) o[segment] = typeof next === 'string' ? {} : [];
        node = o[segment];
      }
    } else {
      const list = node as Record<string, unknown>[];
      let element = child(list, segment) as Record<string, unknown> | undefined;
      if (!element) {
        element = { ...segment };
        list.push(element);
      }
      node = element;
    }
  });
}

function removeAt(obj: Record<string, unknown>, path: FieldPath): void {
  const parent = valueAt(obj, path.slice(0, -1));
  const last = path[path.length - 1];
  if (typeof last === 'string' && isObject(parent)) delete parent[last];
}

/** A conflict of an apply: the field, its owner, the current and the applied value. */
export interface Conflict {
  readonly field: string;
  readonly manager: string;
  readonly current: unknown;
  readonly applied: unknown;
}

interface Stored {
  object: Record<string, unknown>;
  /** manager → keys of the leaf fields it owns. */
  managed: Map<string, Set<string>>;
}

/** An API server's object store with server-side apply field management. */
export class ApiServer {
  private readonly objects = new Map<string, Stored>();

  private static id(o: { kind?: unknown; metadata?: unknown }): string {
    const md = o.metadata as { name: string; namespace?: string };
    return `${String(o.kind)}/${md.namespace ?? ''}/${md.name}`;
  }

  /** The stored object, or undefined. */
  public get(kind: string, namespace: string, name: string): Record<string, any> | undefined {
    return this.objects.get(`${kind}/${namespace}/${name}`)?.object;
  }

  /** Every stored object of a kind. */
  public list(kind: string): Record<string, any>[] {
    return [...this.objects.values()].map((s) => s.object).filter((o) => o.kind === kind);
  }

  /** Leaf fields a manager owns on an object, as readable paths. */
  public ownedBy(kind: string, namespace: string, name: string, manager: string): string[] {
    return [...(this.objects.get(`${kind}/${namespace}/${name}`)?.managed.get(manager) ?? [])];
  }

  /**
   * Server-side apply of `config` by `manager` (`kubectl apply --server-side` uses manager
   * `kubectl`). Returns the conflicts; with conflicts and no `force`, nothing changes (the
   * request fails with 409 Conflict).
   */
  public apply(manager: string, config: Record<string, unknown>, options: { force?: boolean } = {}): Conflict[] {
    const id = ApiServer.id(config);
    const kind = String(config.kind);
    const stored = this.objects.get(id) ?? {
      object: { apiVersion: config.apiVersion, kind, metadata: structuredClone(config.metadata) },
      managed: new Map(),
    };
    const fields = leafFields(kind, config);
    const conflicts: Conflict[] = [];
    for (const [path, applied] of fields) {
      const current = valueAt(stored.object, path);
      if (current === undefined || isDeepStrictEqual(current, applied)) continue;
      for (const [other, owned] of stored.managed) {
        if (other !== manager && owned.has(keyOf(path))) conflicts.push({ field: pathText(path), manager: other, current, applied });
      }
    }
    if (conflicts.length > 0 && !options.force) return conflicts;
    const next = structuredClone(stored.object);
    const applying = new Set(fields.map(([p]) => keyOf(p)));
    // Fields this manager alone set before and no longer sets are removed.
    for (const key of stored.managed.get(manager) ?? []) {
      const sharedWithOthers = [...stored.managed].some(([m, owned]) => m !== manager && owned.has(key));
      if (!applying.has(key) && !sharedWithOthers) removeAt(next, JSON.parse(key) as FieldPath);
    }
    for (const [path, value] of fields) setAt(next, path, value);
    if (options.force) for (const c of conflicts) for (const owned of stored.managed.values()) owned.delete(keyOfText(fields, c.field));
    stored.managed.set(manager, applying);
    stored.object = next;
    this.objects.set(id, stored);
    return conflicts;
  }

  /**
   * A controller's Update or (non-apply) Patch: `mutate` edits a copy of the object; the manager
   * becomes the owner of every leaf field whose value changed, and the others lose them.
   */
  public update(manager: string, kind: string, namespace: string, name: string, mutate: (o: Record<string, any>) => void): void {
    const stored = this.objects.get(`${kind}/${namespace}/${name}`);
    if (!stored) throw new Error(`${kind} ${namespace}/${name} not found (404)`);
    const next = structuredClone(stored.object);
    mutate(next);
    const before = new Map(leafFields(kind, stored.object).map(([p, v]) => [keyOf(p), v]));
    const after = new Map(leafFields(kind, next).map(([p, v]) => [keyOf(p), v]));
    const changed = [...after].filter(([k, v]) => !before.has(k) || !isDeepStrictEqual(before.get(k), v)).map(([k]) => k);
    for (const [m, owned] of stored.managed) if (m !== manager) for (const k of changed) owned.delete(k);
    const mine = stored.managed.get(manager) ?? new Set<string>();
    for (const k of changed) mine.add(k);
    stored.managed.set(manager, mine);
    stored.object = next;
  }

  /** Deletes an object (e.g. `kubectl delete job`). */
  public delete(kind: string, namespace: string, name: string): void {
    this.objects.delete(`${kind}/${namespace}/${name}`);
  }
}

function pathText(path: FieldPath): string {
  return path
    .map((s) =>
      typeof s === 'string'
        ? `.${s}`
        : `[${Object.entries(s)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(',')}]`,
    )
    .join('');
}

function keyOfText(fields: [FieldPath, unknown][], text: string): string {
  const found = fields.find(([p]) => pathText(p) === text);
  return found ? keyOf(found[0]) : text;
}
