/** A shell command with what it should print. */
export interface RunbookCommand {
  /** What the command does, one line. */
  readonly description: string;
  /** The exact command, with real resource names; must pass `bash -n`. */
  readonly command: string;
  /** What a good result looks like. */
  readonly expected?: string;
}
