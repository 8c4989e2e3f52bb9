/*
 * RBAC evaluation for namespaced requests, from https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 * and kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows): a request is
 * allowed when some RoleBinding in the namespace names the subject and its Role has a rule whose
 * apiGroups, resources and verbs match (`*` matches all) and whose resourceNames is empty or
 * contains the object's name. There are no deny rules; anything else is 403 Forbidden.
 */

/** An object as stored: kind, metadata and the RBAC fields. */
type RbacObject = Record<string, any>;

/** A namespaced API request by a ServiceAccount. */
export interface RbacRequest {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly name: string;
}

const matches = (list: readonly string[] | undefined, value: string) => (list ?? []).includes('*') || (list ?? []).includes(value);

/** Whether the Roles and RoleBindings allow the request. */
export function rbacAllows(objects: readonly RbacObject[], req: RbacRequest): boolean {
  const bindings = objects.filter(
    (o) =>
      o.kind === 'RoleBinding' &&
      o.metadata.namespace === req.namespace &&
      (o.subjects ?? []).some(
        (s: RbacObject) =>
          s.kind === 'ServiceAccount' && s.name === req.serviceAccount && (s.namespace ?? o.metadata.namespace) === req.namespace,
      ),
  );
  return bindings.some((b) => {
    const role = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === req.namespace && o.metadata.name === b.roleRef.name);
    return (role?.rules ?? []).some(
      (r: RbacObject) =>
        matches(r.apiGroups, req.apiGroup) &&
        matches(r.resources, req.resource) &&
        matches(r.verbs, req.verb) &&
        ((r.resourceNames ?? []).length === 0 || r.resourceNames.includes(req.name)),
    );
  });
}
