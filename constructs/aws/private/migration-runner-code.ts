// The source is target-free (the Pulumi target runs the same task logic): lib/handlers.
export { MIGRATION_RUNNER_SOURCE } from '../../../lib/handlers/migration-runner-code';
