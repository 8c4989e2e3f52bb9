import type { SmokeRunReport } from './run';

/**
 * A plain-text pass/fail table of a run, aligned for terminals and CI logs, ending with a summary
 * line (`2 of 3 checks passed`).
 */
export function formatSmokeReport(report: SmokeRunReport): string {
  const header = ['Result', 'Check', 'Request', 'Status', 'Latency', 'Attempts', 'Detail'];
  const rows = report.results.map((r) => [
    r.passed ? 'PASS' : 'FAIL',
    r.name,
    `${r.method} ${r.path}`,
    r.status === 0 ? '-' : String(r.status),
    `${r.latencyMs} ms`,
    String(r.attempts),
    r.detail,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const passed = report.results.filter((r) => r.passed).length;
  return [
    `Smoke tests against ${report.baseUrl}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `${passed} of ${report.results.length} checks passed${report.passed ? '' : ': FAILED'}`,
    '',
  ].join('\n');
}
