// The source is target-free (the Pulumi target deploys the same function): lib/handlers.
export { ROTATION_HANDLER_SOURCE } from '../../../lib/handlers/rotation-handler';
