import { rollbackTriggerAlarm } from '../../plan/alarm-catalogue';
import {
  rollbackAnalysisBounds,
  type RollbackAnalysisNumbers,
  type RollbackAnalysisSettings,
} from '../../plan/kubernetes/rollback-analysis';
import { plain } from '../../plan/kubernetes/units';
import { anchorOf } from '../anchors';
import { AlarmSeverity, type RunbookFacts } from '../facts';

/** The rollback analysis in the runbook: the alarm it stands for on Kubernetes, and its templates. */
export function rollbackAnalysisRunbookFacts(settings: RollbackAnalysisSettings, numbers: RollbackAnalysisNumbers): RunbookFacts {
  const { namespace, rolloutName } = settings;
  const bounds = rollbackAnalysisBounds(numbers);
  const ns = `kubectl -n ${namespace}`;
  const failures = numbers.failureLimit + 1;
  const trigger = rollbackTriggerAlarm(settings.rollbackTrigger);
  return {
    alarms: [
      {
        anchor: anchorOf(`${namespace}-rollback-error-rate`),
        name: numbers.templateName,
        severity: AlarmSeverity.ROLLBACK,
        condition: `the new version's 5xx ratio at or above ${plain(100 * numbers.thresholdRatio)}% (the rollback trigger is ${trigger.threshold}%: ${numbers.baseline.errorRatePercent}% baseline × ${numbers.baseline.multiplier}), counted by its own metrics${settings.ingressCanaryUpstream ? ' and by the ingress controller (its 502/504 for the canary included)' : ''} over the last ${numbers.window} once it served ${numbers.minimumRequests} requests${numbers.lostTrafficRequests !== undefined ? `, or no request at all reaching it while the stable version served ${numbers.lostTrafficRequests} (lost traffic)` : ''}; ${settings.stableLookback ? `or at or above ${numbers.baseline.multiplier} × the previous version's ratio over its last ${settings.stableLookback} of traffic (it serves nothing after the switch; both need ${numbers.minimumRequests} requests);` : `or higher than the stable version's with 95% confidence over the release (z ≥ ${numbers.comparisonZ});`} or its p99 latency at or above ${settings.p99LatencyMs} ms; in ${failures} measurement${failures > 1 ? 's' : ''}, one every ${numbers.interval}; detected within ${bounds.detect}, aborted within about ${bounds.abort} (AnalysisTemplate ${namespace}/${numbers.templateName})`,
        missingData: `inconclusive: a window with fewer than ${numbers.minimumRequests} requests to the new version is not judged${numbers.lostTrafficRequests !== undefined ? ' (unless the stable version served enough to call it lost traffic, which fails)' : ''}; after ${numbers.inconclusiveLimit + 1} such measurement${numbers.inconclusiveLimit > 0 ? 's' : ''} the rollout pauses for a human (it neither passes nor aborts); ${numbers.consecutiveErrorLimit + 1} consecutive query errors (Prometheus unreachable for about ${(numbers.consecutiveErrorLimit + 1) * 10} s) end the analysis in Error and abort`,
        notifies: `Rollout ${namespace}/${rolloutName} (aborts by itself)`,
        meaning: `${trigger.meaning} Here the analysis also fails a version that answers slower than the critical p99 or errs ${numbers.baseline.multiplier}× more than the stable version; Argo Rollouts aborts the rollout and sends all traffic back to the stable version.`,
        impact: trigger.impact,
        diagnosis: [
          {
            description: 'Show the rollout, its steps and the failed analysis',
            command: `kubectl argo rollouts get rollout ${rolloutName} -n ${namespace}`,
            expected: 'Status "Degraded" with "RolloutAborted" and the failed AnalysisRun',
          },
          {
            description: 'Show the measurements of the latest analysis run',
            command: `${ns} describe "$(${ns} get analysisruns --sort-by=.metadata.creationTimestamp -o name | tail -n 1)"`,
            expected: 'the measurements that failed, with their values',
          },
        ],
        mitigation: [...trigger.mitigation, 'Fix forward with a new image, or retry the same image only when the cause was external.'],
      },
    ],
    resources: [
      { type: 'argoproj.io/AnalysisTemplate', name: numbers.templateName },
      ...(numbers.healthTemplateName ? [{ type: 'argoproj.io/AnalysisTemplate', name: numbers.healthTemplateName }] : []),
    ],
  };
}
