/*
 * What the Job controller does when one of a Job's pods fails, from
 * https://kubernetes.io/docs/concepts/workloads/controllers/job/ ("Pod backoff failure policy",
 * "Pod failure policy", "Handling Pod failures"): rules of spec.podFailurePolicy are checked in
 * order and the first whose onExitCodes or onPodConditions match decides — FailJob fails the Job,
 * Ignore does not count the failure against backoffLimit (a replacement pod is created), Count
 * counts it; without a matching rule the failure counts. The Job fails once the counted failures
 * exceed backoffLimit. A pod evicted by a node drain gets the condition DisruptionTarget=True.
 */

/** A failed pod as the Job controller sees it. */
export interface FailedPod {
  readonly exitCode?: number;
  readonly conditions: readonly { readonly type: string; readonly status: string }[];
}

/** What happens to the Job after a pod failure. */
export type JobOutcome = 'Failed' | 'replaced';

/** The Job's state after `failures` (in order), from its spec. */
export function jobAfterFailures(spec: Record<string, any>, failures: readonly FailedPod[]): JobOutcome {
  let counted = 0;
  for (const pod of failures) {
    const rule = (spec.podFailurePolicy?.rules ?? []).find(
      (r: Record<string, any>) =>
        (r.onPodConditions ?? []).some((c: Record<string, string>) =>
          pod.conditions.some((pc) => pc.type === c.type && pc.status === (c.status ?? 'True')),
        ) ||
        (r.onExitCodes !== undefined &&
          pod.exitCode !== undefined &&
          (r.onExitCodes.operator === 'In') === r.onExitCodes.values.includes(pod.exitCode)),
    );
    const action = rule?.action ?? 'Count';
    if (action === 'FailJob') return 'Failed';
    if (action === 'Count') counted++;
    if (counted > (spec.backoffLimit ?? 6)) return 'Failed';
  }
  return 'replaced';
}

/** A pod evicted by `kubectl drain` (the eviction API sets DisruptionTarget). */
export const EVICTED: FailedPod = { conditions: [{ type: 'DisruptionTarget', status: 'True' }] };
/** A migration that exited with an error. */
export const EXITED_1: FailedPod = { exitCode: 1, conditions: [] };
