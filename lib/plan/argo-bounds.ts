import { Duration } from '../model/duration';

/** Time the Argo Rollouts controller takes to abort once an analysis failed (an estimate: not measured here). */
export const ARGO_ABORT_ESTIMATE = Duration.seconds(30);
