import type { Incident } from './incidents';

/** Where the kill switch is pulled: the runbook, the bad flag, and flags that must stay on. */
export interface KillSwitchCase {
  readonly runbook: string;
  readonly flag: string;
  /** Flags that must still be served on: level 1 turns off the bad flag only. @default none */
  readonly kept?: readonly string[];
  /** A flag release is still deploying when the engineer starts (the `stop-deployment` branch). */
  readonly deploying?: boolean;
  /** What the incident's name adds. @default '' */
  readonly suffix?: string;
}

/**
 * Level 1 for one flag, run with every flag on: the bad flag is served off, the `kept` flags on,
 * and no alarm is left with its actions disabled (the section re-enables what it silenced).
 * With `deploying`, no alarm fired (users reported it) and a flag release is still deploying.
 */
export function killSwitchIncident(c: KillSwitchCase): Incident {
  return {
    name: `kill switch of one flag${c.suffix ?? ''}${c.deploying ? ' while a flag release is still deploying' : ''}`,
    runbook: c.runbook,
    heading: /^Level 1/,
    prefix: `FLAG=${c.flag}`,
    ...(c.deploying ? { firing: [] } : {}),
    setup: (w) => {
      w.aws.appconfig.allFlagsOnDeployed();
      if (c.deploying) w.aws.appconfig.flagReleaseDeploying();
    },
    check: (r) => {
      const flags = r.world.aws.appconfig.served();
      const served = (flag: string, enabled: boolean) =>
        JSON.stringify(flags[flag]) === JSON.stringify({ enabled }) ? [] : [`${flag} is ${JSON.stringify(flags[flag])}`];
      const silenced = r.world.aws.alarms.silenced();
      return [
        ...served(c.flag, false),
        ...(c.kept ?? []).flatMap((flag) => served(flag, true)),
        ...(silenced.length === 0 ? [] : [`alarms still silenced: ${silenced}`]),
      ];
    },
  };
}
