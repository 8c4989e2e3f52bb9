import { Duration } from '../../model/duration';
import { timeBound } from '../../plan/timing';
import type { RunbookCommand } from '../command';
import type { IncidentProcedure } from './incident-procedure';
import { when } from './incidents-ecs';
import { lambdaLevel2, type LambdaRollbackNames } from './lambda-rollback';

/** What the Lambda incident procedures name. */
export interface LambdaIncidentNames extends LambdaRollbackNames {
  /** The health probe function that invokes the live alias each minute, e.g. `payments-api-prod-health-probe`. */
  readonly probeFunction: string;
  /** Its log group, e.g. `/aws/lambda/payments-api-prod-health-probe`. */
  readonly probeLogGroup: string;
  /** The budget of a code-level restore, to compare bounds with. */
  readonly budget: Duration;
}

/**
 * The dead-man's switch on a function: the health probe (the caller, each minute) published no
 * passing probe for the switch's window. In order: what the probe saw (its log); reserved
 * concurrency 0, which throttles every invocation (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html:
 * "reserved concurrency of 0 ... the function is throttled"), restored to the unreserved pool the
 * stack declares; one invocation of the live alias as the probe makes it (a `FunctionError` in a
 * 200 answer is the function failing: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html);
 * the release rolled back (level 2) when the version serving now fails; else the probe or the
 * metric is what broke.
 */
export function lambdaDeadMansSwitch(n: LambdaIncidentNames): IncidentProcedure {
  const { aws, functionName: fn, alias } = n;
  const level2 = lambdaLevel2(n);
  const rollback: RunbookCommand[] = [...level2.commands, ...level2.verify].map((c) => ({
    ...c,
    description: `The live version fails: ${c.description.charAt(0).toLowerCase()}${c.description.slice(1)}`,
    command: when('[ "$FAILING" = yes ]', c.command),
  }));
  return {
    title: "nothing reports (dead-man's switch)",
    when: `the dead-man's switch fires: ${n.probeFunction} published no passing probe of ${fn}:${alias} for its window. Every other alarm may be blind too; treat it as an outage`,
    commands: [
      {
        description: `Read what the probe saw in the last 30 minutes (one JSON line per probe: passed, status, latency or error; no line at all means the probe itself did not run)`,
        command: aws`logs tail ${n.probeLogGroup} --since 30m`,
        expected: '"passed":false lines and why, or nothing',
      },
      {
        description: `Read the reserved concurrency of ${fn}: 0 throttles every invocation (someone switched the function off); the stack reserves none`,
        command: [
          `RESERVED=$(${aws`lambda get-function-concurrency --function-name ${fn} --query ReservedConcurrentExecutions --output text`})`,
          'echo "reserved concurrency: $RESERVED"',
        ].join('\n'),
        expected: 'None (the unreserved pool, as the stack declares), or 0 when throttled',
      },
      {
        description: 'Throttled (0): give the function back the unreserved pool the stack declares',
        command: when('[ "$RESERVED" = 0 ]', aws`lambda delete-function-concurrency --function-name ${fn}`),
        expected: 'no output',
      },
      {
        description: `Invoke the live alias once, as the probe does, and read whether the function failed`,
        command: [
          `read -r STATUS_CODE FUNCTION_ERROR < <(${aws`lambda invoke --function-name ${fn} --qualifier ${alias} --payload '{}' --cli-binary-format raw-in-base64-out --query '[StatusCode,FunctionError]' --output text probe-response.json`})`,
          'FAILING=no; [ "$FUNCTION_ERROR" = None ] || FAILING=yes',
          'echo "status $STATUS_CODE, function error $FUNCTION_ERROR: the live version fails: $FAILING"; cat probe-response.json; echo',
        ].join('\n'),
        expected: '200 and None when the function works; FunctionError (Unhandled) and the error message when it fails',
      },
      ...rollback,
      {
        description: `The function answers: the probe, its schedule or the metric is what broke (every other alarm may be blind until it is fixed)`,
        command: when(
          '[ "$FAILING" = no ]',
          `echo "${fn}:${alias} works: check ${n.probeFunction} (its log above, its every-minute schedule) and the Glidepath/HealthProbe metric"`,
        ),
      },
    ],
    bound: timeBound(
      [
        { what: 'read the probe log, the concurrency and one invocation (allowance)', duration: Duration.minutes(2) },
        { what: 'CodeDeploy moves the alias back (a rollback deployment, allowance)', duration: Duration.minutes(2) },
        { what: 'the next probes pass and publish (1m schedule)', duration: Duration.minutes(1) },
      ],
      n.budget,
    ),
    notes: ['A passing invocation by hand does not clear the alarm: the switch stays in ALARM until the probe publishes again.'],
  };
}
