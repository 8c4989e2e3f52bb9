/** The apps the benchmark compares. */
export enum AppKind {
  /** One `DeploymentStack` per service × environment, from the definitions. */
  GLIDEPATH = 'glidepath',
  /** `HandWrittenCheckoutStack`: the same resources in plain aws-cdk-lib. */
  HANDWRITTEN = 'handwritten',
  /** As GLIDEPATH, plus the AWS runbooks and the Kubernetes manifests and runbooks. */
  FULL = 'full',
}

/** What one run measured; the parent reads it from the last line of the child's stdout. */
export interface RunResult {
  /** Milliseconds since process start at the end of each phase. */
  readonly phases: Phases;
  /** CPU milliseconds (user + system) used by the end of each phase. */
  readonly phasesCpu: Phases;
  readonly maxRssMb: number;
  /** User + system CPU time of the whole process, in milliseconds (less sensitive to other load than wall time). */
  readonly cpuMs: number;
  readonly stacks: number;
  /** Resource type → count, summed over every stack. */
  readonly resourceCounts: Record<string, number>;
  /** The stack with the most resources, and the biggest template (bytes as written by synth, and minified). */
  readonly largest: { readonly stack: string; readonly resources: number; readonly templateBytes: number; readonly minifiedBytes: number };
  /** Total bytes of Kubernetes manifests and runbooks written (full runs only). */
  readonly extraBytes: number;
}

/** The end of each phase of a run: modules loaded, app constructed, assembly synthesized, extra targets written. */
export interface Phases {
  readonly loaded: number;
  readonly constructed: number;
  readonly synthesized: number;
  readonly extras: number;
}
