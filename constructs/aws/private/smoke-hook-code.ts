// The sources are target-free (the Pulumi target deploys the same hooks): lib/handlers.
export { ecsHookSource, lambdaHookSource } from '../../../lib/handlers/smoke-hook-code';
