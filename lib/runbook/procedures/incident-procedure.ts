import type { TimeBound } from '../../plan/timing';
import type { RunbookCommand } from '../command';

/** A procedure for one kind of page, rendered under "Incident procedures" as "Incident: <title>". */
export interface IncidentProcedure {
  /** Heading after "Incident: ", e.g. "secret rotation failed". */
  readonly title: string;
  /** When to follow it: the page or symptom. */
  readonly when: string;
  /** Variables the engineer sets first, with what they mean (`SECRET_ID`: the secret that failed). */
  readonly inputs?: readonly { readonly name: string; readonly meaning: string; readonly values: readonly string[] }[];
  readonly commands: readonly RunbookCommand[];
  /** How long the procedure takes to restore service, from its parts. */
  readonly bound: TimeBound;
  /** Who to involve, what not to do, one sentence each. @default - none */
  readonly notes?: readonly string[];
}
