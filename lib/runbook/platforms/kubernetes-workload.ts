import { Duration } from '../../model/duration';
import { RolloutStrategy } from '../../model/rollout';
import type { ArgoRolloutPlan } from '../../plan/rollout/argo-schedule';
import type { CompiledSchedule } from '../../plan/rollout/schedule';
import { timeBound, type TimeBound } from '../../plan/timing';
import type { RollbackLevelFact, RunbookCommand, RunbookFacts } from '../facts';
import type { Capacity } from '../../model/environment';
import type { RolloutTarget } from '../../plan/rollout/argo-schedule';
import { ARGO_ABORT_ESTIMATE } from '../../plan/argo-bounds';
import { PROGRESS_DEADLINE_SECONDS, ROLLBACK_WINDOW_REVISIONS } from '../../plan/kubernetes/workload-shape';

/** What the runbook reads of the rollback analysis (`RollbackAnalysis` in constructs/k8s). */
export interface WorkloadAnalysisFacts {
  /** Name of the error-rate AnalysisTemplate. */
  readonly templateName: string;
  /** Name of the pre-promotion health template, when there is one. */
  readonly healthTemplateName?: string;
  /** Failed measurements tolerated before the analysis fails. */
  readonly failureLimit: number;
  /** The detect bound's parts, as the scenario tests measure them. */
  bounds(): { readonly parts: readonly { readonly what: string; readonly duration: Duration }[] };
}

/** What the workload's runbook reads of `ProgressiveWorkloadProps` (a narrow input, not the construct's props). */
export interface WorkloadRunbookSettings {
  readonly namespace: string;
  readonly capacity: Capacity;
  readonly rollout: RolloutTarget;
  readonly analysis?: WorkloadAnalysisFacts;
  /** Secrets the pods read as environment variables. */
  readonly secretEnvironment?: readonly { readonly envVar: string; readonly secretName: string; readonly key: string }[];
  readonly configurationRollbackBudget?: Duration;
}

export { PROGRESS_DEADLINE_SECONDS, ROLLBACK_WINDOW_REVISIONS };

/** What `WorkloadRunbook` reads of a `ProgressiveWorkload`. */
export interface WorkloadRunbookInput {
  readonly kind: 'Rollout' | 'Deployment';
  readonly name: string;
  readonly serviceName: string;
  readonly testServiceName?: string;
  readonly selectorLabels: Record<string, string>;
  readonly schedule: CompiledSchedule;
  readonly argo?: ArgoRolloutPlan;
  readonly props: WorkloadRunbookSettings;
}

/**
 * The runbook facts of a `ProgressiveWorkload`: how to follow a rollout, the rollback ladder with
 * exact `kubectl` / `kubectl argo rollouts` commands, and what rolls back by itself.
 */
export class WorkloadRunbook {
  private readonly kind: 'Rollout' | 'Deployment';
  private readonly name: string;
  private readonly serviceName: string;
  private readonly testServiceName?: string;
  private readonly selectorLabels: Record<string, string>;
  private readonly schedule: CompiledSchedule;
  private readonly argo?: ArgoRolloutPlan;
  private readonly props: WorkloadRunbookSettings;

  constructor(input: WorkloadRunbookInput) {
    this.kind = input.kind;
    this.name = input.name;
    this.serviceName = input.serviceName;
    this.testServiceName = input.testServiceName;
    this.selectorLabels = input.selectorLabels;
    this.schedule = input.schedule;
    this.argo = input.argo;
    this.props = input.props;
  }

  /** Commands that show the workload's state, for alert diagnosis. */
  public diagnosisCommands(): RunbookCommand[] {
    const { namespace } = this.props;
    const status: RunbookCommand =
      this.kind === 'Rollout'
        ? {
            description: 'Show the rollout: revisions, step, weights, analysis',
            command: `kubectl argo rollouts get rollout ${this.name} -n ${namespace}`,
            expected: 'Status "Healthy"',
          }
        : {
            description: 'Show the deployment and its pods',
            command: `kubectl -n ${namespace} get deployment,pods -l ${selectorText(this.selectorLabels)} -o wide`,
            expected: 'READY equal to the desired count',
          };
    return [
      status,
      {
        description: 'Recent logs of every pod',
        command: `kubectl -n ${namespace} logs -l ${selectorText(this.selectorLabels)} --all-containers --prefix --since=15m --tail=200`,
      },
      {
        description: 'Recent events in the namespace (probes failing, OOM kills, scheduling)',
        command: `kubectl -n ${namespace} get events --sort-by=.lastTimestamp`,
      },
    ];
  }

  /** Everything but the resources, which the construct lists. */
  public facts(): RunbookFacts {
    return {
      rollout: { schedule: this.schedule, summary: this.summary() },
      deploy: this.deployCommands(),
      rollback: this.rollbackLevels(),
      automaticRollback: this.automaticRollback(),
      notes: [
        ...(this.argo?.notes ?? []),
        ...((this.props.capacity.scaling?.minCount ?? this.props.capacity.desiredCount) < 2
          ? [
              `${this.kind} ${this.name} can run a single pod: evicting it (node drain, cluster upgrade) interrupts the service; the PodDisruptionBudget allows that so drains do not hang; run at least 2 pods for zero downtime`,
            ]
          : []),
        ...(this.props.secretEnvironment?.length
          ? [
              `to make every pod read a rotated secret now, without waiting for Reloader${this.kind === 'Rollout' ? ' (a restart recreates the pods in place, without the release steps)' : ''}: ${this.restartCommand()}`,
            ]
          : []),
      ],
    };
  }

  private summary(): string {
    const { rollout } = this.props.rollout;
    if (this.kind === 'Deployment') {
      return rollout.strategy === RolloutStrategy.ALL_AT_ONCE
        ? `Deployment ${this.name} recreates its pods: every old pod stops before new ones start, so the service is down during the update.`
        : `Deployment ${this.name} rolls pods with maxSurge ${rollout.rolling.maxSurgePercent}% and maxUnavailable ${rollout.rolling.maxUnavailablePercent}%; new pods take traffic once their readiness probe passes.`;
    }
    const steps = this.schedule.steps.map((s) => `${s.name} ${s.trafficPercent}% for ${s.bake}`).join(', then ');
    const gate = this.props.analysis
      ? ` AnalysisTemplate ${this.props.analysis.templateName} aborts it when the rollback trigger fires.`
      : '';
    return this.argo?.canary
      ? `Rollout ${this.name} shifts traffic through the NGINX canary Ingress: ${steps}.${gate}`
      : `Rollout ${this.name} starts the new version behind Service ${this.testServiceName}, then switches Service ${this.serviceName} to it: ${steps}.${gate}`;
  }

  private deployCommands(): RunbookCommand[] {
    const { namespace } = this.props;
    if (this.kind === 'Deployment') {
      return [
        {
          description: 'Follow the update until every pod runs the new version',
          command: `kubectl -n ${namespace} rollout status deployment/${this.name} --timeout=10m`,
          expected: `deployment "${this.name}" successfully rolled out`,
        },
      ];
    }
    const commands: RunbookCommand[] = [
      {
        description:
          'Show the rollout and its current step (once: `--watch` never returns, and a Paused rollout is neither Healthy nor Degraded; see "Incident: canary paused" when it pauses)',
        command: `kubectl argo rollouts get rollout ${this.name} -n ${namespace}`,
        expected: 'the step and the canary weight; Status "Healthy" once every step passed',
      },
    ];
    if (this.argo?.blueGreen && !this.argo.blueGreen.autoPromotionEnabled) {
      commands.push({
        description: `After checking the new version on Service ${this.testServiceName}, switch user traffic to it`,
        command: `kubectl argo rollouts promote ${this.name} -n ${namespace}`,
        expected: `Service ${this.serviceName} selects the new ReplicaSet`,
      });
    }
    commands.push({
      description: 'Wait until the rollout has finished',
      command: `kubectl argo rollouts status ${this.name} -n ${namespace} --timeout ${Math.ceil(this.schedule.totalBake.toMinutes()) + 15}m`,
      expected: 'Healthy',
    });
    return commands;
  }

  private rollbackLevels(): RollbackLevelFact[] {
    const { namespace } = this.props;
    const budget = this.props.configurationRollbackBudget ?? Duration.minutes(5);
    if (this.kind === 'Deployment') {
      const status: RunbookCommand = {
        description: 'Wait until the previous version runs everywhere',
        command: `kubectl -n ${namespace} rollout status deployment/${this.name} --timeout=10m`,
        expected: `deployment "${this.name}" successfully rolled out`,
      };
      return [
        {
          level: 2,
          title: 'Go back to the previous revision',
          when: 'The latest update (configuration or image) is bad',
          commands: [
            {
              description: 'Roll the Deployment back one revision',
              command: `kubectl -n ${namespace} rollout undo deployment/${this.name}`,
            },
          ],
          verify: [status],
        },
        {
          level: 3,
          title: 'Redeploy an older revision',
          when: 'The previous revision is bad too, or the fault is older',
          commands: [
            {
              description: 'List revisions',
              command: `kubectl -n ${namespace} rollout history deployment/${this.name}`,
            },
            this.twoBackCommand('deployment.kubernetes.io/revision'),
            {
              description: 'Roll back to that revision',
              command: `kubectl -n ${namespace} rollout undo deployment/${this.name} --to-revision="\${REVISION:?set REVISION to the revision number from the history}"`,
            },
          ],
          verify: [status],
        },
      ];
    }
    const abort = this.abortBound(budget);
    const undo = this.undoBound(budget);
    // The wait must outlast the slower of the two, with room for a slow image pull.
    const waitMinutes = Math.ceil(Math.max(abort?.total.toMinutes() ?? 0, undo.total.toMinutes())) + 5;
    const status: RunbookCommand = {
      description: `Check that the stable version serves all traffic (waits up to ${waitMinutes}m, longer than the bounds above)`,
      command: `kubectl argo rollouts status ${this.name} -n ${namespace} --timeout ${waitMinutes}m`,
      expected: 'Healthy (after undo) or Degraded with RolloutAborted (after abort): both mean the stable version has all traffic',
    };
    const fullWait = Math.ceil(this.schedule.totalBake.toMinutes()) + 15;
    return [
      {
        level: 2,
        title: 'Abort the rollout or undo the last one',
        when: `A rollout is in progress and the new version misbehaves (abort), or one finished and the new version is bad (undo: the previous ${ROLLBACK_WINDOW_REVISIONS - 1} revisions are inside the Rollout's rollbackWindow, so undo skips the steps and the analysis)`,
        commands: [
          {
            description: 'During a rollout: send all traffic back to the stable version',
            command: `kubectl argo rollouts abort ${this.name} -n ${namespace}`,
          },
          {
            description: `After a rollout: go back to the previous revision at once (within the rollbackWindow; bound ${undo.total}: ${undo.parts.map((p) => `${p.what} ${p.duration}`).join(' + ')})`,
            command: `kubectl argo rollouts undo ${this.name} -n ${namespace}`,
          },
        ],
        verify: [status],
        bound: abort ?? undo,
        afterwards: UNDO_OWNS_TEMPLATE,
      },
      {
        level: 3,
        title: 'Redeploy an older revision at once',
        when: `The previous revision is bad too, or the fault is older than the rollbackWindow (${ROLLBACK_WINDOW_REVISIONS} revisions): an undo beyond it replays every step (${this.schedule.totalBake} of bakes) unless promoted`,
        commands: [
          {
            description: 'List revisions',
            command: `kubectl argo rollouts get rollout ${this.name} -n ${namespace}`,
          },
          this.twoBackCommand('rollout.argoproj.io/revision'),
          {
            description: 'Roll back to that revision',
            command: `kubectl argo rollouts undo ${this.name} -n ${namespace} --to-revision="\${REVISION:?set REVISION to the revision number shown above}"`,
          },
          {
            description: `Skip the remaining steps (${this.schedule.totalBake} of bakes) and send all traffic to it`,
            command: `kubectl argo rollouts promote ${this.name} -n ${namespace} --full`,
          },
        ],
        verify: [
          status,
          {
            description: `If you did not promote: wait for every step (waits up to ${fullWait}m, the ${this.schedule.totalBake} of bakes plus 15m)`,
            command: `kubectl argo rollouts status ${this.name} -n ${namespace} --timeout ${fullWait}m`,
            expected: 'Healthy',
          },
        ],
        afterwards: UNDO_OWNS_TEMPLATE,
      },
    ];
  }

  /** Undo to a revision inside the rollbackWindow: the previous pods start and take all traffic, no steps. */
  private undoBound(budget: Duration): TimeBound {
    return timeBound(
      [
        {
          what: 'pods of the previous revision start and pass readiness (estimate; the startup probe allows up to 5m)',
          duration: Duration.minutes(1),
        },
        {
          what: this.argo?.canary
            ? 'Argo Rollouts sets the weight to 100% for them (estimate)'
            : 'Argo Rollouts switches the active Service to them (estimate)',
          duration: ARGO_ABORT_ESTIMATE,
        },
      ],
      budget,
    );
  }

  private automaticRollback(): string {
    const analysis = this.props.analysis;
    if (this.kind === 'Deployment') {
      return `none: a Deployment does not roll back by itself; pods that fail their readiness probe get no traffic, maxUnavailable keeps old pods serving, and after ${PROGRESS_DEADLINE_SECONDS}s without progress the rollout is only marked failed`;
    }
    if (!analysis) {
      return `Argo Rollouts aborts (all traffic back to the stable version) when the new pods make no progress for ${PROGRESS_DEADLINE_SECONDS}s; no analysis is attached`;
    }
    const failures = analysis.failureLimit + 1;
    const when = `${failures} measurement${failures > 1 ? 's' : ''} of AnalysisTemplate ${analysis.templateName} fail${failures > 1 ? '' : 's'}, or the new pods make no progress for ${PROGRESS_DEADLINE_SECONDS}s`;
    return this.argo?.canary
      ? `Argo Rollouts aborts the canary and sends all traffic back to the stable version when ${when}`
      : `Argo Rollouts ${analysis.healthTemplateName ? `keeps the active Service on the old version when ${analysis.healthTemplateName} fails before promotion, and ` : ''}switches the active Service back when ${when} after promotion (within the ${this.schedule.steps[this.schedule.steps.length - 1]?.bake} the old version is kept)`;
  }

  private abortBound(budget: Duration): TimeBound | undefined {
    const analysis = this.props.analysis;
    if (!analysis) {
      return undefined;
    }
    // The same detect bound the scenario tests measure (constructs/k8s/release-bounds.ts).
    const b = analysis.bounds();
    return timeBound(
      [
        ...b.parts.slice(0, -1),
        {
          what: this.argo?.canary
            ? 'Argo Rollouts sets the canary weight to 0 (estimate)'
            : 'Argo Rollouts switches the active Service back to the previous version (estimate)',
          duration: ARGO_ABORT_ESTIMATE,
        },
      ],
      budget,
    );
  }

  /**
   * Sets REVISION to the revision two back (the one before the previous, which level 3 is for),
   * read from the ReplicaSets' revision annotation, and prints it; set it by hand to go further.
   */
  private twoBackCommand(annotation: string): RunbookCommand {
    const key = annotation.replace(/\./g, '\\.');
    return {
      description:
        'Set REVISION to the revision before the previous one and show it (to go further back, set REVISION to a number from the list)',
      command: `REVISION="$(kubectl -n ${this.props.namespace} get replicasets -l ${selectorText(this.selectorLabels)} -o jsonpath='{range .items[*]}{.metadata.annotations.${key}}{"\\n"}{end}' | sort -n | tail -n 3 | head -n 1)"; echo "REVISION=$REVISION"`,
      expected: 'REVISION=<number>, two below the newest revision',
    };
  }

  private restartCommand(): string {
    return this.kind === 'Rollout'
      ? `kubectl argo rollouts restart ${this.name} -n ${this.props.namespace}`
      : `kubectl -n ${this.props.namespace} rollout restart deployment/${this.name}`;
  }
}

function selectorText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** After an undo the plugin owns the pod template; what the next release has to do about it. */
const UNDO_OWNS_TEMPLATE =
  "an undo patches the Rollout's pod template as field manager kubectl-argo-rollouts, so the next release's kubectl apply --server-side reports conflicts on spec.template fields with that manager: check that they are only those, then apply that release with --force-conflicts added (the manifest holds no controller-owned fields, such as the Services' selectors, so this takes back only the pod template). An abort needs none of this.";
