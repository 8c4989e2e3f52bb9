import { Construct } from 'constructs';
import type { SmokeTests } from '../../lib/model/smoke-tests';
import { describeChecks, smokeTestsFileName } from '../../lib/smoke/file';
import { platformSmokeTests, worstCaseMs, type PlatformSmokeTests } from '../../lib/smoke/inline';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { KubeArgoAnalysisTemplate } from './private/crds';
import { HELPER_SECURITY_CONTEXT, NODE_IMAGE, smokeScript } from './private/node-scripts';

/** Props of `SmokeTestAnalysis`. */
export interface SmokeTestAnalysisProps {
  /** Name of the AnalysisTemplate, e.g. `checkout-smoke-tests`. */
  readonly name: string;
  /** Namespace of the objects. */
  readonly namespace: string;
  /** The checks (a definition's `smokeTests`). */
  readonly tests: SmokeTests;
  /** The Service that reaches the new version (the preview or canary Service), port 80. */
  readonly serviceName: string;
  /** Service name of the definition, for the runbook's `--config` file. */
  readonly service: string;
}

/**
 * The smoke tests as an Argo Rollouts `AnalysisTemplate` with a Job metric: a Job runs the checks
 * (the same `runSmokeCheck` as `glidepath smoke-test`, in `node:24-alpine`) against the preview
 * or canary Service; a failed Job fails the analysis, and Argo Rollouts aborts the rollout. Use it
 * as blue-green `prePromotionAnalysis` or as a canary analysis step.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/analysis/job/
 */
export class SmokeTestAnalysis extends Construct implements IRunbookContributor {
  /** Labels of the smoke-test Job and its pods. */
  public static readonly POD_LABELS = (service: string): Record<string, string> => ({
    'app.kubernetes.io/component': 'smoke-tests',
    'app.kubernetes.io/part-of': service,
  });

  /** Name of the AnalysisTemplate. */
  public readonly templateName: string;
  /** The checks the Job runs (credential-needing checks are left out). */
  public readonly checks: PlatformSmokeTests;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SmokeTestAnalysisProps,
  ) {
    super(scope, id);
    this.templateName = props.name;
    this.checks = platformSmokeTests(props.tests);
    if (this.checks.checks.length === 0) {
      throw new Error(
        `smokeTests.checks: every check of ${props.name} needs a credential header (${this.checks.skipped.join(', ')}); add a check without credentials (e.g. the health check)`,
      );
    }
    const baseUrl = `http://${props.serviceName}.${props.namespace}.svc.cluster.local`;
    const deadline = Math.ceil(worstCaseMs(this.checks) / 1000) + 60;
    new KubeArgoAnalysisTemplate(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        metrics: [
          {
            name: 'smoke-tests',
            failureLimit: 0,
            provider: {
              job: {
                metadata: { labels: SmokeTestAnalysis.POD_LABELS(props.service) },
                spec: {
                  backoffLimit: 0,
                  activeDeadlineSeconds: deadline,
                  template: {
                    // Argo copies only the pod template's labels onto the Job's pods: the runbook's
                    // `kubectl logs -l app.kubernetes.io/component=smoke-tests` selects them.
                    metadata: { labels: SmokeTestAnalysis.POD_LABELS(props.service) },
                    spec: {
                      restartPolicy: 'Never',
                      automountServiceAccountToken: false,
                      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
                      containers: [
                        {
                          name: 'smoke-tests',
                          image: NODE_IMAGE,
                          command: ['node', '-e', smokeScript()],
                          env: [
                            { name: 'BASE_URL', value: baseUrl },
                            { name: 'SMOKE_TESTS', value: JSON.stringify({ checks: this.checks.checks, settings: this.checks.settings }) },
                          ],
                          // Plain strings: the AnalysisTemplate is an untyped object, and a cdk8s
                          // Quantity would be written as {value: …}, which the controller cannot decode.
                          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
                          securityContext: HELPER_SECURITY_CONTEXT,
                        },
                      ],
                    },
                  },
                },
              },
            },
          },
        ],
      },
    });
  }

  public runbookFacts(): RunbookFacts {
    const ns = this.props.namespace;
    return {
      smoke: [
        {
          description: `Automatic: Argo Rollouts runs the smoke tests (${describeChecks(this.props.tests)}) as a Job against Service ${this.props.serviceName} before the new version gets production traffic; a failure aborts the rollout. Read the last run`,
          command: `kubectl -n ${ns} logs -l app.kubernetes.io/component=smoke-tests --tail=50`,
          expected: 'one JSON line per check with "passed": true, then "all N smoke tests passed"',
        },
        {
          description: 'Run them by hand through a port-forward to the same Service',
          command: `kubectl -n ${ns} port-forward svc/${this.props.serviceName} 18080:80 >/dev/null & PF=$!; sleep 3; npx glidepath smoke-test --url http://127.0.0.1:18080 --config ${smokeTestsFileName(this.props.service)}; kill "$PF"`,
          expected: 'every check PASS and exit code 0',
        },
      ],
      notes:
        this.checks.skipped.length > 0
          ? [
              `smoke checks ${this.checks.skipped.join(', ')} need credentials from the environment, so they run only with glidepath smoke-test, not in the ${this.templateName} analysis`,
            ]
          : [],
      resources: [{ type: 'argoproj.io/AnalysisTemplate', name: this.templateName }],
    };
  }
}
