/**
 * The part of expr-lang (github.com/expr-lang/expr) that Argo Rollouts evaluates analysis
 * conditions with, for the conditions glidepath writes: numbers, `result`, `result[i]`,
 * `len(x)`, `isNaN(x)`, `isInf(x)`, comparisons, `!`, `&&` and `||` (short-circuit), parentheses.
 *
 * Semantics followed (argoproj/argo-rollouts `utils/evaluate/evaluate.go`, `EvalCondition`):
 * the environment holds `result` (a `[]float64` for a Prometheus vector), `isNaN`, `isInf`; an
 * index out of range is a runtime error, which `EvaluateResult` turns into an Error measurement
 * (upstream test `TestEvaluateResultErrorMessageWithEmptySlice`). Comparisons with NaN are false.
 * Anything outside this subset throws `UnsupportedCondition`, so a test never silently
 * misreads a condition.
 */

export type ConditionValue = number | boolean | readonly number[];

/** A condition outside the supported subset (a test problem, not a measurement error). */
export class UnsupportedCondition extends Error {}

/** A runtime error while evaluating (Argo: measurement Error). */
export class ConditionRuntimeError extends Error {}

type Token = { kind: 'num'; value: number } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(&&|\|\||==|!=|<=|>=|[<>!()[\],]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new UnsupportedCondition(`cannot read condition "${text}" at ${at}`);
    at = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: 'id', value: m[2] });
    else tokens.push({ kind: 'op', value: m[3] });
  }
  return tokens;
}

type Node = (env: { result: ConditionValue }) => ConditionValue;

/** Compiles a condition; the result is a function of `result`. */
export function compileCondition(text: string): (result: ConditionValue) => boolean {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (v: string) => tokens[i]?.kind === 'op' && tokens[i].value === v;
  const expect = (v: string) => {
    if (!peek(v)) throw new UnsupportedCondition(`expected "${v}" in "${text}"`);
    i++;
  };
  const num = (v: ConditionValue, what: string): number => {
    if (typeof v !== 'number') throw new ConditionRuntimeError(`${what} is not a number`);
    return v;
  };
  const bool = (v: ConditionValue): boolean => {
    if (typeof v !== 'boolean') throw new ConditionRuntimeError('operand is not a boolean');
    return v;
  };
  const or = (): Node => {
    let left = and();
    while (peek('||')) {
      i++;
      const l = left,
        r = and();
      left = (env) => bool(l(env)) || bool(r(env));
    }
    return left;
  };
  const and = (): Node => {
    let left = unary();
    while (peek('&&')) {
      i++;
      const l = left,
        r = unary();
      left = (env) => bool(l(env)) && bool(r(env));
    }
    return left;
  };
  const unary = (): Node => {
    if (peek('!')) {
      i++;
      const inner = unary();
      return (env) => !bool(inner(env));
    }
    return comparison();
  };
  const comparison = (): Node => {
    const left = postfix();
    const op = tokens[i];
    if (op?.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(op.value)) {
      i++;
      const right = postfix();
      return (env) => {
        const a = num(left(env), 'left operand');
        const b = num(right(env), 'right operand');
        switch (op.value) {
          case '==':
            return a === b;
          case '!=':
            return a !== b;
          case '<':
            return a < b;
          case '<=':
            return a <= b;
          case '>':
            return a > b;
          default:
            return a >= b;
        }
      };
    }
    return left;
  };
  const postfix = (): Node => {
    let node = primary();
    while (peek('[')) {
      i++;
      const index = or();
      expect(']');
      const base = node;
      node = (env) => {
        const list = base(env);
        const k = num(index(env), 'index');
        if (!Array.isArray(list)) throw new ConditionRuntimeError('indexing a non-array');
        if (k < 0 || k >= list.length) throw new ConditionRuntimeError(`index out of range: ${k} (array length is ${list.length})`);
        return list[k];
      };
    }
    return node;
  };
  const primary = (): Node => {
    const t = tokens[i++];
    if (!t) throw new UnsupportedCondition(`unexpected end of "${text}"`);
    if (t.kind === 'num') return () => t.value;
    if (t.kind === 'op' && t.value === '(') {
      const inner = or();
      expect(')');
      return inner;
    }
    if (t.kind === 'id') {
      if (t.value === 'result') return (env) => env.result;
      if (t.value === 'true' || t.value === 'false') return () => t.value === 'true';
      if (['len', 'isNaN', 'isInf'].includes(t.value)) {
        expect('(');
        const arg = or();
        if (t.value === 'isInf') {
          expect(',');
          const sign = or();
          expect(')');
          return (env) => {
            const v = num(arg(env), 'isInf argument');
            const s = num(sign(env), 'isInf sign');
            return s > 0 ? v === Infinity : s < 0 ? v === -Infinity : !Number.isFinite(v) && !Number.isNaN(v);
          };
        }
        expect(')');
        if (t.value === 'len') {
          return (env) => {
            const v = arg(env);
            if (!Array.isArray(v)) throw new ConditionRuntimeError('len of a non-array');
            return v.length;
          };
        }
        return (env) => Number.isNaN(num(arg(env), 'isNaN argument'));
      }
    }
    throw new UnsupportedCondition(`unsupported token "${t.value}" in "${text}"`);
  };
  const root = or();
  if (i !== tokens.length) throw new UnsupportedCondition(`trailing input in "${text}"`);
  return (result) => {
    const v = root({ result });
    if (typeof v !== 'boolean') throw new ConditionRuntimeError(`condition "${text}" is not a boolean`);
    return v;
  };
}
