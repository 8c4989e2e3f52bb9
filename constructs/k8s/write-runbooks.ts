import * as fs from 'node:fs';
import * as path from 'node:path';
import type { App } from 'cdk8s';
import { runbookFileName } from '../../lib/runbook/anchors';
import { collectRunbookFacts } from '../../lib/runbook/facts';
import { renderRunbook } from '../../lib/runbook/render';
import { Target } from '../../lib/targets/target';
import { DeploymentChart } from './deployment-chart';
import { factsWithKubectlContext } from './private/kubectl-context';

/** The runbook of one chart, as `glidepath synth --target k8s` writes it: commands name the chart's kubeconfig context. */
export function chartRunbook(chart: DeploymentChart): string {
  const facts = collectRunbookFacts(chart).map((f) => factsWithKubectlContext(f, chart.environmentDefinition.kubernetes.context));
  return renderRunbook(facts, { budgets: chart.definition.rollbackBudgets });
}

/**
 * Writes the runbook of every `DeploymentChart` in a cdk8s app to `<app.outdir>/runbooks/`, the
 * file each chart's alerts link to (`runbook_url` is `runbooks/<service>-<env>.k8s.md#<alert>`
 * without `runbookBaseUrl`, or that file under it), beside the manifests `app.synth()` wrote.
 * Call it after `app.synth()`. cdk8s has no hook for files besides manifests: `App.synth()`
 * validates, then saves each chart's `toJson()` (cdk8s-core src/app.ts), and `toJson()` also runs
 * for `synthYaml()` and `Testing.synth()`, which must not write files.
 * @returns the paths written
 */
export function writeRunbooks(app: App): string[] {
  // Not `instanceof`: cdk8s's Chart defines Symbol.hasInstance as Chart.isChart, which subclasses
  // inherit, so every Chart of the app (the user's own too) would pass for a DeploymentChart.
  const charts = app.node.findAll().filter((c): c is DeploymentChart => Object.prototype.isPrototypeOf.call(DeploymentChart.prototype, c));
  return charts.map((chart) => {
    const file = path.join(
      app.outdir,
      'runbooks',
      runbookFileName(chart.definition.service, chart.environmentDefinition.name, Target.KUBERNETES),
    );
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, chartRunbook(chart));
    return file;
  });
}
