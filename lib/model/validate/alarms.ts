import type { AlarmPolicy, Evaluation } from '../alarm-policy';
import type { Duration } from '../duration';
import type { EnvironmentInput } from '../environment';
import { problem, type Problem } from '../problems';
import type { EnvironmentPath } from './checkable';
import { ONE_DAY_SECONDS } from './common';

/** CloudWatch accepts these periods, plus any multiple of 60 seconds. */
function isValidPeriod(period: Duration): boolean {
  const s = period.toSeconds();
  return s === 10 || s === 30 || (s >= 60 && s % 60 === 0);
}

/** Refuses CloudWatch evaluation settings CloudWatch rejects. */
function checkEvaluation(evaluation: Evaluation, at: PropertyKey[], problems: Problem[]): void {
  if (!isValidPeriod(evaluation.period)) {
    problems.push(problem([...at, 'period'], evaluation.period.toString(), 'CloudWatch periods are 10s, 30s or a whole number of minutes'));
  }
  const window = evaluation.period.toSeconds() * evaluation.evaluationPeriods;
  if (isValidPeriod(evaluation.period) && window > ONE_DAY_SECONDS) {
    problems.push(
      problem(
        [...at, 'evaluationPeriods'],
        evaluation.evaluationPeriods,
        `${evaluation.evaluationPeriods} periods of ${evaluation.period} span more than one day, which CloudWatch refuses; use fewer periods or a shorter period`,
      ),
    );
  }
  if (evaluation.datapointsToAlarm > evaluation.evaluationPeriods) {
    problems.push(
      problem(
        [...at, 'datapointsToAlarm'],
        evaluation.datapointsToAlarm,
        `it must not exceed evaluationPeriods (${evaluation.evaluationPeriods})`,
      ),
    );
  }
}

/** Refuses alarm policies that are off in production or whose warnings fire after the critical alarm. */
export function checkAlarms(
  alarms: AlarmPolicy,
  env: EnvironmentInput,
  at: EnvironmentPath,
  production: boolean,
  problems: Problem[],
): void {
  // Report the field where the user wrote the value: the environment's override if any, else the service's.
  const where = (...rest: string[]): PropertyKey[] => {
    let envValue: unknown = env.alarms;
    for (const key of rest) envValue = (envValue as Record<string, unknown> | undefined)?.[key];
    return envValue !== undefined ? at('alarms', ...rest) : ['alarms', ...rest];
  };
  if (production && !alarms.enabled) {
    problems.push(problem(where('enabled'), false, `production environment "${env.name}" must have alarms; remove "enabled: false"`));
  }
  if (alarms.warning.errorRatePercent >= alarms.critical.errorRatePercent) {
    problems.push(
      problem(
        where('warning', 'errorRatePercent'),
        alarms.warning.errorRatePercent,
        `a warning must fire before the critical alarm; make it lower than critical.errorRatePercent (${alarms.critical.errorRatePercent})`,
      ),
    );
  }
  if (alarms.warning.p95LatencyMs >= alarms.critical.p99LatencyMs) {
    problems.push(
      problem(
        where('warning', 'p95LatencyMs'),
        alarms.warning.p95LatencyMs,
        `a warning must fire before the critical alarm; make it lower than critical.p99LatencyMs (${alarms.critical.p99LatencyMs})`,
      ),
    );
  }
  if (alarms.rollbackTrigger.errorRatePercent > 100) {
    problems.push(
      problem(
        where('rollbackTrigger', 'errorRateMultiplier'),
        alarms.rollbackTrigger.errorRateMultiplier,
        `baseline ${alarms.rollbackTrigger.baselineErrorRatePercent}% × ${alarms.rollbackTrigger.errorRateMultiplier} is above 100%; lower the multiplier or the baseline`,
      ),
    );
  }
  checkEvaluation(alarms.evaluation, where('evaluation'), problems);
  checkEvaluation(alarms.rollbackTrigger.evaluation, where('rollbackTrigger', 'evaluation'), problems);
}
