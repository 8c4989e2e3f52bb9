import { Construct } from 'constructs';
import { smokeTestPodLabels } from '../../lib/plan/kubernetes/smoke-tests';
import type { SmokeTests } from '../../lib/model/smoke-tests';
import { platformSmokeTests, worstCaseMs, type PlatformSmokeTests } from '../../lib/smoke/inline';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { smokeTestAnalysisRunbookFacts } from '../../lib/runbook/platforms/kubernetes-smoke-tests';
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
  public static readonly POD_LABELS = smokeTestPodLabels;

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

  /** The smoke tests' part of the runbook (text in lib/runbook/platforms/kubernetes-smoke-tests.ts). */
  public runbookFacts(): RunbookFacts {
    return smokeTestAnalysisRunbookFacts(this.props);
  }
}
