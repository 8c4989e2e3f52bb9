/**
 * A resource-policy evaluator for tests, written from AWS's documented evaluation logic rather than
 * from what glidepath emits. It decides one request against the resource-based policy of an SNS
 * topic or a KMS key:
 *
 * 1. **Explicit deny.** If any statement with `Effect: Deny` matches, the request is denied.
 * 2. **Allow.** Otherwise, if any statement with `Effect: Allow` matches, it is allowed.
 * 3. **Implicit deny.** Otherwise it is denied ("no resource-based policy allows").
 *
 * A request by an AWS service principal (`cloudwatch.amazonaws.com`) carries no identity-based
 * policy, so the resource policy decides alone. A KMS key policy is the only way into a key:
 * without a statement allowing the principal, no IAM policy helps a service principal.
 *
 * A statement matches when its principal, action and resource match and every condition holds:
 * operators are ANDed, keys within an operator are ANDed, values within a key are ORed; a key
 * missing from the request makes its condition false, except with an `…IfExists` operator.
 * Actions compare case-insensitively with `*`/`?` wildcards; resources and `ArnLike` compare
 * case-sensitively, ARN segment by segment, with wildcards inside each segment.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
 */

/** A policy statement as JSON, intrinsics already resolved. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: '*' | Record<string, string | string[]>;
  readonly NotPrincipal?: Record<string, string | string[]>;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** A policy document, intrinsics already resolved. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: Statement | readonly Statement[];
}

/** Who asks: an AWS service (`{ service }`) or an IAM principal (`{ aws: arn }`). */
export type RequestPrincipal = { readonly service: string } | { readonly aws: string };

/** One request: who, what action on which resource, and the request context's condition keys. */
export interface PolicyRequest {
  readonly principal: RequestPrincipal;
  readonly action: string;
  readonly resource: string;
  /** Condition keys, e.g. `aws:SourceArn`, `aws:SecureTransport` ('true' / 'false'). */
  readonly context: Readonly<Record<string, string>>;
}

/** The decision, and the statement that made it (for messages). */
export interface PolicyDecision {
  readonly decision: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
  readonly statement?: string;
}

const list = <T>(value: T | readonly T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? [...value] : [value as T]);

/** `*` matches any run of characters, `?` one character. */
function wildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, caseInsensitive ? 'is' : 's').test(value);
}

/** `ArnLike`: each of the six colon-separated parts matched on its own, with wildcards. */
function arnLike(pattern: string, arn: string): boolean {
  const split = (s: string) => {
    const parts = s.split(':');
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const a = split(arn);
  if (!p || !a) return false;
  return p.every((part, i) => wildcard(part, a[i]));
}

function principalMatches(principal: Statement['Principal'], who: RequestPrincipal): boolean {
  if (principal === undefined) return false;
  if (principal === '*') return true;
  if ('service' in who) return list(principal.Service).includes(who.service);
  return list(principal.AWS).some((p) => {
    if (p === '*') return true;
    const account = /^arn:aws[-a-z]*:iam::(\d{12}):root$/.exec(p)?.[1] ?? (/^\d{12}$/.test(p) ? p : undefined);
    // An account principal stands for every principal of that account.
    return account !== undefined ? who.aws.split(':')[4] === account : p === who.aws;
  });
}

type Operator = (expected: string, actual: string) => boolean;

const OPERATORS: Record<string, Operator> = {
  StringEquals: (e, a) => e === a,
  StringNotEquals: (e, a) => e !== a,
  StringEqualsIgnoreCase: (e, a) => e.toLowerCase() === a.toLowerCase(),
  StringLike: (e, a) => wildcard(e, a),
  StringNotLike: (e, a) => !wildcard(e, a),
  ArnEquals: (e, a) => arnLike(e, a),
  ArnLike: (e, a) => arnLike(e, a),
  ArnNotEquals: (e, a) => !arnLike(e, a),
  ArnNotLike: (e, a) => !arnLike(e, a),
  Bool: (e, a) => e.toLowerCase() === a.toLowerCase(),
};

/** Negated operators hold when no value matches (`StringNotEquals` with [a, b]: neither a nor b). */
const NEGATED = new Set(['StringNotEquals', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike']);

function conditionHolds(condition: Statement['Condition'], context: Readonly<Record<string, string>>): boolean {
  for (const [written, keys] of Object.entries(condition ?? {})) {
    const ifExists = written.endsWith('IfExists');
    const name = ifExists ? written.slice(0, -'IfExists'.length) : written;
    const operator = OPERATORS[name];
    if (!operator) throw new Error(`the evaluator does not know condition operator "${written}"; add it from the IAM documentation`);
    for (const [key, expected] of Object.entries(keys)) {
      // Condition keys are case-insensitive; values are not.
      const found = Object.keys(context).find((k) => k.toLowerCase() === key.toLowerCase());
      if (found === undefined) {
        if (ifExists) continue;
        return false;
      }
      const actual = context[found];
      const values = list(expected as string | string[]).map(String);
      const holds = NEGATED.has(name) ? values.every((v) => operator(v, actual)) : values.some((v) => operator(v, actual));
      if (!holds) return false;
    }
  }
  return true;
}

/** Whether one statement applies to a request. */
export function statementMatches(statement: Statement, request: PolicyRequest): boolean {
  const principal =
    statement.NotPrincipal !== undefined
      ? !principalMatches(statement.NotPrincipal, request.principal)
      : principalMatches(statement.Principal, request.principal);
  const action =
    statement.NotAction !== undefined
      ? !list(statement.NotAction).some((a) => wildcard(a, request.action, true))
      : list(statement.Action).some((a) => wildcard(a, request.action, true));
  const resource =
    statement.NotResource !== undefined
      ? !list(statement.NotResource).some((r) => wildcard(r, request.resource))
      : list(statement.Resource).some((r) => wildcard(r, request.resource));
  return principal && action && resource && conditionHolds(statement.Condition, request.context);
}

/** Decides a request against one resource-based policy (explicit deny, then allow, then implicit deny). */
export function evaluatePolicy(policy: PolicyDocument, request: PolicyRequest): PolicyDecision {
  const statements = list(policy.Statement);
  const deny = statements.find((s) => s.Effect === 'Deny' && statementMatches(s, request));
  if (deny) return { decision: 'ExplicitDeny', statement: deny.Sid ?? JSON.stringify(deny) };
  const allow = statements.find((s) => s.Effect === 'Allow' && statementMatches(s, request));
  if (allow) return { decision: 'Allow', statement: allow.Sid ?? JSON.stringify(allow) };
  return { decision: 'ImplicitDeny' };
}
