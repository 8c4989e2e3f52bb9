import { baseDefinition } from '../model/support-definition';
import { validateDefinition } from '../../lib/model';
import { deployLimitProblems } from '../../lib/plan/deploy-limits';

/**
 * The environment variables Lambda sets itself, which CreateFunction refuses in a function's
 * configuration ("Reserved environment variables",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime;
 * aws-cdk-lib's `Function.addEnvironment` guard lists the same 18 keys). `TZ` and `LANG` are listed
 * there as unreserved: a function may set them.
 */
const RESERVED = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
];

test('every variable Lambda reserves is refused at its own field, and the unreserved TZ and LANG are not', () => {
  const d = baseDefinition();
  d.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' } };
  const def = validateDefinition(d);
  // Set after validation: validate refuses AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN earlier, as credentials in plain text.
  const environment = Object.fromEntries([...RESERVED, 'TZ', 'LANG'].map((key) => [key, 'x']));
  const fn = { ...def.workload.function!, environment };
  expect(deployLimitProblems({ ...def, workload: { function: fn } }).map((p) => p.message)).toEqual(
    RESERVED.map(
      (key) =>
        `workload.function.environment.${key} is "${key}"; Lambda sets this variable itself and refuses a function that sets it; rename it`,
    ),
  );
});
