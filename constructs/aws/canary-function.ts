import { ProgressiveFunction, type ProgressiveFunctionProps, type ProgressiveFunctionSecret } from './progressive-function';

/**
 * @deprecated renamed `ProgressiveFunction`: it shifts traffic by canary, linear steps or all at
 * once, not only by canary. Same construct, same props and construct ids.
 */
export const CanaryFunction = ProgressiveFunction;
/** @deprecated use `ProgressiveFunction`. */
export type CanaryFunction = ProgressiveFunction;
/** @deprecated use `ProgressiveFunctionProps`. */
export type CanaryFunctionProps = ProgressiveFunctionProps;
/** @deprecated use `ProgressiveFunctionSecret`. */
export type CanaryFunctionSecret = ProgressiveFunctionSecret;
