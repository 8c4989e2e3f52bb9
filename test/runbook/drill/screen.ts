/**
 * What the reader sees: the oracle for read-only diagnostics. A diagnostic command exists so the
 * on-call engineer SEES something at 3 a.m.; it changes nothing a world check could catch. So the
 * drill judges what each diagnostic printed to the section's own stdout (not a `$(…)` capture):
 *
 * - it fits a screen: at most {@link SCREEN_ROWS} rows of {@link SCREEN_COLUMNS} columns (a laptop
 *   terminal at a readable font size), so the answer is not scrolled away by a flood;
 * - where the step's "Expect:" promises lines or values (every Expect but one that names or quotes
 *   JSON), it is plain text: no line of JSON punctuation, no quoted strings; "Expect: nothing" is
 *   no output at all;
 * - the evidence the incident left in what the command reads (the world plants it: the first error
 *   line in the logs, the transitions to ALARM in an alarm's history) is on the screen.
 *
 * Claims come from the runbook (the step's Expect), values from the world; nothing here compares
 * with what the unmutated runbook printed.
 */

/** Rows of a screen: a 1080p laptop terminal at 14 px shows about 50. */
export const SCREEN_ROWS = 50;
/** Columns of that screen; a longer line wraps onto more rows. */
export const SCREEN_COLUMNS = 200;

/** One call whose output reached the section's stdout. */
export interface Printed {
  readonly argv: readonly string[];
  readonly stdout: string;
}

/** Evidence a world planted: text the reader must see whenever a command prints from `source`. */
export interface Evidence {
  /** Which printed calls read the source (a log group, an alarm's history). */
  readonly reads: (argv: readonly string[]) => boolean;
  /** What the evidence is, for the problem line. */
  readonly what: string;
  /** The sections that are about this incident (an alarm's own, an incident procedure). @default - every section */
  readonly sections?: RegExp;
  /** Each string must appear in the output of those calls. */
  readonly mustShow: readonly string[];
}

/** A numbered step of a section: its text (up to its block) and the commands of its block. */
interface Step {
  readonly text: string;
  readonly lines: readonly string[];
}

/** The numbered steps of a section body, each with the lines of its fenced bash block(s). */
function stepsOf(body: string): Step[] {
  const steps: { text: string; lines: string[] }[] = [];
  let inBlock = false;
  for (const line of body.split('\n')) {
    if (/^\s*```/.test(line)) {
      inBlock = !inBlock;
      continue;
    }
    if (inBlock) {
      steps[steps.length - 1]?.lines.push(line);
      continue;
    }
    if (/^\d+\. /.test(line)) steps.push({ text: line, lines: [] });
  }
  return steps;
}

/** The step whose block has the command of a call: the line that shares most of its words. */
function stepOf(steps: readonly Step[], argv: readonly string[]): Step | undefined {
  const head = `aws ${argv[0]} ${argv[1]}`;
  let best: { step: Step; score: number } | undefined;
  for (const step of steps)
    for (const line of step.lines) {
      if (!line.includes(head)) continue;
      const score = argv.filter((a) => line.includes(a)).length;
      if (!best || score > best.score) best = { step, score };
    }
  return best?.step;
}

/** Rows a text takes on the screen. */
export function rows(text: string): number {
  if (text === '') return 0;
  return text
    .replace(/\n$/, '')
    .split('\n')
    .reduce((n, l) => n + Math.max(1, Math.ceil(l.length / SCREEN_COLUMNS)), 0);
}

/** Whether a printed text is JSON rather than plain lines and values. */
function looksLikeJson(text: string): boolean {
  return text.split('\n').some((l) => /^\s*[[\]{}]/.test(l) || /^\s*"/.test(l));
}

/** What is wrong with what a section printed, one line each. */
export function screenProblems(heading: string, sectionBody: string, printed: readonly Printed[], evidence: readonly Evidence[]): string[] {
  const steps = stepsOf(sectionBody);
  const problems: string[] = [];
  for (const p of printed) {
    const command = `aws ${p.argv.slice(0, 2).join(' ')}`;
    const n = rows(p.stdout);
    if (n > SCREEN_ROWS) problems.push(`${command} printed ${n} rows: more than a screen (${SCREEN_ROWS}); the answer scrolls away`);
    const expect = /Expect: (.*)$/.exec(stepOf(steps, p.argv)?.text ?? '')?.[1];
    // "Expect: nothing": a check whose passing answer is no output; the drill's worlds are clean of
    // what these checks look for (no alarm left silenced, no transition left disabled).
    if (expect !== undefined && /^nothing\b/.test(expect.trim()) && p.stdout.trim() !== '')
      problems.push(`${command} printed "${p.stdout.trim().slice(0, 60)}" where its step promises nothing`);
    // A step that promises lines or values, not JSON (named, or quoted as `"key":` or `{…}`).
    if (expect !== undefined && !/JSON|[{}]|"\w+":/.test(expect) && looksLikeJson(p.stdout))
      problems.push(`${command} printed JSON where its step promises "${expect.slice(0, 60)}"`);
  }
  for (const e of evidence.filter((x) => !x.sections || x.sections.test(heading))) {
    const shown = printed.filter((p) => e.reads(p.argv));
    if (shown.length === 0) continue;
    const text = shown.map((p) => p.stdout).join('\n');
    const missing = e.mustShow.filter((s) => !text.includes(s));
    if (missing.length > 0) problems.push(`the reader does not see ${e.what}: ${missing.join(', ').slice(0, 160)}`);
  }
  return problems;
}

/** The body of the `##`/`###` section with this heading (up to the next heading of the same or a higher level). */
export function sectionBody(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^#{2,3} /.test(l) && l.replace(/^#+ /, '') === heading);
  if (start < 0) return '';
  const level = /^#+/.exec(lines[start])![0].length;
  const end = lines.findIndex((l, i) => i > start && new RegExp(`^#{2,${level}} `).test(l));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}
