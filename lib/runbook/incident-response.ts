import type { Access, IncidentResponse } from '../model/incident-response';
import type { Owners } from '../model/owners';
import type { RunbookCommand } from './command';
import { autolink, bash, prose, table } from './private/markdown';
import type { IncidentProcedure } from './procedures/incident-procedure';

/** What the "Incident response" and "Incident procedures" sections of a runbook say. */
export interface IncidentResponseFacts {
  readonly service: string;
  readonly environment: string;
  readonly production: boolean;
  readonly owners: Owners;
  readonly incident: IncidentResponse;
  /** Alarms that mean users are affected (critical), and the dead-man's switch. */
  readonly criticalAlarms: readonly string[];
  readonly deadMansSwitch?: string;
  /** "What changed?": deploys, flag changes, rotations, dependencies, each with its commands. */
  readonly whatChanged: readonly RunbookCommand[];
  /** Mitigations besides rollback: scale out, restart, shed load. */
  readonly mitigations: readonly RunbookCommand[];
  /** Rollback verification against what users see (error rate, latency), not the revision. */
  readonly verification: readonly RunbookCommand[];
  /** Post-incident checks with commands (alarm actions enabled, holds lifted). */
  readonly afterwards: readonly RunbookCommand[];
  /** Procedures for pages that are not a bad release. */
  readonly procedures: readonly IncidentProcedure[];
}

/** Before-you-start lines for the account and the cluster context. */
export function accessCommands(access: Access, check: { aws?: string; kubectl?: boolean }): RunbookCommand[] {
  return [
    ...(access.awsProfile
      ? [
          {
            description: `Use the AWS profile of this environment, ${access.awsProfile}, in this shell${check.aws ? '; the check reads the stack with it' : ''}`,
            command: [`export AWS_PROFILE=${access.awsProfile}`, ...(check.aws ? [check.aws] : [])].join('\n'),
          },
        ]
      : []),
    ...(check.kubectl
      ? [
          {
            description: access.kubeContext
              ? `Pin kubectl to this environment's cluster, context ${access.kubeContext}`
              : 'Check which cluster kubectl talks to (no context is named in the definition: set environments[].access.kubeContext to pin one)',
            command: access.kubeContext
              ? `kubectl config use-context ${access.kubeContext}\nkubectl config current-context`
              : 'kubectl config current-context',
            expected: access.kubeContext ?? "the context of this environment's cluster",
          },
        ]
      : []),
  ];
}

function steps(commands: readonly RunbookCommand[]): string[] {
  return commands.flatMap((c, i) => [
    prose(`${i + 1}. ${c.description}${c.expected ? `. Expect: ${c.expected}.` : '.'}`),
    '',
    bash([c.command])
      .split('\n')
      .map((l) => `   ${l}`)
      .join('\n'),
    '',
  ]);
}

/**
 * "Incident response": severities with the criteria to declare and who commands, the escalation
 * ladder with its timeouts, the incident channel with a message template, "what changed?",
 * mitigations besides rollback, verification against what users see, and the post-incident
 * checklist. Deterministic.
 */
export function renderIncidentResponse(f: IncidentResponseFacts): string[] {
  const ir = f.incident;
  const critical = f.criticalAlarms.map((a) => `\`${a}\``).join(', ') || 'a critical alarm';
  const out: string[] = ['## Incident response', ''];
  out.push(
    prose(
      `Declare an incident when the criteria below hold; the incident commander (${ir.commander}, or whoever declares until they join) coordinates and decides, one person acts on the system at a time, and everyone else works in ${ir.channel}, not in the releases channel ${f.owners.channel}.`,
    ),
    '',
    table(
      ['Severity', 'Declare when', 'Commander', 'Updates'],
      [
        [
          'SEV1',
          `${f.deadMansSwitch ? `\`${f.deadMansSwitch}\` fires, or ` : ''}most requests fail${f.production ? ' in production' : ''}`,
          ir.commander,
          `every 15 minutes in ${ir.channel}`,
        ],
        ['SEV2', `${critical} fires: part of the users are affected`, ir.commander, `every 30 minutes in ${ir.channel}`],
        [
          'SEV3',
          'a warning alarm fires, no user impact yet',
          `the on-call (${f.owners.primary})`,
          `at start and end, in ${f.owners.channel}`,
        ],
      ],
    ),
    '',
    'Escalation, counted from the moment the incident is declared, while it is not mitigated:',
    '',
    table(
      ['After', 'Call', 'How'],
      [
        ['0m', 'primary on-call', f.owners.primary],
        ['5m', 'backup on-call', f.owners.backup],
        ...ir.escalation.map((r) => [r.after.toString(), r.role, r.contact]),
      ],
    ),
    '',
    `Message template for ${ir.channel} (post at declaration and at every update):`,
    '',
    '```text',
    `[SEV?] ${f.service} ${f.environment}: <what users see>. Since <time, UTC>. Commander: ${ir.commander}. Now: <current action>. Next update: <time, UTC>.`,
    '```',
    '',
  );
  if (f.whatChanged.length > 0)
    out.push(
      '### What changed?',
      '',
      'Deploys, flag changes, secret rotations and dependencies, newest first:',
      '',
      ...steps(f.whatChanged),
    );
  if (f.mitigations.length > 0) out.push('### Mitigations besides rollback', '', ...steps(f.mitigations));
  if (f.verification.length > 0)
    out.push(
      '### Verify what users see',
      '',
      'After any rollback or mitigation: the user-facing error rate and latency are back, not only the revision.',
      '',
      ...steps(f.verification),
    );
  out.push(
    '### After the incident',
    '',
    ...steps(f.afterwards),
    '- [ ] Every alarm has its actions enabled and every pipeline transition is enabled (the commands above print nothing).',
    '- [ ] Every change made by hand (a flag turned off, an alias or revision moved, a secret stage moved) is folded back into the definition or reverted through the pipeline (level 3), so the next deploy does not undo it.',
    `- [ ] A postmortem is written${ir.postmortems ? ` (${autolink(ir.postmortems)})` : ''} within five working days, linked in ${ir.channel}.`,
    '',
  );
  if (f.procedures.length > 0) {
    out.push('## Incident procedures', '');
    for (const p of f.procedures) {
      out.push(`### Incident: ${p.title}`, '', prose(`When: ${p.when}.`), '');
      if (p.inputs && p.inputs.length > 0)
        out.push(
          ...p.inputs.map((i) => prose(`Set \`${i.name}\` first: ${i.meaning} (${i.values.map((v) => `\`${v}\``).join(', ')}).`)),
          '',
        );
      out.push(...steps(p.commands));
      for (const n of p.notes ?? []) out.push(prose(`- ${n}`));
      const b = p.bound;
      out.push(
        '',
        `Time bound: **${b.total}** (${b.parts.map((x) => `${x.what} ${x.duration}`).join(' + ')}), ${b.withinBudget ? `within the ${b.budget} budget` : `**over the ${b.budget} budget**`}.`,
        '',
      );
    }
  }
  return out;
}
