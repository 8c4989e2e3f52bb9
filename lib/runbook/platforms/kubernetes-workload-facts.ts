import type { WorkloadIngressOptions } from '../../plan/kubernetes/ingress-options';
import { workloadShape, type WorkloadShape, type WorkloadShapeInput } from '../../plan/kubernetes/workload-shape';
import type { NamedResource, RunbookFacts } from '../facts';
import { WorkloadRunbook, type WorkloadRunbookSettings } from './kubernetes-workload';

/** What the workload's runbook reads (the plain part of `ProgressiveWorkloadProps`). */
export interface ProgressiveWorkloadRunbookInput extends WorkloadRunbookSettings, WorkloadShapeInput {
  /** The Ingress; its `plainHttpReason` is an accepted risk. @default - none */
  readonly ingress?: WorkloadIngressOptions;
}

/** The objects the workload writes, in the order the runbook lists them. */
export function workloadResources(shape: WorkloadShape, input: Pick<ProgressiveWorkloadRunbookInput, 'capacity'>): NamedResource[] {
  const { name } = shape;
  return [
    { type: shape.kind === 'Rollout' ? 'argoproj.io/Rollout' : 'Deployment', name },
    { type: 'ServiceAccount', name },
    { type: 'Service', name: shape.serviceName },
    ...(shape.testServiceName ? [{ type: 'Service', name: shape.testServiceName }] : []),
    { type: 'Ingress', name },
    { type: 'PodDisruptionBudget', name },
    ...(input.capacity.scaling ? [{ type: 'HorizontalPodAutoscaler', name }] : []),
  ];
}

/** The workload's runbook text (rollout, rollback ladder, diagnosis) for a decided shape. */
export function workloadRunbook(input: ProgressiveWorkloadRunbookInput, shape: WorkloadShape = workloadShape(input)): WorkloadRunbook {
  return new WorkloadRunbook({
    kind: shape.kind,
    name: shape.name,
    serviceName: shape.serviceName,
    testServiceName: shape.testServiceName,
    selectorLabels: shape.selectorLabels,
    schedule: shape.schedule,
    argo: shape.argo,
    props: input,
  });
}

/** The workload's part of the runbook: rollout, deploy, rollback levels, accepted risks and its objects. */
export function progressiveWorkloadRunbookFacts(
  input: ProgressiveWorkloadRunbookInput,
  shape: WorkloadShape = workloadShape(input),
): RunbookFacts {
  const reason = input.ingress?.plainHttpReason;
  // Like the AWS listener's acknowledged glidepath-https finding: plain HTTP on purpose is a risk someone accepted.
  const risks = reason
    ? { acceptedRisks: [{ rule: 'glidepath-https', resource: `Ingress ${shape.name}`, reason: `Plain HTTP on purpose: ${reason}` }] }
    : {};
  return { ...workloadRunbook(input, shape).facts(), ...risks, resources: workloadResources(shape, input) };
}
