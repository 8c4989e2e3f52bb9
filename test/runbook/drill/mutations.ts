import { serviceModel } from './aws-command-model';
import { sdkEnum } from './planes/sdk-enums';

/** The kinds of breakage the mutation check applies to rendered commands (issue 25). */
export enum MutationKind {
  FLAG_RENAMED = 'flag renamed',
  ENUM_MISSPELLED = 'enum value misspelled',
  ARGUMENT_DROPPED = 'argument dropped',
  ARGUMENTS_SWAPPED = 'arguments swapped',
  GUARD_REMOVED = 'guard removed',
}

/** One mutation of a runbook: a line of a fenced bash block, changed. */
export interface Mutation {
  readonly kind: MutationKind;
  /** Index of the line in the markdown. */
  readonly line: number;
  readonly before: string;
  readonly after: string;
}

/**
 * Enum values the commands may name, from the SDK models (ServiceDeploymentStatus, DeploymentStatus,
 * …) and the Argo Rollouts phases (https://argo-rollouts.readthedocs.io/en/stable/features/specification/).
 */
const ENUMS = new Set(
  [
    ['@aws-sdk/client-ecs', 'ServiceDeploymentStatus'],
    ['@aws-sdk/client-ecs', 'StopServiceDeploymentStopType'],
    ['@aws-sdk/client-ecs', 'TaskDefinitionStatus'],
    ['@aws-sdk/client-ecs', 'SortOrder'],
    ['@aws-sdk/client-ecs', 'LaunchType'],
    ['@aws-sdk/client-ecs', 'DesiredStatus'],
    ['@aws-sdk/client-codedeploy', 'DeploymentStatus'],
    ['@aws-sdk/client-codepipeline', 'PipelineExecutionStatus'],
    ['@aws-sdk/client-codepipeline', 'ApprovalStatus'],
    ['@aws-sdk/client-codepipeline', 'StageRetryMode'],
    ['@aws-sdk/client-codepipeline', 'StageTransitionType'],
    ['@aws-sdk/client-appconfig', 'DeploymentState'],
    ['@aws-sdk/client-cloudwatch', 'HistoryItemType'],
    ['@aws-sdk/client-cloudwatch', 'StateValue'],
  ]
    .flatMap(([p, n]) => sdkEnum(p, n))
    .concat(['Healthy', 'Paused', 'Degraded', 'AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS'])
    .filter((v) => v.length >= 4),
);

/** Guards: checks that stop a step from acting on an empty or wrong value. */
const GUARDS: readonly [RegExp, string][] = [
  [/\$\{(\w+):\?[^}]*\}/, '${$1:-}'],
  [/\[ [^\]]+ \] \|\| /, ''],
  [/\[ [^\]]+ \] && /, ''],
  [/; then (echo [^;]*>&2; )?exit 1; fi/, '; then :; fi'],
  [/ \|\| \{ echo [^}]*; exit 1; \}/, ''],
  [/ && exit 0;/, ';'],
];

/** Every mutation of the fenced bash blocks of a runbook, in text order. */
export function mutationsOf(markdown: string): Mutation[] {
  const out: Mutation[] = [];
  const lines = markdown.split('\n');
  let inBash = false;
  lines.forEach((line, i) => {
    if (/^\s*```bash\s*$/.test(line)) {
      inBash = true;
      return;
    }
    if (inBash && /^\s*```\s*$/.test(line)) {
      inBash = false;
      return;
    }
    if (!inBash) return;
    const add = (kind: MutationKind, after: string) => {
      if (after !== line) out.push({ kind, line: i, before: line, after });
    };
    for (const m of line.matchAll(/ (--[a-z][a-z0-9-]+)/g)) {
      add(MutationKind.FLAG_RENAMED, replaceAt(line, m.index! + 1, m[1], m[1].endsWith('s') ? m[1].slice(0, -1) : `${m[1]}s`));
      // The option and its value (a word, a quoted string or a $(…)-free variable), or a bare flag.
      const rest = line.slice(m.index! + 1 + m[1].length);
      const value = /^ ("[^"]*"|'[^']*'|[^\s'"-][^\s]*)/.exec(rest);
      add(MutationKind.ARGUMENT_DROPPED, line.slice(0, m.index!) + rest.slice(value ? value[0].length : 0));
    }
    for (const m of line.matchAll(/[A-Za-z_]+/g)) {
      if (ENUMS.has(m[0])) add(MutationKind.ENUM_MISSPELLED, replaceAt(line, m.index!, m[0], m[0].slice(0, -2) + m[0].slice(-1)));
    }
    const options = [...line.matchAll(/ (--[a-z][a-z0-9-]+) ("[^"]*"|'[^']*'|[^\s'"-][^\s]*)/g)];
    for (let a = 0; a + 1 < options.length; a++) {
      const [x, y] = [options[a], options[a + 1]];
      if (x[2] === y[2]) continue;
      const swapped =
        line.slice(0, x.index!) +
        ` ${x[1]} ${y[2]}` +
        line.slice(x.index! + x[0].length, y.index!) +
        ` ${y[1]} ${x[2]}` +
        line.slice(y.index! + y[0].length);
      add(MutationKind.ARGUMENTS_SWAPPED, swapped);
    }
    for (const [pattern, replacement] of GUARDS) add(MutationKind.GUARD_REMOVED, line.replace(pattern, replacement));
  });
  return out;
}

function replaceAt(text: string, index: number, from: string, to: string): string {
  return text.slice(0, index) + to + text.slice(index + from.length);
}

/**
 * Classes of equivalent mutants: a mutation that cannot change what any command does. Each class
 * says why; a mutant of no class counts, caught or not.
 */
export enum Equivalence {
  /**
   * A word misspelled inside free text no tool interprets: the value of `--reason`, `--description`,
   * `--title` or `--body`, the `summary=` of an approval result, the message of `${VAR:?message}`, or
   * the text of an `echo` that prints no command. The text reaches a log or a person unchanged in
   * meaning; no API compares it with anything.
   */
  FREE_TEXT = 'word inside free text no tool interprets',
  /**
   * An optional free-text annotation of an aws command dropped: `--description` (AppConfig
   * versions and deployments), `--reason` (`stop-pipeline-execution`) or `--started-by` (`ecs
   * run-task`) only label the change for a person who later opens it; no API compares or acts on the
   * text, and no runbook step reads it back (none lists tasks by `--started-by`). Where the API
   * requires it (`disable-stage-transition --reason`), dropping it counts.
   */
  FREE_TEXT_DROPPED = 'optional free-text annotation dropped',
}

/** The class of equivalent mutants a mutation belongs to, or undefined (it counts). */
export function equivalence(m: Mutation): Equivalence | undefined {
  if (m.kind === MutationKind.ARGUMENT_DROPPED) return droppedAnnotation(m) ? Equivalence.FREE_TEXT_DROPPED : undefined;
  if (m.kind !== MutationKind.ENUM_MISSPELLED) return undefined;
  let i = 0;
  while (m.before[i] === m.after[i]) i++;
  const prefix = m.before.slice(0, i);
  const echo = /echo "([^"]*)$/.exec(prefix);
  if (echo) {
    const text = m.before.slice(prefix.length - echo[1].length).split('"')[0];
    return /\b(aws|kubectl|git|gh|pulumi) [a-z]/.test(text) ? undefined : Equivalence.FREE_TEXT;
  }
  return /(--(reason|description|title|body) ("[^"]*|'[^']*)|summary=[^,"]*|\$\{\w+:\?[^}]*)$/.test(prefix)
    ? Equivalence.FREE_TEXT
    : undefined;
}

/** Applies a mutation to the markdown. */
export function apply(markdown: string, m: Mutation): string {
  const lines = markdown.split('\n');
  lines[m.line] = m.after;
  return lines.join('\n');
}

/** A seeded sample (mulberry32), the same every run for a seed. */
export function sample<T>(items: readonly T[], n: number, seed: number): T[] {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, Math.min(n, copy.length));
}

/** The heading of the section a line belongs to. */
export function sectionOf(markdown: string, line: number): string {
  const lines = markdown.split('\n');
  for (let i = line; i >= 0; i--) {
    const h = /^#{2,3} (.+)$/.exec(lines[i]);
    if (h) return h[1];
  }
  return '';
}

/** Whether a dropped argument is an optional `--description`/`--reason` of the aws command it belongs to. */
function droppedAnnotation(m: Mutation): boolean {
  let i = 0;
  while (m.before[i] === m.after[i]) i++;
  // The common prefix may run into the next option's dashes: the dropped text starts at its option.
  i = m.before.lastIndexOf(' --', i);
  const dropped = m.before.slice(i, i + m.before.length - m.after.length);
  const option = /^ ?(--description|--reason|--started-by)\b/.exec(dropped)?.[1];
  if (!option) return false;
  const command = /aws ([a-z0-9-]+) ([a-z0-9-]+)[^|;&()]*$/.exec(m.before.slice(0, i));
  const model = command ? serviceModel(command[1])?.get(command[2]) : undefined;
  return model !== undefined && model.options.has(option) && !model.required.includes(option);
}
