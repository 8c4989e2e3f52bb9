/**
 * What a runbook command does to the deployment, so a target that drives the same resources with
 * another tool (Pulumi instead of `cdk`/`kubectl apply`) replaces the commands its tool owns.
 */
export enum CommandKind {
  /** Shows what a deployment would change (`cdk diff`, `kubectl diff`). */
  PREVIEW = 'preview',
  /** Changes the deployment through the target's own tool (`cdk deploy`, `kubectl apply`). */
  DEPLOY = 'deploy',
  /** Moves traffic or versions back outside the deployment tool. */
  ROLLBACK = 'rollback',
  /** Reads state only; valid on every target that deploys the same resources. */
  INSPECT = 'inspect',
}

/** A shell command with what it should print. */
export interface RunbookCommand {
  /** What the command does, one line. */
  readonly description: string;
  /** The exact command, with real resource names; must pass `bash -n`. */
  readonly command: string;
  /** What a good result looks like. */
  readonly expected?: string;
  /** What the command does to the deployment. @default - not classified: every target keeps it */
  readonly kind?: CommandKind;
}
