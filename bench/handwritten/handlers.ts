/**
 * Inline source of the hand-written app's Lambda functions. The benchmark compares the cost of
 * building the same CloudFormation resources, not handler code, so the hand-written app runs the
 * very same handler source as glidepath (it is data here) instead of a second copy of it.
 */
export { ROTATION_HANDLER_SOURCE as ROTATION_HANDLER } from '../../constructs/aws/private/rotation-handler';
export { MIGRATION_RUNNER_SOURCE as MIGRATION_RUNNER_HANDLER } from '../../constructs/aws/private/migration-runner-code';
import { ecsHookSource } from '../../constructs/aws/private/smoke-hook-code';

/** The ECS lifecycle hook that runs the smoke checks against the test listener. */
export const SMOKE_TEST_HANDLER = ecsHookSource();
export { PAGER_FORWARDER_SOURCE as PAGER_FORWARDER_HANDLER } from '../../lib/handlers/pager-forwarder-code';
import { healthProbeSource } from '../../lib/handlers/health-probe-code';

/** The dead-man's switch probe: one check a minute, a `Glidepath/HealthProbe` datapoint when it passes. */
export const HEALTH_PROBE_HANDLER = healthProbeSource();
