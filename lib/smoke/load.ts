import * as fs from 'node:fs';
import * as path from 'node:path';
import { DefinitionError, problem, problemsFromIssues } from '../model/problems';
import { looksLikeCredential } from '../model/validate';
import { resolveSmokeTests, smokeHeaderProblems, smokeTestsSchema, type SmokeTests } from '../model/smoke-tests';

/**
 * Loads a standalone `smoke-tests.json` (the `smokeTests` shape of a definition, checked by
 * `schema/smoke-tests.schema.json`). Throws a `DefinitionError` with every problem.
 */
export function loadSmokeTestsFile(file: string): SmokeTests {
  const absolute = path.resolve(file);
  if (!fs.existsSync(absolute)) {
    throw new DefinitionError([{ path: '(file)', message: `${file} does not exist` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(absolute, 'utf8'));
  } catch (err) {
    throw new DefinitionError([{ path: '(file)', message: `${file} is not valid JSON: ${(err as Error).message}` }]);
  }
  return parseSmokeTests(raw, file);
}

/** Validates smoke tests given as a plain object (the content of a `smoke-tests.json`). */
export function parseSmokeTests(raw: unknown, source?: string): SmokeTests {
  const parsed = smokeTestsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DefinitionError(
      problemsFromIssues(parsed.error.issues, raw, () => []),
      source,
    );
  }
  const headerProblems = smokeHeaderProblems(parsed.data.checks, looksLikeCredential).map((p) => problem(p.at, p.value, p.fix));
  if (headerProblems.length > 0) {
    throw new DefinitionError(headerProblems, source);
  }
  return resolveSmokeTests(parsed.data);
}
