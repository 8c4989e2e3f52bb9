import { synthesizeKubernetes } from '../../../constructs/k8s';
import { withKubectlContext } from '../../../constructs/k8s/private/kubectl-context';
import { bashSyntaxError, commandsOf, containerService } from '../helpers';

const CONTEXT = 'arn:aws:eks:eu-west-1:111111111111:cluster/prod';

describe('kubectl context in runbook commands', () => {
  test('kubectl gets --context first; the Argo Rollouts plugin after its name', () => {
    expect(withKubectlContext('kubectl -n shop-prod get pods', CONTEXT)).toBe(`kubectl --context ${CONTEXT} -n shop-prod get pods`);
    expect(withKubectlContext('kubectl argo rollouts undo shop -n shop-prod', CONTEXT)).toBe(
      `kubectl argo rollouts --context ${CONTEXT} undo shop -n shop-prod`,
    );
    expect(withKubectlContext("echo '{}' | kubectl apply --server-side -f -", CONTEXT)).toBe(
      `echo '{}' | kubectl --context ${CONTEXT} apply --server-side -f -`,
    );
  });

  // Before: no way to say which cluster; every command ran against the current context.
  test('kubernetes.context names the cluster in every kubectl command of the runbook', () => {
    const definition = containerService([{ name: 'prod', region: 'eu-west-1', rollout: { strategy: 'canary' } }], {
      kubernetes: { context: CONTEXT },
      featureFlags: [{ name: 'new-search', description: 'New search', enabled: true }],
    });
    const { facts } = synthesizeKubernetes(definition, 'prod');
    const kubectl = commandsOf(facts).filter((c) => /\bkubectl\b/.test(c));
    expect(kubectl.length).toBeGreaterThan(5);
    for (const c of kubectl) {
      expect([c, (c.match(/\bkubectl\b/g) ?? []).length]).toEqual([
        c,
        (c.match(/--context arn:aws:eks:eu-west-1:111111111111:cluster\/prod /g) ?? []).length,
      ]);
      expect(bashSyntaxError(c)).toBeUndefined();
    }
  });

  test('without it, commands are unchanged', () => {
    const { facts } = synthesizeKubernetes(containerService([{ name: 'prod', rollout: { strategy: 'canary' } }]), 'prod');
    expect(commandsOf(facts).some((c) => c.includes('--context'))).toBe(false);
  });
});
