import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadDefinitionFile } from '../../lib/model';
import { anchorOf } from '../../lib/runbook/anchors';
import { renderRunbook } from '../../lib/runbook/render';
import { synthesizeKubernetes } from '../../constructs/k8s';
import { bashSyntaxErrors, shellcheckFindings, type Manifest } from './helpers';

/*
 * The Kubernetes runbook as on-call reads it: every link an alert carries lands on a section, and
 * every command block runs.
 */
const cases = ['storefront-web', 'checkout']
  .map((name) => path.join(__dirname, '..', '..', 'examples', name, 'definition.yaml'))
  .filter((file) => fs.existsSync(file))
  .flatMap((file) => {
    const definition = loadDefinitionFile(file);
    return definition.environments.map((env) => [`${definition.service}-${env.name}`, definition, env.name] as const);
  });

describe.each(cases)('%s runbook', (_name, definition, environment) => {
  const { manifest, facts } = synthesizeKubernetes(definition, environment);
  const markdown = renderRunbook(facts, { budgets: definition.rollbackBudgets });
  const headings = new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map(([, text]) => anchorOf(text)));

  // Before: the flow claimed "deployment alarm fires → automatic rollback", which no alarm does here.
  test('the flow diagram claims only what Argo Rollouts does: the analysis aborts during a rollout', () => {
    const flow = markdown.slice(markdown.indexOf('```mermaid'), markdown.indexOf('```', markdown.indexOf('```mermaid') + 3));
    expect(flow).not.toContain('alarm fires|');
    if (facts.some((f) => f.automaticRollback?.includes('Argo Rollouts'))) {
      expect(flow).toContain('analysis fails during a rollout| auto["Argo Rollouts aborts: all traffic back to the stable version"]');
    }
  });
  const objects: Manifest[] = parseAllDocuments(manifest).map((d) => d.toJS());

  test('every runbook_url of the PrometheusRule lands on a section', () => {
    const rules = objects.find((o) => o.kind === 'PrometheusRule')!.spec.groups[0].rules;
    for (const rule of rules) {
      const anchor = rule.annotations.runbook_url.split('#')[1];
      expect([rule.alert, headings.has(anchor)]).toEqual([rule.alert, true]);
    }
  });

  test('every bash block parses and passes shellcheck', () => {
    const blocks = [...markdown.matchAll(/```bash\n([\s\S]*?)```/g)].map(([, body]) => body.trim());
    expect(blocks.length).toBeGreaterThan(5);
    const errors = bashSyntaxErrors(blocks);
    blocks.forEach((block, i) => expect([block, errors[i]]).toEqual([block, undefined]));
    const findings = shellcheckFindings(blocks);
    if (findings !== undefined) expect(findings).toBe('');
  });

  test('names the namespace and the workload the commands act on', () => {
    expect(markdown).toContain(`Kubernetes namespace \`${definition.service}-${environment}\``);
    const workload = objects.find((o) => o.kind === 'Rollout' || o.kind === 'Deployment')!;
    expect(markdown).toContain(
      workload.kind === 'Rollout'
        ? `kubectl argo rollouts get rollout ${workload.metadata.name} -n ${definition.service}-${environment}`
        : `deployment/${workload.metadata.name}`,
    );
  });
});
