import type { DetectionReport } from '../plan/detection/detection-plan';
import { DETECTION_TARGET } from '../plan/detection/choose-argo-gate';
import { describeGate, formatProbability, formatRate } from '../plan/detection/detection-table';
import { table } from './private/markdown';

/**
 * The rollout section's per-step detection table, from the same model `glidepath check` prints
 * (lib/plan/detection): per step, the probability that a regression of the rollback trigger's size
 * starting with the step is caught before it ends (at peak and at the quietest declared traffic),
 * the probability that a healthy release is rolled back during the step, and the lowest traffic at
 * which the step still reaches the detection target. Empty without a report.
 */
export function detectionSection(report: DetectionReport | undefined): string[] {
  if (!report) return [];
  const ratio = Number((report.regressionErrorRatio / report.baselineErrorRatio).toFixed(2));
  const regression = `a ${ratio}× regression (${Number((100 * report.regressionErrorRatio).toPrecision(4))}% errors against a ${Number((100 * report.baselineErrorRatio).toPrecision(4))}% baseline)`;
  const target = formatProbability(DETECTION_TARGET);
  const judged = report.steps.filter((s) => s.quiet !== undefined);
  if (judged.length === 0) return [];
  const [peak, quiet] = [formatRate(report.peakRequestsPerSecond), formatRate(report.quietRequestsPerSecond)];
  return [
    `How well each step judges the new version (the model \`glidepath check\` prints): the chance that ${regression} starting with the step is caught before the step ends, at the peak (${peak}) and the quietest (${quiet}) ${report.trafficDeclared ? 'declared' : 'default (undeclared)'} traffic; the chance that a healthy release is rolled back during the step by stray errors at the quietest traffic; and the lowest traffic at which the step is still caught with ${target} probability. The gate: ${describeGate(report).replace(/^[a-z ]+: /, '')}.`,
    '',
    table(
      ['Stage', 'Traffic', 'Bake', `Caught at ${peak}`, `Caught at ${quiet}`, 'Healthy rolled back', `Lowest traffic for ${target}`],
      report.steps.map((s) => [
        s.name,
        `${s.trafficPercent}%`,
        s.bake.toString(),
        formatProbability(s.peak),
        formatProbability(s.quiet),
        formatProbability(s.falseRollbackQuiet),
        s.quiet === undefined ? '-' : s.lowestRate === undefined ? 'none up to 1,000× the quietest' : formatRate(s.lowestRate),
      ]),
    ),
    '',
    `Over the whole release a healthy version is rolled back with ${formatProbability(report.falseRollback.peak)} probability at peak and ${formatProbability(report.falseRollback.quiet)} at the quietest traffic; with one 30-second burst in which every request fails, ${formatProbability(report.burstRollback.peak)} and ${formatProbability(report.burstRollback.quiet)}.${judged.some((s) => (s.quiet ?? 0) < DETECTION_TARGET) ? ` A step below ${target} at the quietest traffic may end before a regression is caught: watch the dashboard through it, or release when traffic is above its lowest traffic.` : ''}`,
    '',
  ];
}
