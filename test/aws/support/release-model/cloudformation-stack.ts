/**
 * A model of the CloudFormation behaviour that bites over releases, fed with synthesized
 * templates. Rules:
 *
 * - **Named resources are unique in the account and region.** Creating a log group or secret
 *   whose name exists fails ("already exists").
 *   https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html,
 *   https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
 * - **A failed create rolls back** (`ROLLBACK_COMPLETE`): every created resource is deleted unless
 *   its `DeletionPolicy` keeps it. `Retain` keeps it (even then); `RetainExceptOnCreate` deletes
 *   it when the stack is rolling back a create. A `ROLLBACK_COMPLETE` stack must be deleted before
 *   the retry creates it again; retained resources stay in the account.
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
 * - **A failed update rolls back**: resources updated go back to their previous properties; a
 *   custom resource gets an Update request whose `ResourceProperties` are the *previous* ones
 *   (and `OldResourceProperties` the failed ones), while the stack is `UPDATE_ROLLBACK_IN_PROGRESS`;
 *   the custom resource whose update failed is rolled back the same way.
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html
 * - **Resources are created in dependency order** (`DependsOn` and references) and deleted in the
 *   reverse order. A secret whose resource policy denies `secretsmanager:DeleteSecret` cannot be
 *   deleted while that policy exists (an explicit deny wins).
 *   https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */

type Resource = { Type: string; Properties?: Record<string, any>; DependsOn?: string | string[]; DeletionPolicy?: string };
/** A template's resources. */
export type Resources = Record<string, Resource>;

/** Types whose physical name is a property, and which property. */
const NAMED: Record<string, string> = {
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::ECS::Cluster': 'ClusterName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::SNS::Topic': 'TopicName',
};

/** A custom resource request, as CloudFormation sends it. */
export interface CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly LogicalResourceId: string;
  readonly ResourceProperties: Record<string, any>;
  readonly OldResourceProperties?: Record<string, any>;
  /** The stack status while the request is sent. */
  readonly StackStatus: string;
}

/** The account and region: which physical names are taken. */
export class Account {
  /** `Type name` → the logical id and stack that created it, or `retained`. */
  public readonly names = new Map<string, string>();
}

/** The outcome of a stack operation. */
export interface StackOperation {
  readonly status: string;
  readonly reason?: string;
  /** Custom resource requests sent, in order. */
  readonly customResourceRequests: readonly CustomResourceRequest[];
}

/** One stack in the account. */
export class CloudFormationStack {
  public status = 'NONE';
  private resources: Resources = {};

  constructor(
    private readonly account: Account,
    public readonly name: string,
  ) {}

  /**
   * CreateStack. `failAt` names a logical id whose creation fails (a certificate that never
   * validates, a migration, ECS health): everything created before it is rolled back.
   */
  public create(resources: Resources, failAt?: string): StackOperation {
    if (this.status === 'ROLLBACK_COMPLETE') throw new Error(`${this.name} is ROLLBACK_COMPLETE: delete it before creating it again`);
    const created: string[] = [];
    const requests: CustomResourceRequest[] = [];
    for (const id of creationOrder(resources)) {
      const r = resources[id];
      const name = physicalName(r);
      if (name !== undefined && this.account.names.has(name)) {
        return this.rollbackCreate(resources, created, requests, `${id}: ${name} already exists`);
      }
      if (id === failAt) return this.rollbackCreate(resources, created, requests, `${id}: resource creation failed`);
      if (name !== undefined) this.account.names.set(name, `${this.name}/${id}`);
      if (isCustom(r))
        requests.push({
          RequestType: 'Create',
          LogicalResourceId: id,
          ResourceProperties: r.Properties ?? {},
          StackStatus: 'CREATE_IN_PROGRESS',
        });
      created.push(id);
    }
    this.resources = resources;
    this.status = 'CREATE_COMPLETE';
    return { status: this.status, customResourceRequests: requests };
  }

  /** DeleteStack: resources go unless their `DeletionPolicy` keeps them (Retain, RetainExceptOnCreate). */
  public delete(): void {
    for (const [id, r] of Object.entries(this.resources)) {
      const name = physicalName(r);
      if (name === undefined) continue;
      if (r.DeletionPolicy === 'Retain' || r.DeletionPolicy === 'RetainExceptOnCreate') this.account.names.set(name, 'retained');
      else if (this.account.names.get(name) === `${this.name}/${id}`) this.account.names.delete(name);
    }
    this.resources = {};
    this.status = 'DELETE_COMPLETE';
  }

  /**
   * UpdateStack to `next`; `failAt` names a logical id whose update fails. On failure every
   * custom resource that was updated gets an Update with its previous properties.
   */
  public update(next: Resources, failAt?: string): StackOperation {
    const previous = this.resources;
    const requests: CustomResourceRequest[] = [];
    const updated: string[] = [];
    const replaced = new Set<string>();
    for (const id of creationOrder(next)) {
      const before = previous[id];
      const after = next[id];
      // A reference to a replaced resource resolves to a new physical id: the referrer changes too.
      const changed =
        !before ||
        JSON.stringify(before.Properties) !== JSON.stringify(after.Properties) ||
        dependencies(after).some((d) => replaced.has(d));
      if (!changed) continue;
      if (before && REPLACED_ON_UPDATE.has(after.Type)) replaced.add(id);
      if (id === failAt) {
        // A custom resource that fails got its request first, and is rolled back like the others.
        if (isCustom(after) && before) {
          requests.push({
            RequestType: 'Update',
            LogicalResourceId: id,
            ResourceProperties: after.Properties ?? {},
            OldResourceProperties: before.Properties,
            StackStatus: 'UPDATE_IN_PROGRESS',
          });
          updated.push(id);
        }
        this.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
        for (const u of updated.reverse()) {
          if (isCustom(next[u]) && previous[u]) {
            requests.push({
              RequestType: 'Update',
              LogicalResourceId: u,
              ResourceProperties: previous[u].Properties ?? {},
              OldResourceProperties: next[u].Properties ?? {},
              StackStatus: this.status,
            });
          } else if (isCustom(next[u])) {
            requests.push({
              RequestType: 'Delete',
              LogicalResourceId: u,
              ResourceProperties: next[u].Properties ?? {},
              StackStatus: this.status,
            });
          }
        }
        this.status = 'UPDATE_ROLLBACK_COMPLETE';
        return { status: this.status, reason: `${id}: resource update failed`, customResourceRequests: requests };
      }
      if (isCustom(after)) {
        requests.push({
          RequestType: before ? 'Update' : 'Create',
          LogicalResourceId: id,
          ResourceProperties: after.Properties ?? {},
          OldResourceProperties: before?.Properties,
          StackStatus: 'UPDATE_IN_PROGRESS',
        });
      }
      updated.push(id);
    }
    this.resources = next;
    this.status = 'UPDATE_COMPLETE';
    return { status: this.status, customResourceRequests: requests };
  }

  private rollbackCreate(resources: Resources, created: string[], requests: CustomResourceRequest[], reason: string): StackOperation {
    this.status = 'ROLLBACK_IN_PROGRESS';
    const present = new Set(created);
    for (const id of [...created].reverse()) {
      const r = resources[id];
      const name = physicalName(r);
      if (isCustom(r))
        requests.push({ RequestType: 'Delete', LogicalResourceId: id, ResourceProperties: r.Properties ?? {}, StackStatus: this.status });
      // Retain keeps the resource even when the create is rolled back; RetainExceptOnCreate does not;
      // a DeleteSecret deny still in place makes the deletion fail (the name stays taken).
      if (name !== undefined) {
        if (r.DeletionPolicy === 'Retain') this.account.names.set(name, 'retained');
        else if (deniesDelete(resources, present, id)) this.account.names.set(name, 'DELETE_FAILED');
        else this.account.names.delete(name);
      }
      present.delete(id);
    }
    this.status = 'ROLLBACK_COMPLETE';
    this.resources = {};
    return { status: this.status, reason, customResourceRequests: requests };
  }
}

/**
 * Types whose every property update replaces the resource (a new physical id): an ECS task
 * definition revision, a Lambda version.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-taskdefinition.html
 */
const REPLACED_ON_UPDATE = new Set(['AWS::ECS::TaskDefinition', 'AWS::Lambda::Version']);

/** A resource policy still present denies deleting the secret `id`. */
function deniesDelete(resources: Resources, present: ReadonlySet<string>, id: string): boolean {
  return [...present].some((p) => {
    const r = resources[p];
    const policy = JSON.stringify(r.Properties?.ResourcePolicy ?? {});
    return (
      r.Type === 'AWS::SecretsManager::ResourcePolicy' &&
      JSON.stringify(r.Properties?.SecretId) === JSON.stringify({ Ref: id }) &&
      policy.includes('"Effect":"Deny"') &&
      policy.includes('secretsmanager:DeleteSecret')
    );
  });
}

function isCustom(r: Resource): boolean {
  return r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource';
}

/** The physical name of a named resource, when it is a literal. */
export function physicalName(r: Resource): string | undefined {
  const property = NAMED[r.Type];
  const value = property ? r.Properties?.[property] : undefined;
  return typeof value === 'string' ? `${r.Type} ${value}` : undefined;
}

/** Logical ids in an order that respects `DependsOn`, `Ref` and `Fn::GetAtt`. */
export function creationOrder(resources: Resources): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string) => {
    if (state.get(id) === 'done' || !(id in resources)) return;
    if (state.get(id) === 'visiting') return; // a cycle CloudFormation would refuse; keep going
    state.set(id, 'visiting');
    for (const dep of dependencies(resources[id])) visit(dep);
    state.set(id, 'done');
    order.push(id);
  };
  Object.keys(resources).sort().forEach(visit);
  return order;
}

function dependencies(r: Resource): string[] {
  const out = new Set<string>([r.DependsOn ?? []].flat());
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.Ref === 'string') out.add(o.Ref);
      if (Array.isArray(o['Fn::GetAtt'])) out.add(String((o['Fn::GetAtt'] as unknown[])[0]));
      Object.values(o).forEach(walk);
    }
  };
  walk(r.Properties);
  return [...out];
}
