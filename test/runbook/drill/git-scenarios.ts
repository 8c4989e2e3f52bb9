import { RELEASE_COMMIT } from './fixtures';
import type { Incident } from './incidents';
import { READABLE_LINES } from './k8s-scenarios';
import type { SectionResult } from './run';

/*
 * The code rollback through git where main is protected: the revert goes up as a pull request. The
 * oracle is what the reviewer gets (https://cli.github.com/manual/gh_pr_create): a pull request into
 * main from the pushed revert branch, proposing the revert alone, whose title says it is a revert of
 * the release (git's own convention for a revert's subject, `Revert "…"`, https://git-scm.com/docs/git-revert)
 * and whose body names the full commit (GitHub links a full hash); and what the engineer sees: the
 * release commit on one line, not its whole patch.
 */

function expectThat(ok: boolean, failure: string): string[] {
  return ok ? [] : [failure];
}

/** One pull request into main, from the pushed branch, with the revert alone, titled and described for the reviewer. */
function reviewerGets(r: SectionResult): string[] {
  const g = r.world.git;
  const pr = g.pullRequests[0];
  if (g.pullRequests.length !== 1 || !pr) return [`${g.pullRequests.length} pull requests opened, not 1`];
  const proposed = g.proposedBy(pr);
  return [
    ...expectThat(pr.base === 'main', `the pull request targets ${pr.base}, not main`),
    ...expectThat(proposed.length === 1 && proposed[0].startsWith('Revert "'), `the pull request proposes ${JSON.stringify(proposed)}`),
    ...expectThat(
      /^Revert\b/.test(pr.title ?? '') && (pr.title ?? '').includes(RELEASE_COMMIT.slice(0, 7)),
      `the pull request's title "${pr.title}" does not say it reverts ${RELEASE_COMMIT.slice(0, 7)}`,
    ),
    ...expectThat((pr.body ?? '').includes(RELEASE_COMMIT), `the pull request's body "${pr.body}" does not name ${RELEASE_COMMIT}`),
  ];
}

/** The engineer sees the release commit on one line (its abbreviated hash and subject), and no patch. */
function seesTheCommit(r: SectionResult): string[] {
  const lines = r.stdout.split('\n');
  return [
    ...expectThat(
      lines.some((l) => l.startsWith(`${RELEASE_COMMIT.slice(0, 7)} `)),
      `the engineer does not see the release commit ${RELEASE_COMMIT.slice(0, 7)} on one line`,
    ),
    ...expectThat(lines.length <= READABLE_LINES, `the section printed ${lines.length} lines (more than ${READABLE_LINES})`),
  ];
}

const CASES: readonly { runbook: string; heading: RegExp; pipeline: boolean }[] = [
  { runbook: 'checkout-prod.md', heading: /^Level 3/, pipeline: true },
  { runbook: 'checkout-pipeline.md', heading: /^Roll back a release/, pipeline: true },
  { runbook: 'payments-api-prod.md', heading: /^Level 3/, pipeline: false },
];

export const GIT_SCENARIOS: readonly Incident[] = CASES.flatMap(({ runbook, heading, pipeline }) =>
  [false, true].map((merge): Incident => ({
    name: `${runbook} ${heading.source.slice(1)}: main is protected, the release was ${merge ? 'a merge commit' : 'squashed'}: the revert goes up for review`,
    runbook,
    heading,
    git: { merge, protectedMain: true },
    setup: (w) => {
      if (pipeline) w.aws.pipeline.awaitingApproval(w.git.remoteHead());
    },
    check: (r) => [...reviewerGets(r), ...seesTheCommit(r)],
  })),
);
