import { Validations, type Acknowledgment } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';

/**
 * Frames kept in the trace aws-cdk-lib records with each acknowledgement (construct metadata
 * `aws:cdk:acknowledged-rules`): `Validations.acknowledge`, this function, the construct that
 * acknowledges and its callers. The trace says where a finding was accepted; the whole app's call
 * stack below that says nothing more, and formatting it cost ~0.2 ms per acknowledgement
 * (1,950 of them at 50 services).
 */
const ACKNOWLEDGEMENT_TRACE_FRAMES = 4;

/**
 * `Validations.of(scope).acknowledge(...rules)`, with the recorded trace cut to the frames that
 * name the acknowledging construct.
 */
export function acknowledge(scope: IConstruct, ...rules: Acknowledgment[]): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Number.isFinite(limit) ? Math.min(limit, ACKNOWLEDGEMENT_TRACE_FRAMES) : ACKNOWLEDGEMENT_TRACE_FRAMES;
  try {
    Validations.of(scope).acknowledge(...rules);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
