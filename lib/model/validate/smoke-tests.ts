import { problem, type Problem } from '../problems';
import { smokeHeaderProblems } from '../smoke-tests';
import type { Checkable } from './checkable';
import { checkDuplicates, looksLikeCredential } from './common';

/** Refuses duplicate smoke check names and credentials written in their headers. */
export function checkSmokeTests(def: Checkable, problems: Problem[]): void {
  const checks = def.smokeTests?.checks ?? [];
  checkDuplicates(
    checks.map((c) => c.name),
    ['smokeTests', 'checks'],
    'name',
    'smoke check names must be unique',
    problems,
  );
  for (const p of smokeHeaderProblems(checks, looksLikeCredential)) {
    problems.push(problem(['smokeTests', ...p.at], p.value, p.fix));
  }
}
