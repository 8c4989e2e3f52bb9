import type { SmokeTests } from '../../model/smoke-tests';
import { describeChecks, smokeTestsFileName } from '../../smoke/file';
import { platformSmokeTests } from '../../smoke/inline';
import type { RunbookFacts } from '../facts';

/** What the smoke-test analysis' runbook text needs. */
export interface SmokeTestAnalysisRunbookInput {
  /** Name of the AnalysisTemplate. */
  readonly name: string;
  readonly namespace: string;
  /** The checks (a definition's `smokeTests`). */
  readonly tests: SmokeTests;
  /** The Service that reaches the new version. */
  readonly serviceName: string;
  /** Service name of the definition, for the `--config` file. */
  readonly service: string;
}

/** Smoke tests run by Argo Rollouts: how to read the last run and how to run them by hand. */
export function smokeTestAnalysisRunbookFacts(input: SmokeTestAnalysisRunbookInput): RunbookFacts {
  const ns = input.namespace;
  const { skipped } = platformSmokeTests(input.tests);
  return {
    smoke: [
      {
        description: `Automatic: Argo Rollouts runs the smoke tests (${describeChecks(input.tests)}) as a Job against Service ${input.serviceName} before the new version gets production traffic; a failure aborts the rollout. Read the last run`,
        command: `kubectl -n ${ns} logs -l app.kubernetes.io/component=smoke-tests --tail=50`,
        expected: 'one JSON line per check with "passed": true, then "all N smoke tests passed"',
      },
      {
        description: 'Run them by hand through a port-forward to the same Service',
        command: `kubectl -n ${ns} port-forward svc/${input.serviceName} 18080:80 >/dev/null & PF=$!; sleep 3; npx glidepath smoke-test --url http://127.0.0.1:18080 --config ${smokeTestsFileName(input.service)}; kill "$PF"`,
        expected: 'every check PASS and exit code 0',
      },
    ],
    notes:
      skipped.length > 0
        ? [
            `smoke checks ${skipped.join(', ')} need credentials from the environment, so they run only with glidepath smoke-test, not in the ${input.name} analysis`,
          ]
        : [],
    resources: [{ type: 'argoproj.io/AnalysisTemplate', name: input.name }],
  };
}
