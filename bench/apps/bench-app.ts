import type { App, Stack } from 'aws-cdk-lib';

/** One side of the comparison. Each lives in its own module, so a run loads only the code it measures. */
export interface BenchApp {
  /** Adds the stacks of `services` copies of the example to `app`. */
  addStacks(app: App, services: number, definitionFile: string): Stack[];
  /**
   * Renders the extra targets after synthesis, as the quick-start app writes them next to the
   * cloud assembly, through `write`. @default - none
   */
  writeExtras?(write: (relative: string, content: string | Uint8Array) => void): void;
}
