import { MigrationPhase } from '../../model/migrations';
import type { MigrationFact } from '../facts';
import { detectionSection } from '../detection-section';
import type { MergedFacts } from '../merge';
import { commandSteps } from '../private/command-steps';
import { prose, table } from '../private/markdown';
import { wiredAlarms } from './alarms';

/**
 * Phases 1 to 6: pre-deployment, expand migrations, the deployment and its schedule, smoke tests, monitoring and post-deployment.
 */
export function phases(out: string[], f: MergedFacts): void {
  out.push('## Phase 1: Pre-deployment', '');
  out.push(...(f.preDeploy.length > 0 ? commandSteps(f.preDeploy) : ['Work through the checklist above.']), '');

  out.push('## Phase 2: Migration (expand)', '');
  const expand = f.migrations.filter((m) => m.phase === MigrationPhase.EXPAND);
  if (expand.length === 0) {
    out.push(
      f.migrations.length === 0
        ? 'No database migrations are defined for this service. Schema changes must be backward compatible (expand first, contract after the rollback window).'
        : 'No expand migration in this release.',
      '',
    );
  } else {
    out.push(
      'Expand migrations only add to the schema, before the new version takes traffic; the previous version keeps working on the expanded schema, so the code can still roll back.',
      '',
      ...expand.flatMap(migrationSteps),
    );
  }

  out.push('## Phase 3: App deployment', '');
  if (f.rollout) {
    out.push(f.rollout.summary, '');
    const steps = f.rollout.schedule.steps;
    if (steps.length > 0) {
      out.push(
        'The schedule that will really run on this platform:',
        '',
        table(
          ['Stage', 'Traffic', 'Bake', 'Validation', 'Rollback trigger'],
          steps.map((s) => [s.name, `${s.trafficPercent}%`, s.bake.toString(), s.validation ?? '', s.rollbackTrigger ?? '']),
        ),
        '',
      );
    }
    out.push(...detectionSection(f.detection));
    if (f.rollout.schedule.deviations.length > 0) {
      out.push('Where this differs from the requested plan:', '', ...f.rollout.schedule.deviations.map((d) => `- ${d}`), '');
    }
    if (f.rollout.schedule.unheldWaits.length > 0) {
      out.push(
        'Waits the platform does not hold by itself (watch the alarms and dashboard for this long before calling the stage done):',
        '',
        ...f.rollout.schedule.unheldWaits.map((d) => `- ${d}`),
        '',
      );
    }
  }
  if (f.deploy.length > 0) {
    out.push(...commandSteps(f.deploy), '');
  }

  out.push('## Phase 4: Smoke testing', '');
  out.push(
    ...(f.smoke.length > 0
      ? commandSteps(f.smoke)
      : ['No smoke tests are defined for this service; check the main user journey by hand before promoting.']),
    '',
  );

  out.push('## Phase 5: Monitoring', '');
  if (f.watch.length > 0) {
    out.push(...f.watch.map((w) => `- ${w}`), '');
  }
  if (f.alarms.length > 0) {
    out.push(
      `Critical alarms page the on-call; warnings notify the channel.${
        wiredAlarms(f).length > 0
          ? ` These alarms roll an in-flight deployment back by themselves: ${wiredAlarms(f)
              .map((n) => `\`${n}\``)
              .join(', ')}.`
          : ' No alarm is wired to roll a deployment back by itself: every rollback is by hand.'
      }`,
      '',
      table(
        ['Alarm', 'Severity', 'Condition', 'Missing data', 'Notifies'],
        f.alarms.map((a) => [`[${a.name}](#${a.anchor})`, a.severity, a.condition, a.missingData, a.notifies ?? '']),
      ),
      '',
    );
    const deadMan = f.alarms.find((a) => a.missingData.startsWith('breaching'));
    if (deadMan) {
      out.push(
        `Dead-man's switch: [${deadMan.name}](#${deadMan.anchor}) fires when no data arrives. When it fires, every other alarm is blind: follow its section below first.`,
        '',
      );
    }
  } else {
    out.push('No alarms are defined for this deployment.', '');
  }

  out.push('## Phase 6: Post-deployment', '');
  const steps = f.rollout?.schedule.steps ?? [];
  const window = steps[steps.length - 1]?.bake;
  const contract = f.migrations.filter((m) => m.phase === MigrationPhase.CONTRACT);
  out.push(
    `- Keep watching the alarms through the rollback window${window && window.toSeconds() > 0 ? ` (${window} after all traffic has moved)` : ''}.`,
    contract.length > 0
      ? `- Run the contract migration${contract.length === 1 ? '' : 's'} below only after the rollback window has closed: data cannot be rolled back by redeploying code.`
      : '- Run contract migrations (dropping old columns or tables) only after the rollback window has closed: data cannot be rolled back by redeploying code.',
    `- Announce completion${f.context ? ` in ${f.context.owners.channel}` : ''} and record the deployment (and any rollback) for the team's DORA metrics.`,
    '',
  );
  if (contract.length > 0) {
    out.push(...contract.flatMap(migrationSteps));
  }
}

function migrationSteps(m: MigrationFact): string[] {
  return [
    prose(`**Migration \`${m.name}\` (${m.phase}).** ${m.summary}`),
    '',
    ...commandSteps(m.commands),
    ...(m.verify.length > 0 ? ['Verify:', '', ...commandSteps(m.verify)] : []),
    prose(`Rollback: ${m.rollback.replace(/\.?$/, '.')}`),
    '',
  ];
}
