import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildRunbooks, type DrillRunbook } from './drill/fixtures';
import { INCIDENTS, runIncident } from './drill/incidents';
import { Drill } from './drill/run';

/*
 * The incidents of issue 25 (drill/incidents.ts), each walked through its runbook section literally
 * on the stateful world (drill/planes) in the state the incident leaves it: the end state must be
 * the intended one (the right version serves, alarms page again, nothing rolled back twice, only
 * the bad flag off) within the bound the section itself states ("Time bound: **…**").
 */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-incidents-'));
const driller = new Drill(root);
let runbooks: DrillRunbook[] = [];
const measured: Record<string, string> = {};

beforeAll(async () => {
  await driller.start();
  runbooks = buildRunbooks(root);
  // Synthesizes three examples and, here, drills every section: minutes on a loaded machine.
}, 900_000);

afterAll(async () => {
  console.log(`incident drill, simulated time vs the runbook's stated bound:\n${JSON.stringify(measured, null, 1)}`);
  await driller.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

test.each(INCIDENTS.map((i) => [i.name, i] as const))('%s', async (name, incident) => {
  const outcome = await runIncident(
    driller,
    runbooks.find((r) => r.name === incident.runbook)!,
    incident,
  );
  measured[name] = `${outcome.seconds}s of ${outcome.bound ?? '?'}s${outcome.failures.length > 0 ? ' FAILED' : ''}`;
  expect(outcome.failures).toEqual([]);
});
