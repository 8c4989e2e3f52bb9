/**
 * A CloudWatch alarm evaluator for tests: it reads an `AWS::CloudWatch::Alarm` from a synthesized
 * template (its `Metrics` array of metric-math queries, or a single metric) and evaluates it over
 * a simulated metric feed, following CloudWatch's documented semantics:
 *
 * - **Datapoints.** Datapoint k aggregates period `[k·P, (k+1)·P)`; it can be evaluated once the
 *   period has ended plus an ingestion delay (ALB and Lambda metrics: about a minute).
 * - **M of N.** At each evaluation the most recent `EvaluationPeriods` (N) datapoints form the
 *   evaluation range; the alarm goes to ALARM when at least `DatapointsToAlarm` (M) breach.
 * - **Missing data** (`TreatMissingData`): `notBreaching` counts a missing datapoint as good,
 *   `breaching` as bad; `ignore` and `missing` judge only the datapoints present (and stay in the
 *   current state when none is).
 * - **Metric math** as the generated alarms use it: arithmetic (`+ - * /`) and comparisons
 *   (`> >= < <= == !=`, yielding 1 or 0) element by element, where a datapoint missing in any
 *   operand is missing in the result (and division by zero is missing); `IF(c, a, b)` per
 *   datapoint (missing when `c` is); `FILL(s, v)` replaces missing datapoints with `v`; `MAX` and
 *   `MIN` of an array `[s1, s2, …]` give the per-datapoint maximum/minimum of the present values,
 *   and of one series the single extreme value over the whole range.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 */

/** One datapoint value, or `undefined` when the period has no data. */
export type Datapoint = number | undefined;
type Series = Datapoint[];
type Value = number | Series | Series[];

/** A metric as the alarm queries it; dimension values are resolved to readable strings (`Ref X` → `X`). */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: string;
}

/** Returns the value of `metric` for datapoint `index`, or `undefined` when CloudWatch has no data. */
export type MetricFeed = (metric: MetricRef, index: number) => Datapoint;

interface Query {
  readonly id: string;
  readonly expression?: string;
  readonly metric?: MetricRef;
  readonly returnData: boolean;
}

/** The parts of an alarm the evaluation needs. */
export interface SimulatedAlarm {
  readonly name: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: string;
  readonly treatMissingData: string;
  readonly queries: readonly Query[];
}

/** Resolves CloudFormation intrinsics to readable strings: `Ref X` → `X`, `GetAtt X.A` → `X.A`, joins joined, others as JSON. */
function resolveValue(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return String(v.Ref);
  if ('Fn::GetAtt' in v) return (v['Fn::GetAtt'] as string[]).join('.');
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(resolveValue).join(sep);
  }
  // Other intrinsics (Fn::Select of an Fn::Split, …) stay readable enough to match logical ids.
  return JSON.stringify(value);
}

function metricOf(raw: Record<string, unknown>, stat: string): MetricRef {
  const dims = (raw.Dimensions as { Name: string; Value: unknown }[] | undefined) ?? [];
  return {
    namespace: String(raw.Namespace),
    metricName: String(raw.MetricName),
    dimensions: Object.fromEntries(dims.map((d) => [d.Name, resolveValue(d.Value)])),
    stat,
  };
}

/** Reads the alarm named `alarmName` from a template's JSON. */
export function alarmFromTemplate(
  template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> },
  alarmName: string,
): SimulatedAlarm {
  const found = Object.values(template.Resources).find((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.AlarmName === alarmName);
  if (!found?.Properties) {
    throw new Error(`no alarm named ${alarmName} in the template`);
  }
  const p = found.Properties;
  let queries: Query[];
  let periodSeconds: number;
  if (Array.isArray(p.Metrics)) {
    const raw = p.Metrics as Record<string, unknown>[];
    queries = raw.map((q) => {
      const stat = q.MetricStat as { Metric: Record<string, unknown>; Stat: string; Period: number } | undefined;
      return {
        id: String(q.Id),
        expression: q.Expression as string | undefined,
        metric: stat ? metricOf(stat.Metric, stat.Stat) : undefined,
        returnData: q.ReturnData !== false,
      };
    });
    const periods = new Set(
      raw
        .flatMap((q) => [(q.MetricStat as { Period?: number } | undefined)?.Period, q.Period as number | undefined])
        .filter((x) => x !== undefined),
    );
    if (periods.size !== 1) {
      throw new Error(`alarm ${alarmName} mixes periods ${[...periods].join(', ')}`);
    }
    periodSeconds = [...periods][0] as number;
  } else {
    queries = [{ id: 'm1', metric: metricOf(p, String(p.Statistic ?? p.ExtendedStatistic)), returnData: true }];
    periodSeconds = Number(p.Period);
  }
  return {
    name: alarmName,
    periodSeconds,
    evaluationPeriods: Number(p.EvaluationPeriods),
    datapointsToAlarm: Number(p.DatapointsToAlarm ?? p.EvaluationPeriods),
    threshold: Number(p.Threshold),
    comparison: String(p.ComparisonOperator),
    treatMissingData: String(p.TreatMissingData ?? 'missing'),
    queries,
  };
}

// ---- metric math --------------------------------------------------------------------------

type Node =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'id'; readonly name: string }
  | { readonly kind: 'call'; readonly fn: string; readonly args: Node[] }
  | { readonly kind: 'array'; readonly items: Node[] }
  | { readonly kind: 'bin'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly kind: 'neg'; readonly operand: Node };

const BINARY_LEVELS = [
  ['||', 'OR'],
  ['&&', 'AND'],
  ['==', '!=', '>=', '<=', '>', '<'],
  ['+', '-'],
  ['*', '/'],
];

/** Parses a metric-math expression into a tree (recursive descent, usual precedence). */
export function parseExpression(text: string): Node {
  const tokens = text.match(/\s*(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|>=|<=|==|!=|&&|\|\||[-+*/(),[\]<>])/g)?.map((t) => t.trim()) ?? [];
  if (tokens.join('') !== text.replace(/\s+/g, '')) {
    throw new Error(`cannot tokenize expression: ${text}`);
  }
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (expected?: string) => {
    const t = tokens[pos++];
    if (expected !== undefined && t !== expected) throw new Error(`expected "${expected}" but found "${t}" in: ${text}`);
    return t;
  };
  const level = (n: number): Node => {
    if (n === BINARY_LEVELS.length) return unary();
    let left = level(n + 1);
    while (peek() !== undefined && BINARY_LEVELS[n].includes(peek())) {
      const op = take();
      left = { kind: 'bin', op, left, right: level(n + 1) };
    }
    return left;
  };
  const list = (close: string): Node[] => {
    const items: Node[] = [];
    while (peek() !== close) {
      items.push(level(0));
      if (peek() === ',') take(',');
    }
    take(close);
    return items;
  };
  const unary = (): Node => {
    const t = take();
    if (t === '-') return { kind: 'neg', operand: unary() };
    if (t === '(') {
      const inner = level(0);
      take(')');
      return inner;
    }
    if (t === '[') return { kind: 'array', items: list(']') };
    if (/^\d/.test(t)) return { kind: 'num', value: Number(t) };
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === '(') {
        take('(');
        return { kind: 'call', fn: t.toUpperCase(), args: list(')') };
      }
      return { kind: 'id', name: t };
    }
    throw new Error(`unexpected "${t}" in: ${text}`);
  };
  const tree = level(0);
  if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos]}" in: ${text}`);
  return tree;
}

function elementwise(a: Value, b: Value, length: number, f: (x: number, y: number) => Datapoint): Series {
  const at = (v: Value, i: number): Datapoint => (typeof v === 'number' ? v : (v as Series)[i]);
  if (Array.isArray(a) && Array.isArray(a[0])) throw new Error('arithmetic on an array of series is not simulated');
  return Array.from({ length }, (_, i) => {
    const x = at(a, i);
    const y = at(b, i);
    return x === undefined || y === undefined ? undefined : f(x, y);
  });
}

const OPS: Record<string, (x: number, y: number) => Datapoint> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '/': (x, y) => (y === 0 ? undefined : x / y),
  '>': (x, y) => Number(x > y),
  '>=': (x, y) => Number(x >= y),
  '<': (x, y) => Number(x < y),
  '<=': (x, y) => Number(x <= y),
  '==': (x, y) => Number(x === y),
  '!=': (x, y) => Number(x !== y),
  '&&': (x, y) => Number(x !== 0 && y !== 0),
  AND: (x, y) => Number(x !== 0 && y !== 0),
  '||': (x, y) => Number(x !== 0 || y !== 0),
  OR: (x, y) => Number(x !== 0 || y !== 0),
};

function asSeries(v: Value, length: number): Series {
  if (typeof v === 'number') return Array.from({ length }, () => v);
  if (Array.isArray(v[0])) throw new Error('expected one time series, got an array of them');
  return v as Series;
}

function evaluateNode(node: Node, lookup: (id: string) => Value, length: number): Value {
  const ev = (n: Node) => evaluateNode(n, lookup, length);
  switch (node.kind) {
    case 'num':
      return node.value;
    case 'id':
      return lookup(node.name);
    case 'neg':
      return elementwise(ev(node.operand), -1, length, (x, y) => x * y);
    case 'array':
      return node.items.map((item) => asSeries(ev(item), length));
    case 'bin': {
      const left = ev(node.left);
      const right = ev(node.right);
      if (typeof left === 'number' && typeof right === 'number') return OPS[node.op](left, right) ?? NaN;
      return elementwise(left, right, length, OPS[node.op]);
    }
    case 'call': {
      const args = node.args.map(ev);
      switch (node.fn) {
        case 'IF': {
          const [c, a, b] = [asSeries(args[0], length), args[1], args[2] ?? 0];
          return c.map((x, i) => (x === undefined ? undefined : x !== 0 ? asSeries(a, length)[i] : asSeries(b, length)[i]));
        }
        case 'FILL': {
          const fill = asSeries(args[1], length);
          return asSeries(args[0], length).map((x, i) => x ?? fill[i]);
        }
        case 'MAX':
        case 'MIN': {
          const pick = node.fn === 'MAX' ? Math.max : Math.min;
          const arg = args[0];
          if (Array.isArray(arg) && Array.isArray(arg[0])) {
            const all = arg as Series[];
            return Array.from({ length }, (_, i) => {
              const present = all.map((s) => s[i]).filter((x): x is number => x !== undefined);
              return present.length === 0 ? undefined : pick(...present);
            });
          }
          const present = asSeries(arg, length).filter((x): x is number => x !== undefined);
          return present.length === 0 ? NaN : pick(...present);
        }
        default:
          throw new Error(`metric math function ${node.fn} is not simulated`);
      }
    }
  }
}

/** The series the alarm compares with its threshold, datapoints 0 … `length - 1`. */
export function alarmSeries(alarm: SimulatedAlarm, feed: MetricFeed, length: number): Series {
  const cache = new Map<string, Value>();
  const lookup = (id: string): Value => {
    const cached = cache.get(id);
    if (cached !== undefined) return cached;
    const query = alarm.queries.find((q) => q.id === id);
    if (!query) throw new Error(`alarm ${alarm.name}: expression refers to unknown id "${id}"`);
    const value: Value = query.metric
      ? Array.from({ length }, (_, i) => feed(query.metric!, i))
      : evaluateNode(parseExpression(query.expression!), lookup, length);
    cache.set(id, value);
    return value;
  };
  const returned = alarm.queries.filter((q) => q.returnData);
  if (returned.length !== 1) throw new Error(`alarm ${alarm.name} returns ${returned.length} series; CloudWatch requires exactly one`);
  return asSeries(lookup(returned[0].id), length);
}

function breaches(alarm: SimulatedAlarm, value: number): boolean {
  switch (alarm.comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= alarm.threshold;
    case 'GreaterThanThreshold':
      return value > alarm.threshold;
    case 'LessThanThreshold':
      return value < alarm.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= alarm.threshold;
    default:
      throw new Error(`comparison ${alarm.comparison} is not simulated`);
  }
}

/** Options of `simulateAlarm`. */
export interface SimulationOptions {
  /** Datapoints to simulate. */
  readonly datapoints: number;
  /** Seconds after a period ends until its datapoint is evaluated (ingestion and evaluation). @default 60 */
  readonly delaySeconds?: number;
}

/** The outcome: when the alarm first enters ALARM (seconds from datapoint 0's start), and the series. */
export interface SimulationResult {
  readonly firstAlarmSeconds?: number;
  readonly series: readonly Datapoint[];
}

/** Evaluates the alarm after every datapoint and reports the first transition to ALARM. */
export function simulateAlarm(alarm: SimulatedAlarm, feed: MetricFeed, options: SimulationOptions): SimulationResult {
  const series = alarmSeries(alarm, feed, options.datapoints);
  const delay = options.delaySeconds ?? 60;
  for (let last = 0; last < series.length; last++) {
    const range = series.slice(Math.max(0, last - alarm.evaluationPeriods + 1), last + 1);
    let bad = 0;
    for (const x of range) {
      if (x === undefined) {
        if (alarm.treatMissingData === 'breaching') bad++;
      } else if (breaches(alarm, x)) {
        bad++;
      }
    }
    if (bad >= alarm.datapointsToAlarm) {
      return { firstAlarmSeconds: (last + 1) * alarm.periodSeconds + delay, series };
    }
  }
  return { series };
}
