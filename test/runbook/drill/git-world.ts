import type { StubResult } from './planes/templates';

/**
 * The options each git command the runbooks use accepts, from its manual page (a subset: the ones a
 * runbook has reason to use). Anything else is refused as git refuses an unknown option ("error:
 * unknown option `no-patchs'", exit 129). Options marked `=` take a value (`--format=%P`, or the next
 * word for the short ones).
 * - show: https://git-scm.com/docs/git-show (`--no-patch`, `--oneline`, `--format=`, `--pretty=`, `--stat`)
 * - log: https://git-scm.com/docs/git-log (`--oneline`, `--format=`, `-n`, `--max-count=`, `--no-patch`)
 * - revert: https://git-scm.com/docs/git-revert (`--no-edit`, `--edit`, `-m`/`--mainline`, `--no-commit`)
 * - switch: https://git-scm.com/docs/git-switch (`-c`/`--create`, `--detach`)
 * - checkout: https://git-scm.com/docs/git-checkout (`-b`)
 * - push: https://git-scm.com/docs/git-push (`--force-with-lease`, `-u`/`--set-upstream`)
 * - fetch: https://git-scm.com/docs/git-fetch (`--prune`, `--tags`)
 * - merge / pull: https://git-scm.com/docs/git-merge (`--ff-only`), https://git-scm.com/docs/git-pull
 * - rev-parse: https://git-scm.com/docs/git-rev-parse (`--abbrev-ref`, `--verify`, `-q`/`--quiet`, `--short`)
 * - status: https://git-scm.com/docs/git-status (`--porcelain`, `--short`, `-s`)
 */
const GIT_OPTIONS: Record<string, readonly string[]> = {
  show: ['--no-patch', '-s', '--oneline', '--format=', '--pretty=', '--stat'],
  log: ['--oneline', '--format=', '--pretty=', '-n=', '--max-count=', '--no-patch', '-1'],
  revert: ['--no-edit', '--edit', '-m=', '--mainline=', '--no-commit', '-n'],
  switch: ['-c=', '--create=', '--detach'],
  checkout: ['-b='],
  push: ['--force-with-lease', '-u', '--set-upstream'],
  fetch: ['--prune', '--tags'],
  merge: ['--ff-only'],
  pull: ['--ff-only'],
  'rev-parse': ['--abbrev-ref', '--verify', '-q', '--quiet', '--short'],
  status: ['--porcelain', '--short', '-s'],
};

/** git's refusal of an option its command does not have, or undefined. */
export function checkGitOptions(verb: string, rest: readonly string[]): string | undefined {
  const known = GIT_OPTIONS[verb];
  if (!known) return undefined;
  for (const a of rest) {
    if (!a.startsWith('-') || a === '-') continue;
    const name = a.includes('=') ? a.slice(0, a.indexOf('=') + 1) : a;
    if (!known.includes(name) && !known.includes(`${name}=`))
      return `error: unknown option \`${a.replace(/^-+/, '').replace(/=.*$/, '')}' (git ${verb})`;
  }
  return undefined;
}

interface Commit {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly subject: string;
}

/**
 * A clone of the service's repository and its remote, as git behaves:
 * - `git revert` of a merge commit without `-m` fails ("commit X is a merge but no -m option was
 *   given", https://git-scm.com/docs/git-revert#Documentation/git-revert.txt--mparent-number);
 * - a commit not in the local object store is unknown until `git fetch`;
 * - `git push origin HEAD:main` pushes every commit of the current branch, and a protected branch
 *   refuses any direct push (GitHub: https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches);
 * - a push that is not a fast-forward of the remote branch is rejected.
 * The engineer starts on a feature branch with an unreviewed commit, with a stale local main.
 */
export class GitWorld {
  public readonly problems: string[] = [];
  private readonly remote = new Map<string, string[]>();
  private readonly local = new Map<string, string[]>();
  private readonly objects = new Map<string, Commit>();
  private readonly fetched = new Set<string>();
  private branch = 'feature/search-filters';
  /** Commits that reached the remote main, and branches pushed for review. */
  public readonly pushed: { ref: string; commits: string[] }[] = [];
  public readonly pullRequests: { head: string; base: string; title?: string; body?: string }[] = [];
  private counter = 0;

  constructor(
    /** The release that went bad, and whether it was merged through a pull request (a merge commit). */
    public readonly releaseCommit: string,
    opts: { merge?: boolean; protectedMain?: boolean; onPushToMain?: (sha: string) => void } = {},
  ) {
    this.protectedMain = opts.protectedMain ?? false;
    this.onPushToMain = opts.onPushToMain;
    const base = this.commit(['0'.repeat(40)], 'initial');
    const feature = this.commit([base], 'feature work in review');
    const release = opts.merge
      ? this.add({ sha: releaseCommit, parents: [base, feature], subject: 'Merge pull request #42 from acme/feature' })
      : this.add({ sha: releaseCommit, parents: [base], subject: 'release: new checkout flow' });
    const later = this.commit([release], 'docs: typo');
    this.remote.set('main', [base, release, later]);
    this.local.set('main', [base]);
    this.local.set('feature/search-filters', [base, this.commit([base], 'wip: search filters (unreviewed)')]);
    for (const c of [base]) this.fetched.add(c);
  }

  private readonly protectedMain: boolean;
  private readonly onPushToMain?: (sha: string) => void;

  private add(c: Commit): string {
    this.objects.set(c.sha, c);
    return c.sha;
  }

  private commit(parents: string[], subject: string): string {
    this.counter++;
    return this.add({ sha: `${this.counter.toString(16).padStart(2, '0')}${'c0ffee'.repeat(7)}`.slice(0, 40), parents, subject });
  }

  private known(sha: string): boolean {
    return this.fetched.has(sha) || (this.local.get(this.branch) ?? []).includes(sha);
  }

  private fail(message: string, status = 128): StubResult {
    this.problems.push(`git: ${message}`);
    return { stdout: message, status };
  }

  /** The commit at the tip of the remote main. */
  public remoteHead(): string {
    return this.remote.get('main')!.at(-1)!;
  }

  /** Whether the remote main now holds a revert of the release, and nothing unreviewed. */
  public remoteMain(): string[] {
    return this.remote.get('main')!.map((s) => this.objects.get(s)!.subject);
  }

  public git(args: string[]): StubResult {
    const [verb, ...rest] = args;
    const refused = checkGitOptions(verb, rest);
    if (refused) return this.fail(refused, 129);
    const positional = rest.filter((a) => !a.startsWith('-'));
    switch (verb) {
      case 'fetch':
        for (const c of this.remote.get('main')!) this.fetched.add(c);
        return { stdout: '', status: 0 };
      case 'switch':
      case 'checkout': {
        const create = rest.includes('-c') || rest.includes('-b') || rest.includes('--create');
        const target = positional[0];
        if (create) {
          const start = positional[1] ?? 'HEAD';
          const commits = start === 'origin/main' ? [...this.remote.get('main')!] : [...this.local.get(this.branch)!];
          if (start === 'origin/main' && !commits.every((c) => this.fetched.has(c))) return this.fail('origin/main is stale: fetch first');
          this.local.set(target, commits);
        } else if (!this.local.has(target)) return this.fail(`invalid reference: ${target}`);
        this.branch = target;
        return { stdout: `Switched to branch '${target}'`, status: 0 };
      }
      case 'merge':
      case 'pull': {
        // `git merge --ff-only origin/main` or `git pull --ff-only origin main`: fast-forward to the remote.
        if (!rest.includes('--ff-only')) return this.fail(`git ${verb} without --ff-only may create a merge commit`);
        if (this.branch !== 'main') return this.fail(`fast-forwarding ${this.branch}, not main`);
        if (verb === 'pull') for (const c of this.remote.get('main')!) this.fetched.add(c);
        this.local.set(
          'main',
          [...this.remote.get('main')!].filter((c) => this.fetched.has(c)),
        );
        return { stdout: '', status: 0 };
      }
      case 'show':
      case 'log': {
        const sha = positional[0];
        if (sha && !this.known(sha)) return this.fail(`bad object ${sha}`);
        const c = this.objects.get(sha ?? this.local.get(this.branch)!.at(-1)!)!;
        return { stdout: shown(c, verb, rest), status: 0 };
      }
      case 'rev-parse': {
        const ref = positional[0];
        const sha = ref === 'HEAD' ? this.local.get(this.branch)!.at(-1) : ref === '--abbrev-ref' ? this.branch : undefined;
        if (rest.includes('--abbrev-ref')) return { stdout: this.branch, status: 0 };
        if (rest.includes('-q') || rest.includes('--verify')) {
          const target = positional[0];
          const local = this.local.get(target.replace(/^refs\/heads\//, ''));
          return local ? { stdout: local.at(-1)!, status: 0 } : { stdout: '', status: 1 };
        }
        return sha ? { stdout: sha, status: 0 } : this.fail(`unknown revision ${ref}`);
      }
      case 'status':
        return { stdout: '', status: 0 };
      case 'revert': {
        const sha = positional.find((p) => p !== '1');
        if (!sha || !this.known(sha)) return this.fail(`bad revision '${sha}'`);
        const c = this.objects.get(sha)!;
        const m = rest.indexOf('-m') >= 0 ? rest[rest.indexOf('-m') + 1] : undefined;
        if (c.parents.length > 1 && m !== '1') return this.fail(`commit ${sha} is a merge but no -m option was given.`);
        if (c.parents.length === 1 && m) return this.fail(`mainline was specified but commit ${sha} is not a merge.`);
        // From a terminal, revert opens the commit message editor unless --no-edit
        // (https://git-scm.com/docs/git-revert#Documentation/git-revert.txt---edit: "the default if you run
        // the command from a terminal"): the lines pasted after it go into the editor, not the shell.
        if (!rest.includes('--no-edit') && !rest.includes('--no-commit') && !rest.includes('-n'))
          return this.fail(
            'git revert opened the commit message editor (no --no-edit, from a terminal): the rest of the pasted block went into it',
          );
        if (!(this.local.get(this.branch) ?? []).includes(sha)) return this.fail(`commit ${sha} is not on branch ${this.branch}`);
        const revert = this.commit([this.local.get(this.branch)!.at(-1)!], `Revert "${c.subject}"`);
        this.local.get(this.branch)!.push(revert);
        return { stdout: `[${this.branch} ${revert.slice(0, 7)}] Revert "${c.subject}"`, status: 0 };
      }
      case 'push': {
        const [remote, refspec] = positional;
        if (remote !== 'origin' || !refspec) return this.fail(`git push ${positional.join(' ')}: name the remote and the refspec`);
        const [src, dst] = refspec.includes(':') ? refspec.split(':') : [refspec, refspec];
        const commits = this.local.get(src === 'HEAD' ? this.branch : src);
        if (!commits) return this.fail(`src refspec ${src} does not match any`);
        const target = dst.replace(/^refs\/heads\//, '');
        const remoteCommits = this.remote.get(target) ?? [];
        // The remote's answer to a push to a protected branch: a refusal the runbook must handle, not a mistake.
        if (target === 'main' && this.protectedMain)
          return {
            stdout:
              'remote: error: GH006: Protected branch update failed for refs/heads/main. Changes must be made through a pull request.',
            status: 1,
          };
        if (!remoteCommits.every((c) => commits.includes(c))) return this.fail(`! [rejected] ${src} -> ${target} (non-fast-forward)`, 1);
        const added = commits.filter((c) => !remoteCommits.includes(c));
        this.remote.set(target, [...commits]);
        this.pushed.push({ ref: target, commits: added.map((c) => this.objects.get(c)!.subject) });
        if (target === 'main') this.onPushToMain?.(commits.at(-1)!);
        return { stdout: '', status: 0 };
      }
      default:
        return this.fail(`git ${verb}: not expected in a runbook`);
    }
  }

  /**
   * `gh pr create`, parsed as gh documents it (https://cli.github.com/manual/gh_pr_create): an unknown
   * flag is refused; without `--title` and `--body` (or `--fill`) gh starts an interactive session,
   * which from a pasted block takes the next lines as answers; `--head` must name a pushed branch and
   * `--base` the branch the revert is for. The pull request records what the reviewer gets.
   */
  public gh(args: string[]): StubResult {
    if (args[0] !== 'pr' || args[1] !== 'create') return this.fail(`gh ${args.slice(0, 2).join(' ')}: not expected in a runbook`);
    const parsed = parseGhPrCreate(args.slice(2));
    if ('error' in parsed) return this.fail(`gh pr create: ${parsed.error}`, 1);
    const { head, base, title, body } = parsed;
    if (title === undefined || body === undefined)
      return this.fail(
        'gh pr create: without --title and --body gh prompts for them: the rest of the pasted block went into the prompts',
        1,
      );
    if (!head || !this.remote.has(head)) return this.fail(`gh pr create: head branch ${head} was not pushed`);
    if (base !== 'main') return this.fail(`gh pr create: base ${base} is not main`);
    this.pullRequests.push({ head, base, title, body });
    return { stdout: `https://github.com/acme/checkout/pull/${100 + this.pullRequests.length}`, status: 0 };
  }

  /** The commits a pull request proposes: those of its head branch not on the remote main, oldest first. */
  public proposedBy(pr: { head: string }): string[] {
    const main = this.remote.get('main')!;
    return (this.remote.get(pr.head) ?? []).filter((c) => !main.includes(c)).map((c) => this.objects.get(c)!.subject);
  }

  /** Subjects of the commits a pull request or a push to main would add to main. */
  public proposed(): string[] {
    const main = this.remote.get('main')!;
    const refs = [...this.pullRequests.map((p) => p.head)];
    return refs.flatMap((r) => (this.remote.get(r) ?? []).filter((c) => !main.includes(c)).map((c) => this.objects.get(c)!.subject));
  }
}

/** Lines of the diff a release commit carries: many files, as a release does. */
const RELEASE_DIFF_LINES = 600;

/**
 * What `git show` / `git log` print for a commit (https://git-scm.com/docs/git-show): the header in
 * the chosen format (`--oneline`: abbreviated hash and subject; `--format=%P`: the parents; default
 * `medium`: commit, Author, Date, the indented message), then, for `show`, the patch unless
 * `--no-patch`/`-s`. A merge commit's patch is the combined diff, empty for a merge without conflicts.
 */
function shown(c: Commit, verb: string, rest: readonly string[]): string {
  const format = rest.find((a) => a.startsWith('--format=') || a.startsWith('--pretty='))?.replace(/^--(format|pretty)=/, '');
  const header =
    format === '%P'
      ? c.parents.join(' ')
      : rest.includes('--oneline')
        ? `${c.sha.slice(0, 7)} ${c.subject}`
        : `commit ${c.sha}\nAuthor: Dev <dev@acme.example>\nDate:   Fri Dec 4 17:02:11 2026 +0000\n\n    ${c.subject}`;
  const patch =
    verb !== 'show' || rest.includes('--no-patch') || rest.includes('-s') || c.parents.length > 1
      ? []
      : ['', 'diff --git a/src/checkout.ts b/src/checkout.ts', ...Array.from({ length: RELEASE_DIFF_LINES }, (_, i) => `+  step${i}();`)];
  return [header, ...patch].join('\n');
}

/** The options of `gh pr create` (https://cli.github.com/manual/gh_pr_create), `=`: takes a value. */
const GH_PR_CREATE: Record<string, string> = {
  '-a': '--assignee=',
  '--assignee=': '--assignee=',
  '-B': '--base=',
  '--base=': '--base=',
  '-b': '--body=',
  '--body=': '--body=',
  '-F': '--body-file=',
  '--body-file=': '--body-file=',
  '-d': '--draft',
  '--draft': '--draft',
  '--dry-run': '--dry-run',
  '-e': '--editor',
  '--editor': '--editor',
  '-f': '--fill',
  '--fill': '--fill',
  '--fill-first': '--fill-first',
  '--fill-verbose': '--fill-verbose',
  '-H': '--head=',
  '--head=': '--head=',
  '-l': '--label=',
  '--label=': '--label=',
  '-m': '--milestone=',
  '--milestone=': '--milestone=',
  '--no-maintainer-edit': '--no-maintainer-edit',
  '-p': '--project=',
  '--project=': '--project=',
  '--recover=': '--recover=',
  '-r': '--reviewer=',
  '--reviewer=': '--reviewer=',
  '-T': '--template=',
  '--template=': '--template=',
  '-t': '--title=',
  '--title=': '--title=',
  '-w': '--web',
  '--web': '--web',
  '-R': '--repo=',
  '--repo=': '--repo=',
};

/** Parses `gh pr create` options as gh (cobra/pflag) does: an unknown flag or a missing value is an error. */
export function parseGhPrCreate(
  args: readonly string[],
): { error: string } | { head?: string; base?: string; title?: string; body?: string } {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-')) return { error: `accepts 0 arg(s), received ${a}` };
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const canonical = GH_PR_CREATE[flag] ?? GH_PR_CREATE[`${flag}=`];
    if (!canonical) return { error: `unknown flag: ${flag}` };
    if (canonical.endsWith('=')) {
      const value = inline ?? args[++i];
      if (value === undefined) return { error: `flag needs an argument: ${flag}` };
      values.set(canonical.slice(0, -1), value);
    } else values.set(canonical, 'true');
  }
  const fill = ['--fill', '--fill-first', '--fill-verbose'].some((f) => values.has(f));
  return {
    head: values.get('--head'),
    base: values.get('--base'),
    title: values.get('--title') ?? (fill ? '(commit subject)' : undefined),
    body: values.get('--body') ?? (fill || values.has('--body-file') ? '(commit body)' : undefined),
  };
}
