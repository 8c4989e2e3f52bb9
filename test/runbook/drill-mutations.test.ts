import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildRunbooks, type DrillRunbook } from './drill/fixtures';
import { INCIDENTS, runIncident } from './drill/incidents';
import { apply, equivalence, mutationsOf, sample, sectionOf, type Mutation } from './drill/mutations';
import { Drill } from './drill/run';
import { drillSections, SectionKind } from './drill/stubs';

/*
 * Mutation check of the runbook text: generated breakages of the rendered commands (a flag renamed,
 * an enum value misspelled, an argument dropped or two swapped, a guard removed) must each make
 * the drill fail: the section's own drill in its situation world, or an incident that follows the
 * section. At least 95% must be caught; survivors are listed. A mutant of a class of equivalent
 * mutants (drill/mutations.ts, `Equivalence`, one written reason per class) is listed, not scored.
 * Not in the default `npm test`, not even as a small sample: its setup alone synthesizes three
 * examples and renders their runbooks (about 20 s of CPU before the first mutant), over the 20 s a
 * default-run addition may cost. `npm run mutation:runbook` runs a sample of 60; GLIDEPATH_RUNBOOK_MUTATIONS=all (or a number) sets the sample,
 * GLIDEPATH_RUNBOOK_MUTATION_SEED changes the seed. Last measured score: README, "Mutation testing".
 */
const ALL_RUNBOOKS = ['checkout-prod.md', 'payments-api-prod.md', 'checkout-pipeline.md', 'checkout-staging.k8s.md', 'checkout-dev.k8s.md'];
/** GLIDEPATH_RUNBOOK_MUTATION_RUNBOOKS (comma-separated names) limits the check to some runbooks. */
const RUNBOOKS = process.env.GLIDEPATH_RUNBOOK_MUTATION_RUNBOOKS?.split(',').map((n) => n.trim()) ?? ALL_RUNBOOKS;
const wanted = process.env.GLIDEPATH_RUNBOOK_MUTATIONS ?? '60';
let root = '';
let driller: Drill;
const describeMutations = process.env.GLIDEPATH_RUNBOOK_MUTATIONS ? describe : describe.skip;
const seed = Number(process.env.GLIDEPATH_RUNBOOK_MUTATION_SEED ?? 25);

/** Whether the drill catches a mutation: the section fails in its world, or an incident on it fails. */
async function caught(r: DrillRunbook, m: Mutation): Promise<boolean> {
  const markdown = apply(r.markdown, m);
  const heading = sectionOf(markdown, m.line);
  const section = drillSections(markdown).find((s) => s.kind === SectionKind.BLOCKS && s.heading === heading);
  if (!section) return false;
  const own = await driller.section({ ...r, markdown }, section);
  if (own.problems.length > 0) return true;
  for (const incident of INCIDENTS.filter((i) => i.runbook === r.name && i.heading.test(heading))) {
    if ((await runIncident(driller, r, incident, markdown)).failures.length > 0) return true;
  }
  return false;
}

describeMutations('runbook mutation check (GLIDEPATH_RUNBOOK_MUTATIONS)', () => {
  let runbooks: DrillRunbook[] = [];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-mutations-'));
    driller = new Drill(root);
    await driller.start();
    runbooks = buildRunbooks(root).filter((r) => RUNBOOKS.includes(r.name));
    // Synthesizes three examples and, here, drills every section: minutes on a loaded machine.
  }, 900_000);

  afterAll(async () => {
    await driller?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('the drill catches at least 95% of generated mutations of the runbook commands', async () => {
    const generated = runbooks.flatMap((r) => mutationsOf(r.markdown).map((m) => ({ r, m })));
    const chosenGenerated = wanted === 'all' ? generated : sample(generated, Number(wanted), seed);
    // Equivalent mutants (mutations.ts, Equivalence: one written reason per class) are listed, not scored.
    const equivalent = chosenGenerated.filter(({ m }) => equivalence(m) !== undefined);
    const chosen = chosenGenerated.filter(({ m }) => equivalence(m) === undefined);
    const all = generated;
    const survivors: string[] = [];
    const byKind: Record<string, [number, number]> = {};
    for (let i = 0; i < chosen.length; i += 6) {
      const batch = chosen.slice(i, i + 6);
      const results = await Promise.all(batch.map(({ r, m }) => caught(r, m)));
      batch.forEach(({ r, m }, j) => {
        const k = (byKind[m.kind] ??= [0, 0]);
        k[1]++;
        if (results[j]) k[0]++;
        else survivors.push(`${r.name} § ${sectionOf(r.markdown, m.line)} [${m.kind}]: ${m.after.trim().slice(0, 240)}`);
      });
    }
    const score = (chosen.length - survivors.length) / chosen.length;
    console.log(
      `mutation score ${(score * 100).toFixed(1)}% (${chosen.length - survivors.length}/${chosen.length} caught of ${all.length} generated, seed ${seed}); by kind ${JSON.stringify(byKind)}\n` +
        `equivalent, not scored: ${equivalent.length}\n${equivalent.map(({ r, m }) => `${r.name} [${equivalence(m)}]: ${m.after.trim().slice(0, 240)}`).join('\n')}\n` +
        `survivors:\n${survivors.join('\n')}`,
    );
    expect(score).toBeGreaterThanOrEqual(0.95);
  }, 1_800_000);
});
