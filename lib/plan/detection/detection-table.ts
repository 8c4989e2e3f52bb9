import { Backend } from '../rollout/schedule';
import type { DetectionReport } from './detection-plan';

const BACKENDS: Record<Backend, string> = {
  [Backend.ECS]: 'ECS',
  [Backend.LAMBDA_CODEDEPLOY]: 'Lambda + CodeDeploy',
  [Backend.ARGO_ROLLOUTS]: 'Argo Rollouts',
  [Backend.KUBERNETES_DEPLOYMENT]: 'Kubernetes Deployment',
};

/** A probability as people read it: "95%", "99.9%", "<0.1%". */
export function formatProbability(p: number | undefined): string {
  if (p === undefined) return '-';
  if (p > 0 && p < 0.001) return '<0.1%';
  if (p > 0.999 && p < 1) return '>99.9%';
  const pct = 100 * p;
  // Whole percents from 10 % on, except where rounding would print a certainty (99.5 % to 99.9 %).
  return `${(pct >= 10 && Math.round(pct) < 100) || pct === 0 || p === 1 ? Math.round(pct) : pct.toFixed(1)}%`;
}

/** Requests a second, to three significant digits. */
export function formatRate(rps: number): string {
  return `${Number(rps.toPrecision(3))} rps`;
}

/** What the gate judges with, in one line. */
export function describeGate(report: DetectionReport): string {
  const a = report.argoGate;
  if (a) {
    return `analysis: window ${a.windowSeconds}s measured every ${a.intervalSeconds}s, fails at ${a.failureLimit + 1} failed windows, each at ≥ ${Number((100 * a.threshold).toPrecision(4))}% errors from ${a.minimumRequests} requests${a.lostTrafficRequests !== undefined ? `, or no canary request while the stable served ${a.lostTrafficRequests}` : ''}`;
  }
  const c = report.cloudWatchGate!;
  return `rollback alarm: ≥ ${c.thresholdPercent}% errors in ${c.datapointsToAlarm} of ${c.evaluationPeriods} periods of ${c.periodSeconds}s, each version counted from ${c.minimumRequests} requests a period`;
}

/**
 * The per-step table `glidepath check` prints: weight, bake, the probability that a regression of
 * the rollback trigger's size is caught before the step ends at peak and at the quietest traffic,
 * and the risk that a healthy release is rolled back.
 */
export function formatDetectionTable(report: DetectionReport): string {
  const ratio = Number((report.regressionErrorRatio / report.baselineErrorRatio).toFixed(2));
  const head = `${report.label} (${BACKENDS[report.backend]}): detection of a ${ratio}× regression (${Number((100 * report.regressionErrorRatio).toPrecision(4))}% errors) at ${formatRate(report.peakRequestsPerSecond)} peak and ${formatRate(report.quietRequestsPerSecond)} quietest${report.trafficDeclared ? '' : ' (default traffic: declare it)'}`;
  const rows = [['step', 'weight', 'bake', 'caught at peak', 'caught at quietest']];
  for (const s of report.steps) {
    rows.push([s.name, `${s.trafficPercent}%`, String(s.bake), formatProbability(s.peak), formatProbability(s.quiet)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`.trimEnd());
  const f = report.falseRollback;
  const b = report.burstRollback;
  return [
    head,
    `  ${describeGate(report)}`,
    ...lines,
    `  healthy release rolled back: ${formatProbability(f.peak)} at peak, ${formatProbability(f.quiet)} at the quietest; with one 30 s burst of failures: ${formatProbability(b.peak)} / ${formatProbability(b.quiet)}`,
  ].join('\n');
}
